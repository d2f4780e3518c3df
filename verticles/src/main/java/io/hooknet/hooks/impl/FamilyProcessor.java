package io.hooknet.hooks.impl;

import com.hazelcast.map.EntryProcessor;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Replies;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.RegistryOps.Notice;
import io.hooknet.hooks.impl.RegistryOps.Outcome;
import java.util.List;
import java.util.Map;

/**
 * One registry change run where a family's entry lives, under Hazelcast's per-key exclusion: the whole rule
 * check, the change and the notices happen in one step for the cluster. Entries and results are CBOR bytes of
 * {@link FamilyState} and {@link Result}, so members need no Java serialization of their own classes beyond this
 * processor.
 */
final class FamilyProcessor implements EntryProcessor<String, byte[], byte[]> {

  private static final long serialVersionUID = 1L;

  /** What a change gave: an errno (0 for success) and message, or the answer, notices and published events. */
  record Result(int errno, String message, Replies.Ack ack, List<Notice> notices, List<HookEvent> published) {

    HooknetException failure() {
      return new HooknetException(Errno.of(errno).orElse(Errno.EIO), message);
    }
  }

  enum Kind { COMMAND, NODE_LEFT, COUNT_RUN }

  private final Kind kind;
  private final byte[] command;
  private final String node;
  private final String event;
  private final List<String> called;

  private FamilyProcessor(Kind kind, byte[] command, String node, String event, List<String> called) {
    this.kind = kind;
    this.command = command;
    this.node = node;
    this.event = event;
    this.called = called;
  }

  /** A change made through node {@code node}. */
  static FamilyProcessor command(HookCommand command, String node) {
    return new FamilyProcessor(Kind.COMMAND, Mapping.toJsonBytes(command), node, null, null);
  }

  /** The clean-up after node {@code node} left. */
  static FamilyProcessor nodeLeft(String node) {
    return new FamilyProcessor(Kind.NODE_LEFT, null, node, null, null);
  }

  /** Counts a run of {@code event} that called the hooks {@code called}. */
  static FamilyProcessor countRun(String event, List<String> called) {
    return new FamilyProcessor(Kind.COUNT_RUN, null, null, event, List.copyOf(called));
  }

  @Override
  public byte[] process(Map.Entry<String, byte[]> entry) {
    FamilyState state = entry.getValue() == null ? null : Mapping.fromCborBytes(entry.getValue(), FamilyState.class);
    try {
      Outcome outcome = outcome(state);
      if (outcome == null) {
        return Mapping.toCborBytes(new Result(0, null, new Replies.Ack(0), List.of(), List.of()));
      }
      entry.setValue(outcome.state() == null ? null : Mapping.toCborBytes(outcome.state()));
      return Mapping.toCborBytes(new Result(0, null, (Replies.Ack) outcome.reply(), outcome.notices(),
          outcome.published()));
    } catch (HooknetException e) {
      return Mapping.toCborBytes(new Result(e.errno(), e.detail(), null, List.of(), List.of()));
    }
  }

  private Outcome outcome(FamilyState state) {
    switch (kind) {
      case NODE_LEFT:
        return state == null ? null : HookOps.nodeLeft(state, node);
      case COUNT_RUN:
        return state == null ? null : HookOps.countRun(state, event, called);
      default:
        return RegistryOps.apply(state, Mapping.fromJsonBytes(command, HookCommand.class), node);
    }
  }
}
