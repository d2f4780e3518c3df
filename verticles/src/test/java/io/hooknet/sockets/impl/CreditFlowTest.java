package io.hooknet.sockets.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Credit-based flow control per channel: when a source is held, when it is let go, what counts as unanswered. */
class CreditFlowTest {

  @Test
  void aSourceIsHeldAtTheWindowsLastCreditAndLetGoWhenHalfIsBack() {
    CreditFlow<String> flow = new CreditFlow<>(8);
    for (int i = 0; i < 7; i++) {
      assertThat(flow.take(0, "a")).as("packet %d", i).isFalse();
    }
    assertThat(flow.take(0, "a")).isTrue();
    assertThat(flow.take(0, "a")).as("already held").isFalse();
    assertThat(flow.take(1, "b")).as("another channel has its own credits").isFalse();
    assertThat(flow.unansweredByChannel()).isEqualTo(Map.of(0, 9L, 1, 1L));
    assertThat(flow.give(0, 2)).isEmpty();
    assertThat(flow.give(0, 2)).isEmpty();
    assertThat(flow.give(0, 2)).containsExactly("a");
    assertThat(flow.credits(0)).isEqualTo(5);
    assertThat(flow.give(0, 100)).isEmpty();
    assertThat(flow.credits(0)).isEqualTo(8);
  }

  @Test
  void codeWithoutASourceIsNeverHeldAndALinkThatWentDownLetsEveryoneGo() {
    CreditFlow<String> flow = new CreditFlow<>(2);
    assertThat(flow.take(0, null)).isFalse();
    assertThat(flow.take(0, null)).isFalse();
    assertThat(flow.take(0, null)).isFalse();
    assertThat(flow.take(0, "a")).isTrue();
    assertThat(flow.take(3, "b")).isFalse();
    assertThat(flow.take(3, "b")).isTrue();
    assertThat(flow.reset()).containsExactlyInAnyOrder("a", "b");
    assertThat(flow.unansweredByChannel()).isEmpty();
    assertThat(flow.credits(0)).isEqualTo(2);
  }

  @Test
  void theReceiverGivesCreditsBackAQuarterOfTheWindowAtATime() {
    CreditFlow.Returns returns = new CreditFlow.Returns(16);
    assertThat(returns.done(0)).isZero();
    assertThat(returns.done(0)).isZero();
    assertThat(returns.done(1)).isZero();
    assertThat(returns.done(0)).isZero();
    assertThat(returns.done(0)).isEqualTo(4);
    assertThat(returns.done(0)).isZero();
    assertThat(new CreditFlow.Returns(2).done(5)).as("at least one at a time").isEqualTo(1);
  }
}
