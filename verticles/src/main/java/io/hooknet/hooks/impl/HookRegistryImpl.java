package io.hooknet.hooks.impl;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import io.hooknet.cluster.HooknetCluster;
import io.hooknet.codec.Errno;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookCall;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.HooknetMessage;
import io.hooknet.codec.Json;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.impl.FamilyProcessor.Result;
import io.hooknet.hooks.impl.RegistryOps.Notice;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * A node's view of the replicated registry. State lives in the Hazelcast map {@value #MAP}, one entry per
 * family, changed only by {@link FamilyProcessor}s. The node that made a change publishes it on
 * {@link HookRegistry#EVENTS} and sends each notice to the node that owns the callback, whose
 * {@link CallbackSequencer} delivers it in order. When a member leaves, every survivor runs the node's clean-up
 * on every family; it is idempotent, so each removed hook is reported once.
 */
public final class HookRegistryImpl implements HookRegistry {

  static final String MAP = "hooknet.hooks";
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(HookRegistry.class.getName());
  private static final long GAP_MILLIS = 2_000;

  private final Vertx vertx;
  private final Context context;
  private final HooknetCluster cluster;
  private final IMap<String, byte[]> families;
  private final CallbackSequencer sequencer;
  private final Map<String, MessageConsumer<?>> localConsumers = new ConcurrentHashMap<>();
  private final RegistryReads reads;
  /** What was registered through this node, in order, to assert again after a split-brain merge. */
  private final Map<String, HookCommand> owned = new java.util.LinkedHashMap<>();
  private MessageConsumer<JsonObject> notices;
  private java.util.UUID membership;
  private java.util.UUID lifecycle;

  /** Made on the event loop the registry runs on. */
  public HookRegistryImpl(Vertx vertx, HooknetCluster cluster) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.cluster = cluster;
    this.families = cluster.hazelcast().getMap(MAP);
    this.sequencer = new CallbackSequencer(vertx, GAP_MILLIS, (address, event) -> vertx.eventBus().send(address, Json.toJson(event)));
    this.reads = new RegistryReads(vertx, families);
  }

  static String noticeAddress(String node) {
    return "hooknet.hooks.node." + node + ".notices";
  }

  public Future<Void> start() {
    notices = vertx.eventBus().consumer(noticeAddress(nodeName()), message -> sequencer.live(
        message.body().getString("address"), Json.fromJson(message.body().getJsonObject("event"), HookEvent.class)));
    membership = cluster.hazelcast().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String node = event.getMember().getAttribute(HooknetCluster.NODE_NAME_ATTRIBUTE);
        if (node != null) {
          context.runOnContext(v -> cleanUpAfter(node));
        }
      }
    });
    lifecycle = cluster.hazelcast().getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        context.runOnContext(v -> reassert());
      }
    });
    return notices.completion();
  }

  public Future<Void> stop() {
    cluster.hazelcast().getCluster().removeMembershipListener(membership);
    cluster.hazelcast().getLifecycleService().removeLifecycleListener(lifecycle);
    List<Future<Void>> closing = new ArrayList<>();
    localConsumers.values().forEach(consumer -> closing.add(consumer.unregister()));
    closing.add(notices.unregister());
    return Future.join(closing).mapEmpty();
  }

  @Override
  public String nodeName() {
    return cluster.nodeName();
  }

  @Override
  public Future<HooknetMessage> execute(HookCommand command) {
    if (command instanceof HookCommand.ListHooks) {
      return reads.list((HookCommand.ListHooks) command).map(HooknetMessage.class::cast);
    }
    if (command instanceof HookCommand.Stats) {
      return reads.stats((HookCommand.Stats) command).map(HooknetMessage.class::cast);
    }
    if (command instanceof HookCommand.Run) {
      return runChain((HookCommand.Run) command).map(HooknetMessage.class::cast);
    }
    return change(command.family(), FamilyProcessor.command(command, nodeName())).map(result -> {
      dispatch(command, result);
      remember(command);
      return result.ack();
    });
  }

  @Override
  public Future<Long> register(String family, String event, String hook, Hint hint, String hintValue,
      ToIntFunction<HookCall> function) {
    String address = "hooknet.hook." + nodeName() + "." + UUID.randomUUID();
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address, call -> call.reply(
        new HookCall.Result(function.applyAsInt(Json.body(call.body(), HookCall.class)))));
    return consumer.completion()
        .compose(ready -> register(family, event, hook, hint, hintValue, address))
        .onSuccess(seq -> localConsumers.put(hookKey(family, event, hook), consumer))
        .onFailure(failed -> consumer.unregister());
  }

  @Override
  public Future<Long> unregister(String family, String event, String hook) {
    return execute(new HookCommand.HookUnregister(family, event, hook)).map(reply -> {
      MessageConsumer<?> consumer = localConsumers.remove(hookKey(family, event, hook));
      if (consumer != null) {
        consumer.unregister();
      }
      return ((io.hooknet.codec.Replies.Ack) reply).seq();
    });
  }

  @Override
  public Future<String> notifyRegister(String family, String event, Handler<HookEvent> callback) {
    return withCallback(callback, address -> execute(new HookCommand.NotifyRegister(family, event, address)));
  }

  @Override
  public Future<String> protocolNotifyRegister(String family, Handler<HookEvent> callback) {
    return withCallback(callback, address -> execute(new HookCommand.ProtocolNotifyRegister(family, address)));
  }

  private Future<String> withCallback(Handler<HookEvent> callback,
      java.util.function.Function<String, Future<HooknetMessage>> registration) {
    String address = "hooknet.client." + nodeName() + "." + UUID.randomUUID();
    MessageConsumer<Object> consumer = vertx.eventBus().localConsumer(address,
        message -> callback.handle(Json.body(message.body(), HookEvent.class)));
    localConsumers.put(address, consumer);
    return registration.apply(address).map(address).onFailure(failed -> {
      localConsumers.remove(address);
      consumer.unregister();
    });
  }

  private Future<io.hooknet.codec.Replies.RunResult> runChain(HookCommand.Run command) {
    return new HookRun(vertx, reads, command).call().compose(outcome ->
        change(command.family(), FamilyProcessor.countRun(command.event(), outcome.called()))
            .map(counted -> outcome.result()));
  }

  private Future<Result> change(String family, FamilyProcessor processor) {
    return Future.fromCompletionStage(families.submitToKey(family, processor), context).compose(bytes -> {
      Result result = Mapping.fromCborBytes(bytes, Result.class);
      return result.errno() == 0 ? Future.succeededFuture(result) : Future.failedFuture(result.failure());
    });
  }

  /** Publishes a change and hands its notices to the callbacks' owners. */
  private void dispatch(HookCommand command, Result result) {
    result.published().forEach(event -> vertx.eventBus().publish(EVENTS, Json.toJson(event)));
    List<HookEvent> own = result.notices().stream().map(Notice::event).collect(Collectors.toList());
    if (command instanceof HookCommand.NotifyRegister) {
      sequencer.start(((HookCommand.NotifyRegister) command).address(), result.ack().seq(), own);
    } else if (command instanceof HookCommand.ProtocolNotifyRegister) {
      sequencer.start(((HookCommand.ProtocolNotifyRegister) command).address(), result.ack().seq(), own);
    } else if (command instanceof HookCommand.NotifyUnregister) {
      String address = ((HookCommand.NotifyUnregister) command).address();
      sequencer.stop(address, own);
      dropLocal(address);
    } else if (command instanceof HookCommand.ProtocolNotifyUnregister) {
      String address = ((HookCommand.ProtocolNotifyUnregister) command).address();
      sequencer.stop(address, own);
      dropLocal(address);
    } else {
      sendLive(result.notices());
    }
  }

  private void sendLive(List<Notice> notices) {
    for (Notice notice : notices) {
      if (notice.owner().equals(nodeName())) {
        sequencer.live(notice.address(), notice.event());
      } else {
        vertx.eventBus().send(noticeAddress(notice.owner()), new JsonObject().put("address", notice.address())
            .put("event", Json.toJson(notice.event())));
      }
    }
  }

  private void dropLocal(String address) {
    MessageConsumer<?> consumer = localConsumers.remove(address);
    if (consumer != null) {
      // Teardown notices are queued ahead of the unregistration on this loop, so the callback still gets them.
      context.runOnContext(v -> consumer.unregister());
    }
  }

  /** Keeps what this node owns: hooks and callbacks registered through it, until they are unregistered. */
  private void remember(HookCommand command) {
    if (command instanceof HookCommand.HookRegister) {
      HookCommand.HookRegister hook = (HookCommand.HookRegister) command;
      owned.put(hookKey(hook.family(), hook.event(), hook.hook()), command);
    } else if (command instanceof HookCommand.HookUnregister) {
      HookCommand.HookUnregister hook = (HookCommand.HookUnregister) command;
      owned.remove(hookKey(hook.family(), hook.event(), hook.hook()));
    } else if (command instanceof HookCommand.NotifyRegister) {
      owned.put(((HookCommand.NotifyRegister) command).address(), command);
    } else if (command instanceof HookCommand.ProtocolNotifyRegister) {
      owned.put(((HookCommand.ProtocolNotifyRegister) command).address(), command);
    } else if (command instanceof HookCommand.NotifyUnregister) {
      owned.remove(((HookCommand.NotifyUnregister) command).address());
    } else if (command instanceof HookCommand.ProtocolNotifyUnregister) {
      owned.remove(((HookCommand.ProtocolNotifyUnregister) command).address());
    }
  }

  /**
   * After a split-brain merge the cluster keeps the larger side's entries, which lost this node's hooks and
   * callbacks when it was taken for dead: register them again, in their original order. What is still there
   * answers EEXIST and is left as it is.
   */
  private void reassert() {
    List<HookCommand> mine = new ArrayList<>(owned.values());
    LOG.info(() -> "node " + nodeName() + " merged back into the cluster; asserting its " + mine.size()
        + " hooks and callbacks again");
    Future<Void> chain = Future.succeededFuture();
    for (HookCommand command : mine) {
      chain = chain.compose(v -> execute(command).transform(done -> {
        if (done.failed() && HooknetException.from(done.cause()).errno() != Errno.EEXIST.number()) {
          LOG.warning(() -> "could not assert " + command + " again: " + done.cause().getMessage());
        }
        return Future.succeededFuture();
      }));
    }
  }

  /** Runs the departed node's clean-up on every family at once, where each family's entry lives. */
  private void cleanUpAfter(String node) {
    vertx.executeBlocking(() -> families.executeOnEntries(FamilyProcessor.nodeLeft(node))).onSuccess(results -> {
      for (byte[] bytes : results.values()) {
        Result result = Mapping.fromCborBytes(bytes, Result.class);
        result.published().forEach(event -> vertx.eventBus().publish(EVENTS, Json.toJson(event)));
        sendLive(result.notices());
      }
    }).onFailure(failure -> LOG.warning(() -> "clean-up after node " + node + " failed: " + failure));
  }

  private static String hookKey(String family, String event, String hook) {
    return family + "/" + event + "/" + hook;
  }
}
