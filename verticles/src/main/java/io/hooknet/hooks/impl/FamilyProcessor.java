package io.hooknet.hooks.impl;

import com.hazelcast.map.EntryProcessor;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Replies;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.Effects.Lost;
import io.hooknet.hooks.impl.Effects.Notice;
import io.hooknet.hooks.impl.Effects.Replay;
import io.hooknet.hooks.impl.OwnerOps.Owned;
import io.hooknet.hooks.impl.RegistryOps.Outcome;
import java.util.List;
import java.util.Map;

/**
 * One registry change run where a family's entry lives, under Hazelcast's per-key exclusion: the whole rule
 * check, the change and the notices happen in one step for the cluster. Entries, requests and results are CBOR
 * bytes of {@link FamilyState}, the request records below and {@link Result}, so members need no Java
 * serialization of their own classes beyond this processor. Everything random or time-dependent is fixed by the
 * caller in a {@link ChangeContext}, so the backup, which runs the processor again, computes the same state.
 */
final class FamilyProcessor implements EntryProcessor<String, byte[], byte[]> {

  private static final long serialVersionUID = 2L;

  /** What a change gave: an errno (0 for success) and message, or the answer and what to tell whom. */
  record Result(int errno, String message, Replies.Ack ack, List<Notice> notices, List<HookEvent> published,
      List<Replay> replays, List<Lost> lost) {

    HooknetException failure() {
      return new HooknetException(Errno.of(errno).orElse(Errno.EIO), message);
    }
  }

  /** A command by {@code owner}. */
  record Command(HookCommand<?> command, Owner owner, ChangeContext context) {
  }

  /** The clean-up after an owner: a node that left, or a session that ended ({@code session} set). */
  record OwnerGone(String node, String session, Cause cause, ChangeContext context) {
  }

  /** A run of {@code event} that called the hooks {@code called}. */
  record CountRun(String event, List<String> called) {
  }

  /** What node {@code node} asserts again after a merge. */
  record Reassert(List<Owned> owned, String node, ChangeContext context) {
  }

  private enum Kind { COMMAND, RESUME, OWNER_GONE, COUNT_RUN, REASSERT }

  private final Kind kind;
  private final byte[] request;

  private FamilyProcessor(Kind kind, Object request) {
    this.kind = kind;
    this.request = Mapping.toCborBytes(request);
  }

  static FamilyProcessor command(HookCommand<?> command, Owner owner, ChangeContext context) {
    return new FamilyProcessor(Kind.COMMAND, new Command(command, owner, context));
  }

  /** Resumes a callback {@code owner} has, after the change {@code command} names as {@code since}. */
  static FamilyProcessor resume(HookCommand<?> command, Owner owner, ChangeContext context) {
    return new FamilyProcessor(Kind.RESUME, new Command(command, owner, context));
  }

  static FamilyProcessor nodeLeft(String node, ChangeContext context) {
    return new FamilyProcessor(Kind.OWNER_GONE, new OwnerGone(node, null, Cause.NODE_LEFT, context));
  }

  static FamilyProcessor sessionEnded(String session, Cause cause, ChangeContext context) {
    return new FamilyProcessor(Kind.OWNER_GONE, new OwnerGone(null, session, cause, context));
  }

  static FamilyProcessor countRun(String event, List<String> called) {
    return new FamilyProcessor(Kind.COUNT_RUN, new CountRun(event, List.copyOf(called)));
  }

  static FamilyProcessor reassert(List<Owned> owned, String node, ChangeContext context) {
    return new FamilyProcessor(Kind.REASSERT, new Reassert(List.copyOf(owned), node, context));
  }

  @Override
  public byte[] process(Map.Entry<String, byte[]> entry) {
    FamilyState state = entry.getValue() == null ? null : Mapping.fromCborBytes(entry.getValue(), FamilyState.class);
    try {
      Outcome outcome = outcome(entry.getKey(), state);
      if (outcome == null) {
        return Mapping.toCborBytes(new Result(0, null, new Replies.Ack(0), List.of(), List.of(), List.of(),
            List.of()));
      }
      if (outcome.changed()) {
        entry.setValue(outcome.state() == null ? null : Mapping.toCborBytes(outcome.state()));
      }
      Effects effects = outcome.effects();
      return Mapping.toCborBytes(new Result(0, null, outcome.reply(), effects.notices, effects.published,
          effects.replays, effects.lost));
    } catch (HooknetException e) {
      return Mapping.toCborBytes(new Result(e.errno(), e.detail(), null, List.of(), List.of(), List.of(),
          List.of()));
    }
  }

  private Outcome outcome(String family, FamilyState state) {
    switch (kind) {
      case OWNER_GONE: {
        OwnerGone gone = Mapping.fromCborBytes(request, OwnerGone.class);
        if (state == null) {
          return null;
        }
        return OwnerOps.removeOwned(state, gone.session() != null ? OwnerOps.ofSession(gone.session())
            : OwnerOps.ofNode(gone.node()), gone.cause(), new Effects(gone.context()));
      }
      case COUNT_RUN: {
        CountRun run = Mapping.fromCborBytes(request, CountRun.class);
        return state == null ? null : HookOps.countRun(state, run.event(), run.called(), new Effects(null));
      }
      case REASSERT: {
        Reassert reassert = Mapping.fromCborBytes(request, Reassert.class);
        return OwnerOps.reassert(state, family, reassert.owned(), reassert.node(), new Effects(reassert.context()));
      }
      case RESUME: {
        Command command = Mapping.fromCborBytes(request, Command.class);
        return RegistryOps.resume(state, command.command(), command.owner(), command.context());
      }
      default: {
        Command command = Mapping.fromCborBytes(request, Command.class);
        return RegistryOps.apply(state, command.command(), command.owner(), command.context());
      }
    }
  }
}
