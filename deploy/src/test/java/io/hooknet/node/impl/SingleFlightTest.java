package io.hooknet.node.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Probes that come while their question is being asked share its answer instead of asking again. */
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
  void aFailedQuestionFailsEveryoneWaitingAndIsAskedAgainNextTime() {
    AtomicInteger asked = new AtomicInteger();
    SingleFlight<Integer> flight = new SingleFlight<>(vertx, () -> {
      if (asked.incrementAndGet() == 1) {
        throw new IllegalStateException("not yet");
      }
      return 7;
    });
    Future<Integer> first = flight.ask();
    assertThat(Await.failure(first)).hasMessage("not yet");
    assertThat(Await.result(flight.ask())).isEqualTo(7);
    assertThat(asked.get()).isEqualTo(2);
  }
}
