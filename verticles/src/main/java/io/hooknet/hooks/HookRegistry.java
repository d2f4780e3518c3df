package io.hooknet.hooks;

import io.hooknet.codec.Hint;
import io.hooknet.codec.HookCall;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HooknetMessage;
import io.hooknet.codec.Replies;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.function.ToIntFunction;

/**
 * The cluster's hook registry as one node sees it: the illumos hook framework ({@code net_hook_register},
 * {@code net_event_notify_register(9F)}, {@code hook_run}) replicated over Hazelcast. Every change is atomic
 * cluster-wide; every callback is told of every change in {@code seq} order, after a replay of what was there.
 * Futures fail with {@link io.hooknet.codec.HooknetException} and the errno of illumos' rules.
 */
public interface HookRegistry {

  /** Request/reply address of the registry operations, answered by any node. */
  String COMMANDS = "hooknet.hooks.cmd";

  /**
   * Request/reply address of the registry operations answered by node {@code nodeName} only: hooks and callbacks
   * registered through it belong to that node and go when it leaves.
   */
  static String nodeCommands(String nodeName) {
    return "hooknet.hooks." + nodeName + ".cmd";
  }

  /**
   * Where node {@code nodeName}'s own bridges hand it their clients' registry commands: consumed on that node only
   * (a local consumer), so that the hop never depends on the cluster's record of consumers, which may still name an
   * earlier process of the node for a while after a crash or a merge.
   */
  static String bridgeCommands(String nodeName) {
    return "hooknet.hooks." + nodeName + ".bridge.cmd";
  }

  /** Where every live change is published, for observers (no replay). */
  String EVENTS = "hooknet.hooks.events";

  /**
   * The header in which a command names the bridge session that sends it. The bridges set it (a client cannot);
   * a command without it is the node's own.
   */
  String SESSION_HEADER = "session";

  /**
   * The header in which a bridge tells that a client's command cannot run, as the errno's number: its session could
   * not be opened. The command is answered with that errno and the message of {@link #REFUSED_MESSAGE_HEADER}. Only
   * the bridges set it (a client cannot).
   */
  String REFUSED_HEADER = "refused";

  /** The message that goes with {@link #REFUSED_HEADER}. */
  String REFUSED_MESSAGE_HEADER = "refusedMessage";

  String nodeName();

  /**
   * Runs any registry operation, as {@value #COMMANDS} does, as this node: what it registers belongs to this node
   * and goes when the node leaves. The future fails with the operation's errno. May be called from any context;
   * the operation runs on the registry's, and the future completes on the caller's.
   */
  <R extends HooknetMessage> Future<R> execute(HookCommand<R> command);

  /** The bridge sessions, for the bridges of this node. */
  Sessions sessions();

  /**
   * Sets the handler told, with an {@code HN_UNREGISTER} of cause {@code MERGE_CONFLICT}, of each hook of this
   * node that another registration kept after a split-brain merge. The hook's own handler (if registered with a
   * function) is unregistered first.
   */
  HookRegistry lostHandler(Handler<HookEvent> handler);

  default Future<Long> addFamily(String family) {
    return execute(new HookCommand.FamilyAdd(family)).map(Replies.Ack::seq);
  }

  default Future<Long> addEvent(String family, String event) {
    return execute(new HookCommand.EventAdd(family, event)).map(Replies.Ack::seq);
  }

  default Future<Long> removeEvent(String family, String event) {
    return execute(new HookCommand.EventRemove(family, event)).map(Replies.Ack::seq);
  }

  /** Registers a hook whose calls {@code run} sends to {@code address}; gives the event's new seq. */
  default Future<Long> register(String family, String event, String hook, Hint hint, String hintValue,
      String address) {
    return execute(new HookCommand.HookRegister(family, event, hook, hint, hintValue, address)).map(Replies.Ack::seq);
  }

  /**
   * Registers a hook served by {@code function} on this node: {@code run} calls it with the payload and a
   * non-zero result stops the chain. The hook goes when it is unregistered or when this node leaves.
   */
  Future<Long> register(String family, String event, String hook, Hint hint, String hintValue,
      ToIntFunction<HookCall> function);

  Future<Long> unregister(String family, String event, String hook);

  /**
   * Registers {@code callback} for changes to an event's chain; it gets {@code HN_REGISTER} for each hook there
   * (replay) and {@code HN_SYNCED}, then every change. Gives the callback's address, which
   * {@link #notifyUnregister} takes.
   */
  Future<String> notifyRegister(String family, String event, Handler<HookEvent> callback);

  /** Unregisters a callback; it gets {@code HN_UNREGISTER} for each hook still there (teardown). */
  default Future<Long> notifyUnregister(String family, String event, String address) {
    return execute(new HookCommand.NotifyUnregister(family, event, address)).map(Replies.Ack::seq);
  }

  /** Registers {@code callback} for events added to or removed from a family, with replay. */
  Future<String> protocolNotifyRegister(String family, Handler<HookEvent> callback);

  default Future<Replies.HookChains> list(String family, String event) {
    return execute(new HookCommand.ListHooks(family, event));
  }

  /**
   * Runs an event's chain. A hook that cannot be called or does not answer within the hook timeout stops the
   * chain: the result names it in {@code stoppedBy} with its {@code errno} ({@code EHOSTUNREACH},
   * {@code ETIMEDOUT}).
   */
  default Future<Replies.RunResult> run(HookCommand.Run run) {
    return execute(run);
  }

  default Future<Replies.EventStats> stats(String family, String event) {
    return execute(new HookCommand.Stats(family, event));
  }
}
