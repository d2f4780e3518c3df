package io.hooknet.hooks.impl;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
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
import io.hooknet.hooks.impl.FamilyState.Applied;
import io.hooknet.hooks.impl.OwnerOps.Given;
import io.hooknet.hooks.impl.OwnerOps.Owned;
import io.hooknet.hooks.impl.RegistryOps.Outcome;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One registry change run where a family's entry lives, under Hazelcast's per-key exclusion: the whole rule
 * check, the change and the notices happen in one step for the cluster. The entry is the stored
 * {@link FamilyState} itself, changed where it lies: every rule is checked before anything is changed, so a refused
 * change leaves it as it was. The processor travels as Hazelcast data (its kind, role and request), so members
 * need no Java serialization of their own classes: a hook's register or unregister as {@link CommandWire} writes it,
 * the other requests below as CBOR, and the {@link Result} as an {@link Answer}. Run on the member of the node that asked, it is
 * not serialized at all.
 * Everything random or time-dependent is fixed by the caller in a {@link ChangeContext}, so the backup, which runs
 * the processor again, computes the same state.
 *
 * <p>A command that reaches the family's owner after the deadline of its context (in Hazelcast's cluster time) is
 * refused with {@code ETIMEDOUT} and changes nothing: the node that asked has given up on it and answered so, and a
 * change Hazelcast kept retrying behind a stuck partition must not land minutes later. Only the owner decides
 * that; its backup is told to apply what the owner applied, and gets nothing when the owner refused.
 *
 * <p>When the member running a command dies or merges back before answering, Hazelcast runs the command again where
 * the family is then, which may already have its change (from the backup, or from the side the merge kept). A hook's
 * register or unregister finds it there by its context's nonce ({@link FamilyState.Applied}) and is answered as
 * the first time, with the seq of that change, rather than refused with {@code EEXIST} or {@code ENXIO}; it tells
 * nothing again. A callback's registration found there starts the callback's stream again from the family as it is
 * then ({@link HookOps#again}): the node that asked never had the first answer, which started it.
 */
final class FamilyProcessor implements EntryProcessor<String, FamilyState, FamilyProcessor.Answer>,
    HazelcastInstanceAware, DataSerializable {

  private static final long serialVersionUID = 3L;

  /** What a change gave: an errno (0 for success) and message, or the answer and what to tell whom. */
  record Result(int errno, String message, Replies.Ack ack, List<Notice> notices, List<HookEvent> published,
      List<Replay> replays, List<Lost> lost) {

    HooknetException failure() {
      return HooknetException.outcome(Errno.of(errno).orElse(Errno.EIO), message, null);
    }

    /** Its live notices and published events alone. */
    Result live() {
      return new Result(errno, message, ack, notices, published, List.of(), List.of());
    }

    /** All but its live notices and published events. */
    Result withoutLive() {
      return new Result(errno, message, ack, List.of(), List.of(), replays, lost);
    }
  }

  /**
   * A {@link Result} as Hazelcast data. A plain one, with no notices, events, replays or lost registrations (the
   * answer to most changes once the family's owner has told their notices itself), is its errno, message and seq;
   * any other is its CBOR.
   */
  static final class Answer implements DataSerializable {
    private Result result;

    /** For Hazelcast, which makes the answer and then reads it ({@link #readData}). */
    Answer() {
    }

    Answer(Result result) {
      this.result = result;
    }

    Result result() {
      return result;
    }

    private boolean plain() {
      return result.notices().isEmpty() && result.published().isEmpty() && result.replays().isEmpty()
          && result.lost().isEmpty();
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      boolean plain = plain();
      out.writeBoolean(plain);
      if (plain) {
        out.writeInt(result.errno());
        out.writeString(result.message());
        out.writeLong(result.ack() == null ? -1 : result.ack().seq());
      } else {
        out.writeByteArray(Mapping.toCborBytes(result));
      }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      if (in.readBoolean()) {
        int errno = in.readInt();
        String message = in.readString();
        long seq = in.readLong();
        result = new Result(errno, message, seq < 0 ? null : new Replies.Ack(seq), List.of(), List.of(), List.of(),
            List.of());
      } else {
        result = Mapping.fromCborBytes(in.readByteArray(), Result.class);
      }
    }
  }

  /**
   * The key in a member's Hazelcast user context under which the registry running there takes the live notices of
   * the changes made on that member ({@link Teller}). A family's owner tells a change's live notices (and publishes
   * it) itself, right as the change is made: those for other nodes leave from the partition thread that made it,
   * two hops earlier than from the node that asked, in the order of the family's changes. The answer carries the rest, which the node that asked carries out as before:
   * stream starts, fills and stops, and lost registrations. Those go on from the node that asked, in the order of
   * its answers: a node's own callbacks are started and stopped by the node itself, at the answer. A member
   * without a registry answers with all of it, and the node that asked tells it all.
   */
  static final String TELLER = "hooknet.registry.teller";

  /** Takes the live notices of a change made on this member; called on the partition thread that made it. */
  interface Teller {
    void tell(Result live);
  }

  /** A command by {@code owner}. */
  record Command(HookCommand<?> command, Owner owner, ChangeContext context) {
  }

  /**
   * The clean-up after an owner: a node that left (the member {@code member}, a Hazelcast member id), or a session
   * that ended ({@code session} set). With {@code before} (ms; 0: any time), only what was registered before it.
   */
  record OwnerGone(String node, String member, String session, Cause cause, ChangeContext context, long before) {
    OwnerGone(String node, String member, String session, Cause cause, ChangeContext context) {
      this(node, member, session, cause, context, 0);
    }
  }

  /** A run of {@code event} that called the hooks {@code called}. */
  record CountRun(String event, List<String> called) {
  }

  /**
   * What node {@code node} asserts again after a merge: its own merge ({@code resyncAll}), or another node's (or a
   * member's departure), when only the callbacks it has to put back are re-synchronised and the streams it delivers
   * ({@code given}) are brought up to the family's latest changes.
   */
  record Reassert(List<Owned> owned, List<Owned> unregistered, List<Given> given, String node, boolean resyncAll,
      ChangeContext context) {
  }

  /** What session {@code session}, ending, held in a family as this node knows it, withdrawn with {@code cause}. */
  record Withdraw(List<Owned> owned, String session, Cause cause, ChangeContext context) {
  }

  private enum Kind { COMMAND, RESUME, OWNER_GONE, COUNT_RUN, REASSERT, WITHDRAW }

  private static final Kind[] KINDS = Kind.values();
  private static final byte CBOR = 0;
  private static final byte WIRE = 1;

  private Kind kind;
  /**
   * The request record: as made by the node that asked (a processor run on that node's own member is never
   * serialized, and reads nothing), as read by {@link CommandWire}, or decoded from {@link #encoded} when first
   * needed.
   */
  private Object request;
  /** The request as CBOR, as read from another member (the same as {@link #request} once decoded). */
  private byte[] encoded;
  /** Run as a backup: it applies what the owner applied, whatever the time. */
  private boolean backup;
  private transient HazelcastInstance hazelcast;
  /** Set on the owner when it refused the command for its deadline: the backup then has nothing to do. */
  private transient boolean refused;
  /** Set on the owner when it applied the request in its own cluster view: what the backup applies. */
  private transient Command applied;

  /** For Hazelcast, which makes the processor and then reads it ({@link #readData}). */
  FamilyProcessor() {
  }

  private FamilyProcessor(Kind kind, Object request) {
    this(kind, request, false);
  }

  private FamilyProcessor(Kind kind, Object request, boolean backup) {
    this.kind = kind;
    this.request = request;
    this.backup = backup;
  }

  static FamilyProcessor withdraw(List<Owned> owned, String session, Cause cause, ChangeContext context) {
    return new FamilyProcessor(Kind.WITHDRAW, new Withdraw(List.copyOf(owned), session, cause, context));
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByte(kind.ordinal());
    out.writeBoolean(backup);
    if (request != null && CommandWire.writes(request)) {
      out.writeByte(WIRE);
      CommandWire.write((Command) request, out);
    } else {
      out.writeByte(CBOR);
      out.writeByteArray(encoded != null ? encoded : Mapping.toCborBytes(request));
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    kind = KINDS[in.readByte()];
    backup = in.readBoolean();
    if (in.readByte() == WIRE) {
      request = CommandWire.read(in);
    } else {
      encoded = in.readByteArray();
    }
  }

  /** The request, decoded from its CBOR the first time it is asked for. */
  private <T> T request(Class<T> type) {
    if (request == null) {
      request = Mapping.fromCborBytes(encoded, type);
    }
    return type.cast(request);
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  @Override
  public EntryProcessor<String, FamilyState, Answer> getBackupProcessor() {
    if (refused) {
      return null;
    }
    if (backup) {
      return this;
    }
    if (applied != null) {
      return new FamilyProcessor(kind, applied, true);
    }
    FamilyProcessor copy = new FamilyProcessor(kind, request, true);
    // The request as it came, written on to the backups as it is rather than encoded again.
    copy.encoded = encoded;
    return copy;
  }

  static FamilyProcessor command(HookCommand<?> command, Owner owner, ChangeContext context) {
    return new FamilyProcessor(Kind.COMMAND, new Command(command, owner, context));
  }

  /** Resumes a callback {@code owner} has, after the change {@code command} names as {@code since}. */
  static FamilyProcessor resume(HookCommand<?> command, Owner owner, ChangeContext context) {
    return new FamilyProcessor(Kind.RESUME, new Command(command, owner, context));
  }

  /**
   * The clean-up after member {@code member}, node {@code node}, which left. It changes nothing where the family's
   * owner sees that member in the cluster: a clean-up decided on a side of a split and run after the merge would
   * otherwise remove a live node's hooks and callbacks.
   */
  static FamilyProcessor nodeLeft(String node, String member, ChangeContext context) {
    return new FamilyProcessor(Kind.OWNER_GONE, new OwnerGone(node, member, null, Cause.NODE_LEFT, context));
  }

  /**
   * The clean-up after an earlier process of node {@code node}, which ran under its name until it was killed:
   * what the node itself registered before {@code startedAt}, the time its process started. The others' clean-up
   * after that process may not have been through (or may not have happened, had it restarted before they saw it
   * gone); the new process owns none of it.
   */
  static FamilyProcessor earlierProcess(String node, long startedAt, ChangeContext context) {
    return new FamilyProcessor(Kind.OWNER_GONE, new OwnerGone(node, null, null, Cause.NODE_LEFT, context,
        startedAt));
  }

  static FamilyProcessor sessionEnded(String session, Cause cause, ChangeContext context) {
    return new FamilyProcessor(Kind.OWNER_GONE, new OwnerGone(null, null, session, cause, context));
  }

  static FamilyProcessor countRun(String event, List<String> called) {
    return new FamilyProcessor(Kind.COUNT_RUN, new CountRun(event, List.copyOf(called)));
  }

  static FamilyProcessor reassert(List<Owned> owned, List<Owned> unregistered, List<Given> given, String node,
      boolean resyncAll, ChangeContext context) {
    return new FamilyProcessor(Kind.REASSERT, new Reassert(List.copyOf(owned), List.copyOf(unregistered),
        List.copyOf(given), node, resyncAll, context));
  }

  @Override
  public Answer process(Map.Entry<String, FamilyState> entry) {
    FamilyState state = entry.getValue();
    try {
      // The stored family names itself: the entry's key would be read from its serialized form on every change.
      Outcome outcome = outcome(state != null && state.family != null ? state.family : entry.getKey(), state);
      if (outcome == null) {
        return new Answer(new Result(0, null, new Replies.Ack(0), List.of(), List.of(), List.of(), List.of()));
      }
      if (outcome.changed()) {
        entry.setValue(outcome.state());
      }
      if (backup) {
        return null;
      }
      Effects effects = outcome.effects();
      Result result = new Result(0, null, outcome.reply(), effects.notices, effects.published, effects.replays,
          effects.lost);
      Object teller = hazelcast == null ? null : hazelcast.getUserContext().get(TELLER);
      if (teller instanceof Teller && !(result.notices().isEmpty() && result.published().isEmpty())) {
        ((Teller) teller).tell(result.live());
        result = result.withoutLive();
      }
      return new Answer(result);
    } catch (HooknetException e) {
      return new Answer(new Result(e.errno(), e.detail(), null, List.of(), List.of(), List.of(), List.of()));
    }
  }

  /**
   * Refuses a session's clean-up that was asked in another cluster view than the owner's now ({@code EAGAIN}): a
   * node that ended a session on its side of a split must not clean up after it in the merged cluster, where the
   * other side may have it connected. The node reads the session's state again and retries.
   */
  private void refuseInAnotherView(ChangeContext context, String family) {
    if (!backup && hazelcast != null && context != null && context.view() != FamilyStore.view(hazelcast)) {
      refused = true;
      throw HooknetException.of(Errno.EAGAIN, "session clean-up on %s: not applied, the cluster changed since it "
          + "was asked", family);
    }
  }

  /**
   * On the family's owner, a command asked in a cluster view the owner no longer sees (or does not see yet) is
   * numbered in the owner's: two copies of a family that each took changes around a split would otherwise number
   * them in the view from before it, under one epoch, and give one change identity to two changes. The backup
   * applies the command as the owner did.
   */
  private Command inOwnersView(Command command) {
    ChangeContext asked = command.context();
    if (backup || hazelcast == null || asked == null) {
      return command;
    }
    long view = FamilyStore.view(hazelcast);
    if (view == asked.view()) {
      return command;
    }
    applied = new Command(command.command(), command.owner(), new ChangeContext(view, asked.nonce(),
        asked.historyLimit(), asked.now(), asked.deadline()));
    return applied;
  }

  private Outcome outcome(String family, FamilyState state) {
    switch (kind) {
      case OWNER_GONE: {
        OwnerGone gone = request(OwnerGone.class);
        if (state == null) {
          return null;
        }
        if (!backup && hazelcast != null && gone.member() != null && hazelcast.getCluster().getMembers().stream()
            .anyMatch(member -> member.getUuid().toString().equals(gone.member()))) {
          refused = true;
          return null;
        }
        if (gone.session() != null) {
          refuseInAnotherView(gone.context(), family);
        }
        return OwnerOps.removeOwned(state, gone.session() != null ? OwnerOps.ofSession(gone.session())
            : OwnerOps.ofNode(gone.node()), gone.before() == 0 ? Long.MAX_VALUE : gone.before(), gone.cause(),
            new Effects(gone.context()));
      }
      case COUNT_RUN: {
        CountRun run = request(CountRun.class);
        return state == null ? null : HookOps.countRun(state, run.event(), run.called(), new Effects(null));
      }
      case REASSERT: {
        Reassert reassert = request(Reassert.class);
        return OwnerOps.reassert(state, family, reassert.owned(), reassert.unregistered(), reassert.given(),
            reassert.node(),
            reassert.resyncAll(), new Effects(reassert.context()).untold(backup));
      }
      case WITHDRAW: {
        Withdraw withdraw = request(Withdraw.class);
        refuseInAnotherView(withdraw.context(), family);
        return state == null ? null : OwnerOps.withdraw(state, withdraw.owned(), withdraw.session(),
            withdraw.cause(), new Effects(withdraw.context()));
      }
      case RESUME: {
        Command command = inOwnersView(request(Command.class));
        return RegistryOps.resume(state, command.command(), command.owner(),
            new Effects(command.context(), true).untold(backup));
      }
      default: {
        Command command = inOwnersView(request(Command.class));
        HookOps.Made made = HookOps.madeBy(command.command());
        OptionalLong answered = made == null || state == null ? OptionalLong.empty()
            : Applied.find(state, made, command.context());
        if (answered.isPresent()) {
          Outcome again = HookOps.again(state, made, answered.getAsLong(), command.owner(),
              new Effects(command.context()).untold(backup));
          if (again != null) {
            return again;
          }
        }
        long late = backup || hazelcast == null || command.context().deadline() == 0 ? 0
            : hazelcast.getCluster().getClusterTime() - command.context().deadline();
        if (late > 0) {
          refused = true;
          throw HooknetException.of(Errno.ETIMEDOUT, "%s on %s: not applied, it reached the family's owner %d ms "
              + "after the command timeout", Mapping.typeId(HookCommand.class, command.command().getClass()),
              family, late);
        }
        Outcome outcome = RegistryOps.apply(state, command.command(), command.owner(),
            new Effects(command.context()).untold(backup));
        if (made != null) {
          Applied.keep(outcome.state(), made, outcome.reply().seq(), command.context());
        }
        return outcome;
      }
    }
  }
}
