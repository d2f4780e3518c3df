package io.hooknet.hooks.impl;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.LifecycleEvent;
import io.hooknet.cluster.HooknetCluster;
import io.hooknet.codec.ChangeId;
import io.hooknet.codec.Errno;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookCall;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.HooknetMessage;
import io.hooknet.codec.Json;
import io.hooknet.codec.Replies;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.HookRegistryOptions;
import io.hooknet.hooks.Sessions;
import io.hooknet.hooks.impl.Effects.CallbackKey;
import io.hooknet.hooks.impl.Effects.Lost;
import io.hooknet.hooks.impl.FamilyProcessor.Result;
import io.hooknet.impl.ContextCalls;
import io.hooknet.metrics.HooknetMeters;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.logging.Logger;

/**
 * A node's view of the replicated registry ({@link FamilyStore}). Every operation runs as an {@link Owner}: this
 * node, or the bridge session a command came from. A change's effects go out through {@link Deliveries}; what this
 * node and its sessions own is kept in {@link Ownership} for {@link MergeRecovery}; sessions live in
 * {@link SessionsImpl}. When a member leaves, every survivor runs its clean-up on every family; it is idempotent,
 * so each removed hook is reported once.
 */
public final class HookRegistryImpl implements HookRegistry {

  private static final Logger LOG = Logger.getLogger(HookRegistry.class.getName());
  private static final long GAP_MILLIS = 2_000;
  /** The header of the message that ends a Java callback's consumer. */
  private static final String CALLBACK_END = "hooknet-callback-end";
  /**
   * How long after a member joins the others assert again what they and their sessions own: a member that merged
   * back sends its data once it has joined.
   */
  private static final long JOIN_SETTLE_MILLIS = 3_000;
  private static final long ASSERT_DUE_MAX_MILLIS = 15_000;
  /** How soon a clean-up after a node that got no answer from every family is asked again. */
  private static final long CLEAN_UP_RETRY_MILLIS = 2_000;
  /** The {@code op} name of each command type, for the meters. */
  private static final Map<Class<?>, String> OPS = new ConcurrentHashMap<>();

  private final Vertx vertx;
  private final Context context;
  private final HooknetCluster cluster;
  private final HookRegistryOptions options;
  private final FamilyStore store;
  private final RegistryReads reads;
  private final Deliveries deliveries;
  private final Ownership ownership = new Ownership();
  private final SessionsImpl sessions;
  private final MergeRecovery merge;
  private final Map<String, MessageConsumer<?>> localConsumers = new ConcurrentHashMap<>();
  /** The lost registrations whose owners were told, latest {@value #TOLD_LOST_KEPT}. */
  private final Map<String, Boolean> toldLost = BoundedMaps.latestPut(TOLD_LOST_KEPT);
  private static final int TOLD_LOST_KEPT = 4096;
  private Handler<HookEvent> lostHandler = event -> { };
  /** Takes the live notices of changes made on this member, in their order (see {@link FamilyProcessor#TELLER}). */
  private final FamilyProcessor.Teller teller;
  private UUID membership;
  private UUID lifecycle;
  private UUID partitionLost;
  /** Why the registry asserts again once the cluster has settled, since when, and its timer; null while none is due. */
  private String assertDue;
  private long assertDueSince;
  private long assertTimer = -1;
  /** When this process's registry was made: what this node registered earlier was an earlier process's. */
  private final long startedAt = System.currentTimeMillis();
  private boolean stopped;

  /** Made on the event loop the registry runs on. */
  public HookRegistryImpl(Vertx vertx, HooknetCluster cluster, HookRegistryOptions options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.cluster = cluster;
    this.options = new HookRegistryOptions(options).validate();
    this.store = new FamilyStore(vertx, context, cluster.hazelcast(), options.getHistorySize(),
        options.getCommandTimeoutMillis());
    this.reads = new RegistryReads(vertx, store.map());
    this.deliveries = new Deliveries(vertx, cluster.nodeName(), cluster::memberNames, this::fill, GAP_MILLIS,
        this::lost, this::callbackStopped, localConsumers::containsKey);
    this.sessions = new SessionsImpl(vertx, context, cluster.nodeName(), cluster.hazelcast(), cluster::memberNames,
        options.getSessionGraceSeconds(), store, deliveries, ownership, this::assertAgainSoon);
    this.merge = new MergeRecovery(vertx, cluster.nodeName(), store, sessions, ownership, deliveries);
    this.teller = result -> deliveries.tellLive(result, context);
  }

  public Future<Void> start() {
    membership = cluster.hazelcast().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        String node = event.getMember().getAttribute(HooknetCluster.NODE_NAME_ATTRIBUTE);
        if (node != null && !node.equals(cluster.nodeName())) {
          // A member that merged back brings its data after it joins: assert once that is in.
          context.runOnContext(v -> assertAgainSoon("node " + node + " joined the cluster"));
        }
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String node = event.getMember().getAttribute(HooknetCluster.NODE_NAME_ATTRIBUTE);
        if (node != null) {
          String member = event.getMember().getUuid().toString();
          context.runOnContext(v -> {
            cleanUpAfter(node, member);
            assertAgainSoon("node " + node + " left the cluster");
          });
        }
      }
    });
    partitionLost = cluster.hazelcast().getPartitionService().addPartitionLostListener(event ->
        context.runOnContext(v -> assertAgainSoon("Hazelcast lost partitions completely")));
    lifecycle = cluster.hazelcast().getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGING) {
        context.runOnContext(v -> sessions.merging());
      } else if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        context.runOnContext(v -> merge.run());
      } else if (event.getState() == LifecycleEvent.LifecycleState.MERGE_FAILED) {
        context.runOnContext(v -> sessions.merged());
      }
    });
    cluster.hazelcast().getUserContext().put(FamilyProcessor.TELLER, teller);
    sessions.start();
    cleanUpEarlierProcess();
    return deliveries.start();
  }

  public Future<Void> stop() {
    stopped = true;
    cluster.hazelcast().getUserContext().remove(FamilyProcessor.TELLER, teller);
    cluster.hazelcast().getCluster().removeMembershipListener(membership);
    cluster.hazelcast().getLifecycleService().removeLifecycleListener(lifecycle);
    cluster.hazelcast().getPartitionService().removePartitionLostListener(partitionLost);
    merge.stop();
    sessions.stop();
    List<Future<Void>> closing = new ArrayList<>();
    localConsumers.values().forEach(consumer -> closing.add(consumer.unregister()));
    closing.add(deliveries.stop());
    return Future.join(closing).mapEmpty();
  }

  @Override
  public String nodeName() {
    return cluster.nodeName();
  }

  @Override
  public Sessions sessions() {
    return sessions;
  }

  @Override
  public HookRegistry lostHandler(Handler<HookEvent> handler) {
    this.lostHandler = handler;
    return this;
  }

  @Override
  public <R extends HooknetMessage> Future<R> execute(HookCommand<R> command) {
    return execute(command, Owner.node(nodeName()));
  }

  /** Runs {@code command} as session {@code session} of this node ({@code null}: as the node). */
  public <R extends HooknetMessage> Future<R> execute(HookCommand<R> command, String session) {
    return execute(command, new Owner(nodeName(), session));
  }

  /** Runs on the registry's context, where what the node owns is kept; answers on the caller's. */
  private <R extends HooknetMessage> Future<R> execute(HookCommand<R> command, Owner owner) {
    return ContextCalls.call(context, () -> executeHere(command, owner));
  }

  private <R extends HooknetMessage> Future<R> executeHere(HookCommand<R> command, Owner owner) {
    long started = System.nanoTime();
    return command.accept(new Operations(owner)).map(command.replyType()::cast).andThen(done -> {
      String outcome = done.succeeded() ? "ok" : Errno.of(HooknetException.from(done.cause()).errno())
          .map(Enum::name).orElse("EIO");
      String op = OPS.computeIfAbsent(command.getClass(), type -> Mapping.typeId(HookCommand.class, type));
      HooknetMeters.command(op, outcome)
          .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    });
  }

  /** How each operation runs, as one owner. */
  private final class Operations implements HookCommand.Visitor<Future<? extends HooknetMessage>> {
    private final Owner owner;

    Operations(Owner owner) {
      this.owner = owner;
    }

    private Future<Replies.Ack> change(HookCommand<?> command) {
      Future<Void> allowed = command instanceof HookCommand.Registers
          ? sessions.check(owner, ((HookCommand.Registers) command).address()) : Future.succeededFuture();
      ChangeContext changeContext = store.changeContext();
      HookCommand.Registration leaving = command instanceof HookCommand.Unregisters
          ? ((HookCommand.Unregisters) command).registration() : null;
      if (leaving != null) {
        ownership.unregistering(leaving);
      }
      Future<Replies.Ack> changed = allowed.compose(ok -> store.change(command.family(),
          FamilyProcessor.command(command, owner, changeContext))).compose(result -> {
            deliveries.apply(result);
            if (command instanceof HookCommand.Registers) {
              return sessions.settle(owner, command.family()).map(settled -> {
                OwnerOps.Owned displaced = ownership.registered((HookCommand.Registers) command, owner,
                    changeContext.now());
                if (displaced != null) {
                  // This node held another owner's registration of the name, made on its side of a split and not
                  // asserted again yet: the merged family did not have it, and this registration took the name.
                  // Its owner is told, as the merge's re-assertion would have told it.
                  Lost lost = OwnerOps.lost(command.family(), displaced, new ChangeId(0, result.ack().seq()));
                  if (lost != null) {
                    lost(lost);
                  }
                }
                return result.ack();
              });
            }
            return Future.succeededFuture(result.ack());
          });
      return leaving == null ? changed
          : changed.andThen(done -> ownership.unregistered(leaving, done.succeeded()));
    }

    @Override
    public Future<Replies.Ack> familyAdd(HookCommand.FamilyAdd command) {
      return change(command);
    }

    @Override
    public Future<Replies.Ack> familyRemove(HookCommand.FamilyRemove command) {
      return change(command);
    }

    @Override
    public Future<Replies.Ack> eventAdd(HookCommand.EventAdd command) {
      return change(command);
    }

    @Override
    public Future<Replies.Ack> eventRemove(HookCommand.EventRemove command) {
      return change(command);
    }

    @Override
    public Future<Replies.Ack> hookRegister(HookCommand.HookRegister command) {
      return change(command);
    }

    @Override
    public Future<Replies.Ack> hookUnregister(HookCommand.HookUnregister command) {
      return change(command);
    }

    @Override
    public Future<Replies.Ack> notifyRegister(HookCommand.NotifyRegister command) {
      return change(command);
    }

    @Override
    public Future<Replies.Ack> notifyUnregister(HookCommand.NotifyUnregister command) {
      return change(command).andThen(done -> unregistered(
          new CallbackKey(command.family(), command.event(), command.address()), done));
    }

    @Override
    public Future<Replies.Ack> protocolNotifyRegister(HookCommand.ProtocolNotifyRegister command) {
      return change(command);
    }

    @Override
    public Future<Replies.Ack> protocolNotifyUnregister(HookCommand.ProtocolNotifyUnregister command) {
      return change(command).andThen(done -> unregistered(new CallbackKey(command.family(), null, command.address()),
          done));
    }

    @Override
    public Future<Replies.HookChains> list(HookCommand.ListHooks command) {
      return store.within(reads.list(command), "list");
    }

    @Override
    public Future<Replies.RunResult> run(HookCommand.Run command) {
      HookRun run = new HookRun(vertx, reads, command, options.getHookTimeoutMillis(),
          options.getCommandTimeoutMillis());
      return store.within(run.call(), "run " + command.family() + "/" + command.event()).compose(outcome ->
          store.change(command.family(), FamilyProcessor.countRun(command.event(), outcome.called()))
              .map(counted -> outcome.result()));
    }

    @Override
    public Future<Replies.EventStats> stats(HookCommand.Stats command) {
      return store.within(reads.stats(command), "stats");
    }

    @Override
    public Future<Replies.SessionInfo> session(HookCommand.SessionOpen command) {
      return sessions.info(requireSession());
    }

    @Override
    public Future<Replies.Ack> sessionClose(HookCommand.SessionClose command) {
      return sessions.close(requireSession()).map(new Replies.Ack(0));
    }

    private String requireSession() {
      if (!owner.sessionOwned()) {
        throw io.hooknet.codec.HooknetException.of(io.hooknet.codec.Errno.EINVAL,
            "only a bridged client has a session; node %s has none", owner.node());
      }
      return owner.session();
    }
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
      dropLocal(hookKey(family, event, hook));
      return reply.seq();
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
      java.util.function.Function<String, Future<Replies.Ack>> registration) {
    // Under the node's own addresses, which no bridge lets a client listen to: nothing can share the callback's
    // address, and a node's registration there needs no check with the cluster's claims.
    String address = "hooknet.hooks.node." + nodeName() + ".cb." + UUID.randomUUID();
    // The handler runs on the caller's context, as Vert.x runs any handler; the end comes to it in the same queue as
    // the events, after the last.
    MessageConsumer<Object> consumer = vertx.eventBus().localConsumer(address);
    consumer.handler(message -> {
      if (message.headers().contains(CALLBACK_END)) {
        consumer.unregister();
      } else {
        callback.handle(Json.body(message.body(), HookEvent.class));
      }
    });
    localConsumers.put(address, consumer);
    return registration.apply(address).map(address).onFailure(failed -> endCallback(address));
  }

  /**
   * A Java callback of this node unregistered stops being consumed here once its teardown has gone out, which may
   * wait for changes made before it: it is told nothing after. One the family did not have ({@code ESRCH}: a merge
   * kept a copy without it) is still this node's, which puts it back when it asserts what it owns and tells it what
   * changed meanwhile: it keeps being consumed.
   */
  private void unregistered(CallbackKey key, AsyncResult<Replies.Ack> done) {
    if (done.succeeded() && localConsumers.containsKey(key.address())) {
      deliveries.sequencer().afterTeardown(key, () -> endCallback(key.address()));
    }
  }

  /** A Java callback's consumer goes once the events sent to it before have been handled. */
  private void endCallback(String address) {
    if (localConsumers.remove(address) != null) {
      ContextCalls.run(context, () -> vertx.eventBus().send(address, null, new DeliveryOptions().setLocalOnly(true)
          .addHeader(CALLBACK_END, "")));
    }
  }

  private void dropLocal(String key) {
    MessageConsumer<?> consumer = localConsumers.remove(key);
    if (consumer != null) {
      consumer.unregister();
    }
  }

  /**
   * Asserts again what this node and its sessions own once the cluster has settled ({@value #JOIN_SETTLE_MILLIS}
   * ms): a member that merged back brings its data after it joins, the backups that take over a departed member's
   * partitions may lack its latest changes, and a lost partition takes its families with it. A change of the
   * cluster that comes while one is due puts it off until the cluster has settled after that one too (for
   * {@value #ASSERT_DUE_MAX_MILLIS} ms at most), and is asserted with it.
   */
  private void assertAgainSoon(String why) {
    long now = System.nanoTime();
    if (assertDue == null) {
      assertDue = why;
      assertDueSince = now;
    } else if (now - assertDueSince < TimeUnit.MILLISECONDS.toNanos(ASSERT_DUE_MAX_MILLIS)) {
      assertDue = assertDue.contains(why) ? assertDue : assertDue + "; " + why;
      vertx.cancelTimer(assertTimer);
    } else {
      return;
    }
    assertTimer = vertx.setTimer(JOIN_SETTLE_MILLIS, timer -> {
      String what = assertDue;
      assertDue = null;
      assertTimer = -1;
      if (!stopped) {
        merge.runAfter(what);
      }
    });
  }

  /** A callback of session {@code session} delivered here was removed without a teardown: see the sessions. */
  private void callbackStopped(String session) {
    if (!stopped) {
      sessions.callbackStopped(session);
    }
  }

  /** A stream of this node misses a change: ask for the changes after the last it has, as its owner. */
  private void fill(CallbackKey key, String session, ChangeId last) {
    HookCommand<Replies.Ack> resume = key.event() == null
        ? new HookCommand.ProtocolNotifyRegister(key.family(), key.address(), last)
        : new HookCommand.NotifyRegister(key.family(), key.event(), key.address(), last);
    LOG.warning(() -> "callback " + key + " misses the change after " + last.epoch() + "/" + last.seq()
        + " (its sender left before telling it, or a merge replaced the family); resuming it from the family");
    store.change(key.family(), FamilyProcessor.resume(resume, new Owner(nodeName(), session),
        store.changeContext())).onSuccess(deliveries::apply).onFailure(failure -> {
          if (failure instanceof HooknetException && ((HooknetException) failure).errno() != Errno.ETIMEDOUT.number()
              && ((HooknetException) failure).errno() != Errno.EAGAIN.number()) {
            LOG.warning(() -> "callback " + key + " could not be resumed: " + failure.getMessage());
            deliveries.sequencer().stop(key, null, List.of());
          } else {
            // No answer in time (a merge holding the family's changes, say): the callback is still there.
            LOG.warning(() -> "callback " + key + " could not be resumed yet, asking again: " + failure.getMessage());
            deliveries.sequencer().fillFailed(key);
          }
        });
  }

  /**
   * A registration of this node or of one of its sessions was lost in a merge; its owner is told once, however
   * many re-assertions found it lost (this node's and the others', each after the merge). One that an assertion
   * found gone for good (unregistered, or gone with its client, before the assertion came) is only forgotten: its
   * owner unregistered it or is gone, or another client unregistered it and the callbacks were told.
   */
  private void lost(Lost lost) {
    HookEvent event = lost.event();
    HookCommand.Registration hook = new HookCommand.Registration(HookCommand.Registration.Kind.HOOK, event.family(),
        event.event(), event.hook());
    if (event.cause() != HookEvent.Cause.MERGE_CONFLICT) {
      if (ownership.gone(hook, lost.owner(), lost.registeredAt()) && !lost.owner().sessionOwned()) {
        dropLocal(hookKey(event.family(), event.event(), event.hook()));
      }
      LOG.fine(() -> "hook '" + event.hook() + "' of " + lost.owner() + " on " + event.family() + "/"
          + event.event() + " went (" + event.cause() + ") before an assertion of it came; forgotten here");
      return;
    }
    String registration = lost.owner() + " " + hookKey(event.family(), event.event(), event.hook()) + " "
        + lost.registeredAt();
    if (toldLost.put(registration, Boolean.TRUE) != null) {
      return;
    }
    ownership.lost(hook, lost.owner());
    LOG.warning(() -> "hook '" + event.hook() + "' of " + lost.owner() + " on " + event.family() + "/"
        + event.event() + " was kept by another registration after a merge");
    if (lost.owner().sessionOwned()) {
      sessions.lost(lost.owner().session(), event);
    } else {
      dropLocal(hookKey(event.family(), event.event(), event.hook()));
      lostHandler.handle(event);
    }
  }

  /**
   * Runs the departed member's clean-up on every family at once, where each family's entry lives. A clean-up that
   * not every family answered (a partition migration lost with the member holds changes for long) is asked again
   * while the node is not back: whatever the member owned must go.
   */
  private void cleanUpAfter(String node, String member) {
    cleanUp(context -> FamilyProcessor.nodeLeft(node, member, context), "node " + node,
        () -> !cluster.memberNames().contains(node));
  }

  /**
   * What an earlier process of this node registered under its name goes, as that node's does when it leaves
   * ({@code NODE_LEFT}); asked until every family has answered.
   */
  private void cleanUpEarlierProcess() {
    cleanUp(context -> FamilyProcessor.earlierProcess(cluster.nodeName(), startedAt, context),
        "an earlier process of " + cluster.nodeName(), () -> true);
  }

  /** Runs a clean-up on every family, asking again (in a fresh context) while not every family answered. */
  private void cleanUp(Function<ChangeContext, FamilyProcessor> processor, String after, BooleanSupplier stillDue) {
    long started = System.nanoTime();
    store.changeAll(processor.apply(store.changeContext())).onComplete(done -> {
      if (done.succeeded()) {
        done.result().forEach(deliveries::apply);
      }
      Throwable failure = done.failed() ? done.cause() : done.result().stream().filter(result -> result.errno() != 0)
          .findFirst().map(Result::failure).orElse(null);
      if (failure == null) {
        LOG.info(() -> "clean-up after " + after + " answered by every family in "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
      } else if (!stopped) {
        LOG.warning(() -> "clean-up after " + after + " not through, asking again: " + failure.getMessage());
        vertx.setTimer(CLEAN_UP_RETRY_MILLIS, id -> {
          if (!stopped && stillDue.getAsBoolean()) {
            cleanUp(processor, after, stillDue);
          }
        });
      }
    });
  }

  private static String hookKey(String family, String event, String hook) {
    return family + "/" + event + "/" + hook;
  }
}
