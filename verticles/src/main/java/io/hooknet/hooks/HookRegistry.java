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

  /** Where every live change is published, for observers (no replay). */
  String EVENTS = "hooknet.hooks.events";

  String nodeName();

  /** Runs any registry operation, as {@value #COMMANDS} does. */
  Future<HooknetMessage> execute(HookCommand command);

  default Future<Long> addFamily(String family) {
    return ack(execute(new HookCommand.FamilyAdd(family)));
  }

  default Future<Long> addEvent(String family, String event) {
    return ack(execute(new HookCommand.EventAdd(family, event)));
  }

  default Future<Long> removeEvent(String family, String event) {
    return ack(execute(new HookCommand.EventRemove(family, event)));
  }

  /** Registers a hook whose calls {@code run} sends to {@code address}; gives the event's new seq. */
  default Future<Long> register(String family, String event, String hook, Hint hint, String hintValue,
      String address) {
    return ack(execute(new HookCommand.HookRegister(family, event, hook, hint, hintValue, address)));
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
   * (replay) and then every change. Gives the callback's address, which {@link #notifyUnregister} takes.
   */
  Future<String> notifyRegister(String family, String event, Handler<HookEvent> callback);

  /** Unregisters a callback; it gets {@code HN_UNREGISTER} for each hook still there (teardown). */
  default Future<Long> notifyUnregister(String family, String event, String address) {
    return ack(execute(new HookCommand.NotifyUnregister(family, event, address)));
  }

  /** Registers {@code callback} for events added to or removed from a family, with replay. */
  Future<String> protocolNotifyRegister(String family, Handler<HookEvent> callback);

  default Future<Replies.HookChains> list(String family, String event) {
    return execute(new HookCommand.ListHooks(family, event)).map(Replies.HookChains.class::cast);
  }

  default Future<Replies.RunResult> run(HookCommand.Run run) {
    return execute(run).map(Replies.RunResult.class::cast);
  }

  default Future<Replies.EventStats> stats(String family, String event) {
    return execute(new HookCommand.Stats(family, event)).map(Replies.EventStats.class::cast);
  }

  private static Future<Long> ack(Future<HooknetMessage> answer) {
    return answer.map(reply -> ((Replies.Ack) reply).seq());
  }
}
