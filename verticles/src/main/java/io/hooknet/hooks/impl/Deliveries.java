package io.hooknet.hooks.impl;

import io.hooknet.cluster.PublishRoutes;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.Json;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.HookRegistry;
import io.hooknet.hooks.Sessions;
import io.hooknet.hooks.impl.Effects.CallbackKey;
import io.hooknet.hooks.impl.Effects.Lost;
import io.hooknet.hooks.impl.Effects.Notice;
import io.hooknet.hooks.impl.Effects.Replay;
import io.hooknet.hooks.impl.FamilyProcessor.Result;
import io.hooknet.metrics.HooknetMeters;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Carries out what a change tells ({@link Result}): publishes it for observers, and hands each callback notice,
 * stream change and lost-registration notice to the node it is for: to this node's {@link CallbackSequencer}, or
 * to the other node's notices address, where its own {@code Deliveries} takes it.
 *
 * <p>Callback events go to the callback's address. A Java callback's, and an address under {@code hooknet.client.}
 * or under a session's {@code hooknet.session.<id>}, is always consumed on the node that delivers to it (the Java
 * callback of that node, or the bridge connection of the session anchored there), so those are sent to this node
 * only: a callback whose client moved to another node can never get an event from a node that no longer delivers
 * to it.
 */
final class Deliveries {

  private static final Logger LOG = Logger.getLogger(Deliveries.class.getName());
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  /**
   * What travels from node {@code from} to another node's notices address (as CBOR: a replay may carry a chain of
   * many thousand hooks): exactly one of the three, and when the change was made there ({@code madeAtMillis}, wall
   * clock), for the delivery lag.
   */
  record NodeMessage(String from, Notice notice, Replay replay, Lost lost, long madeAtMillis) {
  }

  private static final DeliveryOptions FORWARD = new DeliveryOptions().setSendTimeout(5_000);
  private static final int FORWARD_ATTEMPTS = 60;
  private static final long FORWARD_RETRY_MILLIS = 500;

  private final Vertx vertx;
  private final String node;
  private final Supplier<Set<String>> members;
  private final CallbackSequencer sequencer;
  private final Handler<Lost> lostHere;
  /** Told the session of a session's callback removed here without a teardown. */
  private final Handler<String> stoppedSilently;
  /** Whether an address is a Java callback of this node, which takes the event as it is. */
  private final Predicate<String> javaCallback;
  private MessageConsumer<Buffer> consumer;
  private PublishRoutes routes;

  Deliveries(Vertx vertx, String node, Supplier<Set<String>> members, CallbackSequencer.Filler filler,
      long gapMillis, Handler<Lost> lostHere, Handler<String> stoppedSilently, Predicate<String> javaCallback) {
    this.vertx = vertx;
    this.node = node;
    this.members = members;
    this.sequencer = new CallbackSequencer(vertx, gapMillis, this::deliver, filler);
    this.lostHere = lostHere;
    this.stoppedSilently = stoppedSilently;
    this.javaCallback = javaCallback;
  }

  static String noticeAddress(String node) {
    return "hooknet.hooks.node." + node + ".notices";
  }

  CallbackSequencer sequencer() {
    return sequencer;
  }

  Future<Void> start() {
    routes = PublishRoutes.keep(vertx, HookRegistry.EVENTS);
    consumer = vertx.eventBus().consumer(noticeAddress(node), message -> {
      NodeMessage taken = Mapping.fromCborBytes(message.body().getBytes(), NodeMessage.class);
      // A node that was cut off (frozen, or on the other side of a split) acts on its own view of the cluster,
      // in which this node may be gone: what it tells is about a state the cluster did not keep.
      if (!members.get().contains(taken.from())) {
        message.fail(Errno.EHOSTUNREACH.number(), "node " + taken.from() + " is not a member in the view of " + node);
        return;
      }
      // Taken first: its callback's event leaves before the acknowledgement's write.
      take(taken);
      message.reply(null);
    });
    return consumer.completion();
  }

  Future<Void> stop() {
    return Future.join(consumer.unregister(), routes.release()).mapEmpty();
  }

  /**
   * Everything a change tells, each part to the node it is for. What goes to other nodes leaves first (a hop
   * away), then this node's own callbacks are told, each node's in the change's order; the change is published for
   * observers last, off the callbacks' path.
   */
  void apply(Result result) {
    long now = System.currentTimeMillis();
    List<NodeMessage> here = new ArrayList<>();
    result.replays().forEach(replay -> route(replay.deliverer(), new NodeMessage(node, null, replay, null, now),
        here));
    routeNotices(result.notices(), now, here);
    result.lost().forEach(lost -> route(teller(lost), new NodeMessage(node, null, null, lost, now), here));
    here.forEach(this::take);
    publish(result.published());
  }

  /**
   * A change's live notices and published events, told by the family's owner where the change was made, on the
   * Hazelcast partition thread that made it: the notices for other nodes leave from there, without a hop to this
   * registry's loop first, in the order the family's changes are made (a family's changes are made on one thread);
   * this node's own notices and the publishing go on on the loop, in that order too.
   */
  void tellLive(Result live, Context loop) {
    long now = System.currentTimeMillis();
    List<NodeMessage> here = new ArrayList<>();
    // Sent as from the loop's context, on this thread: what comes back (the acknowledgements, a retry's timer, the
    // lookup of a node's address not known yet) is handled on the loop, where no user's handler can hold it up.
    ((ContextInternal) loop).dispatch(() -> routeNotices(live.notices(), now, here));
    loop.runOnContext(v -> {
      here.forEach(this::take);
      publish(live.published());
    });
  }

  private void publish(List<HookEvent> published) {
    published.forEach(event -> {
      HooknetMeters.registryChange(event.family(), event.hook() != null ? "hook" : "event", event.cmd().name(),
          event.cause().name());
      vertx.eventBus().publish(HookRegistry.EVENTS, Json.toJson(event));
    });
  }

  /**
   * The node that tells the owner of {@code lost} that it lost its hook: the node it was registered through, which
   * tells each loss once however many nodes find it. A session's client may have moved on from a node that is gone
   * from the cluster since (dead, frozen, cut off); any node can reach the session, so this one tells it then.
   */
  private String teller(Lost lost) {
    return lost.owner().sessionOwned() && !members.get().contains(lost.owner().node()) ? node : lost.owner().node();
  }

  /** Each notice to the node that delivers it; this node's kept in {@code here}. */
  private void routeNotices(List<Notice> notices, long now, List<NodeMessage> here) {
    notices.forEach(notice -> route(notice.deliverer(), new NodeMessage(node, notice, null, null, now), here));
  }

  /** Sends {@code message} to node {@code target}, or keeps it in {@code here} when that is this node. */
  private void route(String target, NodeMessage message, List<NodeMessage> here) {
    if (node.equals(target)) {
      here.add(message);
    } else {
      forward(target, Buffer.buffer(Mapping.toCborBytes(message)), 1);
    }
  }

  /**
   * Sends to another node until it acknowledges: right after a member joins or a merge, its notices address may
   * not be known cluster-wide yet, nor this node a member in its view. A notice that arrives twice is dropped by the sequencer, which goes by seq.
   */
  private void forward(String target, Buffer message, int attempt) {
    vertx.eventBus().request(noticeAddress(target), message, FORWARD).onFailure(failure -> {
      if (attempt < FORWARD_ATTEMPTS && members.get().contains(target)) {
        vertx.setTimer(FORWARD_RETRY_MILLIS, id -> forward(target, message, attempt + 1));
      } else {
        LOG.warning(() -> "node " + target + " did not take a notice after " + attempt + " attempts: " + failure);
      }
    });
  }

  private void take(NodeMessage message) {
    if (message.notice() != null) {
      HooknetMeters.callbackLag(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - message.madeAtMillis())));
      sequencer.live(message.notice().key(), message.notice().event(), message.notice().previousEpoch());
    } else if (message.replay() != null) {
      replay(message.replay());
    } else {
      lostHere.handle(message.lost());
    }
  }

  private void replay(Replay replay) {
    switch (replay.change()) {
      case STOP:
        sequencer.stop(replay.key(), replay.at(), replay.events());
        if (replay.events().isEmpty() && replay.session() != null) {
          stoppedSilently.handle(replay.session());
        }
        break;
      case FILL:
        sequencer.filled(replay.key(), replay.session(), replay.at(), replay.events(), replay.held());
        break;
      case MERGE_RESYNC:
        sequencer.resync(replay.key(), replay.session(), replay.at(), replay.events());
        break;
      default:
        sequencer.start(replay.key(), replay.session(), replay.at(), replay.events(), replay.held());
    }
  }

  /**
   * Sends an event to a callback (or an owner's address): locally for client addresses, see the class comment; to
   * a Java callback of this node as the event itself (its codec passes it on as it is), to any other as JSON.
   */
  void send(String address, HookEvent event) {
    if (javaCallback.test(address)) {
      vertx.eventBus().send(address, event, LOCAL);
    } else if (address.startsWith(Sessions.CLIENT_PREFIX) || address.startsWith(Sessions.SESSION_PREFIX)) {
      vertx.eventBus().send(address, Json.toJson(event), LOCAL);
    } else {
      vertx.eventBus().send(address, Json.toJson(event));
    }
  }

  private void deliver(CallbackKey key, HookEvent event) {
    send(key.address(), event);
  }

}
