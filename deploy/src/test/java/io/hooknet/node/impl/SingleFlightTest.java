package io.hooknet.node.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Probes that come while their question is being asked, or while its answer is fresh, share that answer instead of
 * asking again.
 */
class SingleFlightTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  @Test
  void askedWhileAskingGetsThatAnswerAndAskingAfterAsksAgain() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SingleFlight<Integer> flight = new SingleFlight<>(vertx, () -> {
      int number = asked.incrementAndGet();
      started.countDown();
      assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
      return number;
    });
    List<Future<Integer>> answers = new ArrayList<>();
    answers.add(flight.ask());
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    List<Thread> askers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread asker = new Thread(() -> {
        for (int j = 0; j < 50; j++) {
          Future<Integer> answer = flight.ask();
          synchronized (answers) {
            answers.add(answer);
          }
        }
      });
      asker.start();
      askers.add(asker);
    }
    for (Thread asker : askers) {
      asker.join();
    }
    release.countDown();
    assertThat(answers).hasSize(401);
    for (Future<Integer> answer : answers) {
      assertThat(Await.result(answer)).isEqualTo(1);
    }
    assertThat(asked.get()).isEqualTo(1);
    assertThat(Await.result(flight.ask())).isEqualTo(2);
    assertThat(asked.get()).isEqualTo(2);
  }

  @Test
  void anAnswerIsGivenAgainWhileFreshAndAskedAgainOnceStale() {
    AtomicInteger asked = new AtomicInteger();
    SingleFlight<Integer> kept = new SingleFlight<>(vertx, asked::incrementAndGet, Duration.ofSeconds(30));
    assertThat(Await.result(kept.ask())).isEqualTo(1);
    for (int i = 0; i < 100; i++) {
      assertThat(Await.result(kept.ask())).isEqualTo(1);
    }
    assertThat(asked.get()).isEqualTo(1);

    AtomicInteger again = new AtomicInteger();
    SingleFlight<Integer> brief = new SingleFlight<>(vertx, again::incrementAndGet, Duration.ofMillis(200));
    assertThat(Await.result(brief.ask())).isEqualTo(1);
    Await.until("the answer to go stale", Duration.ofSeconds(10), () -> Await.result(brief.ask()) == 2);
    assertThat(again.get()).isEqualTo(2);
  }

  @Test
  void aFailureIsNotKeptFresh() {
    AtomicInteger asked = new AtomicInteger();
    SingleFlight<Integer> flight = new SingleFlight<>(vertx, failingOnce(asked), Duration.ofSeconds(30));
    assertThat(Await.failure(flight.ask())).hasMessage("not yet");
    assertThat(Await.result(flight.ask())).isEqualTo(7);
    assertThat(Await.result(flight.ask())).isEqualTo(7);
    assertThat(asked.get()).isEqualTo(2);
  }

  @Test
  void aFailedQuestionFailsEveryoneWaitingAndIsAskedAgainNextTime() {
    AtomicInteger asked = new AtomicInteger();
    SingleFlight<Integer> flight = new SingleFlight<>(vertx, failingOnce(asked));
    Future<Integer> first = flight.ask();
    assertThat(Await.failure(first)).hasMessage("not yet");
    assertThat(Await.result(flight.ask())).isEqualTo(7);
    assertThat(asked.get()).isEqualTo(2);
  }

  /** A question that fails ("not yet") the first time it is asked and answers 7 after; counts in {@code asked}. */
  private static Callable<Integer> failingOnce(AtomicInteger asked) {
    return () -> {
      if (asked.incrementAndGet() == 1) {
        throw new IllegalStateException("not yet");
      }
      return 7;
    };
  }
}
