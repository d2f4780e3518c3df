package io.hooknet.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.PoolCommand.Endpoint;
import io.hooknet.codec.Replies.EndpointInfo;
import io.hooknet.testing.Await;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Add/remove cycles of every kind of socket leave the process with no more file descriptors than before. */
class FdLeakTest {

  private static final int CYCLES = 100;

  @TempDir
  Path dir;

  private LocalPool local;
  private SocketPool pool;
  private Peers peers;

  @BeforeEach
  void start() {
    local = new LocalPool("fd", new SocketPoolOptions().setEndpointDir(dir.toString()));
    pool = local.pool;
    peers = local.peers;
    Await.result(pool.sockNotifyHandler(event -> pool.remove(event.datafd())));
  }

  @AfterEach
  void stop() throws IOException {
    local.close();
  }

  @Test
  void addRemoveCyclesLeakNoFileDescriptor() throws Exception {
    cycle();
    int before = openFds();
    for (int i = 0; i < CYCLES; i++) {
      cycle();
    }
    // At most, not exactly: sockets of earlier tests in this JVM may still be closing. A leak of one fd per
    // cycle would leave 100 more.
    Await.until("the open fds to return to " + before, Await.DEFAULT, () -> openFds() <= before);
    assertThat(dir.toFile().list()).as("endpoint files left behind").isEmpty();
  }

  /** One socket of each kind in and out: removed by the caller, removed by the handler after a fault. */
  private void cycle() throws Exception {
    Peers.Tcp added = peers.tcp();
    long datafd = Await.result(pool.add(added.socket(), -1)).datafd();
    Await.result(pool.remove(datafd));
    Await.result(added.socket().close());
    added.peer().close();

    Peers.Tcp faulting = peers.tcp();
    Await.result(pool.add(faulting.socket(), -1));
    faulting.peer().close();
    Await.until("the faulted socket to be removed", Await.DEFAULT, () -> Await.result(pool.list()).isEmpty());

    for (Endpoint kind : Endpoint.values()) {
      EndpointInfo endpoint = Await.result(pool.addEndpoint(kind, -1));
      try (SocketChannel app = EndpointTest.connect(kind, endpoint.address())) {
        EndpointTest.awaitAccepted(pool, endpoint);
        Await.result(pool.remove(endpoint.datafd()));
        EndpointTest.assertProbesThenEnd(Channels.newInputStream(app));
      }
    }
  }

  private static int openFds() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }
}
