package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.codec.Replies;
import io.hooknet.hooks.impl.Effects.Lost;
import io.hooknet.hooks.impl.FamilyProcessor.Result;
import io.hooknet.testing.Await;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Who tells an owner that a merge cost it a hook: the node it registered the hook through, which tells each loss
 * once however many nodes find it; for a session, this node when that one is gone from the cluster, since the
 * session's client may be connected anywhere. n1 finds the losses; n3 is a member, n2 is gone.
 */
class LostNoticeRouteTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<Lost> toldHere = new CopyOnWriteArrayList<>();
  private final Deliveries deliveries = new Deliveries(vertx, "n1", () -> Set.of("n1", "n3"),
      (key, session, last) -> { }, 2_000, toldHere::add, session -> { }, address -> false);

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  private static Lost lost(Owner owner, String hook) {
    return new Lost(owner, new HookEvent(Cmd.HN_UNREGISTER, "rb", "IN", hook, owner.node(), owner.session(), null,
        null, 2, 7, 41, false, Cause.MERGE_CONFLICT), 1_000);
  }

  @Test
  void aSessionsLossIsToldHereWhenTheNodeItRegisteredThroughIsGone() {
    Lost ofSessionAtGoneNode = lost(new Owner("n2", "s-1"), "h3");
    Lost ofSessionAtMember = lost(new Owner("n3", "s-2"), "h4");
    Lost ofGoneNode = lost(new Owner("n2", null), "h5");
    Lost ofSessionHere = lost(new Owner("n1", "s-3"), "h0");
    deliveries.apply(new Result(0, null, new Replies.Ack(0), List.of(), List.of(), List.of(),
        List.of(ofSessionAtGoneNode, ofSessionAtMember, ofGoneNode, ofSessionHere)));
    assertThat(toldHere).containsExactly(ofSessionAtGoneNode, ofSessionHere);
  }
}
