package io.hooknet.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.codec.PoolCommand.Endpoint;
import io.hooknet.codec.Replies.ChannelStats;
import io.hooknet.codec.Replies.EndpointInfo;
import io.hooknet.codec.Replies.SocketInfo;
import io.hooknet.codec.Replies.SocketState;
import io.hooknet.codec.SockEvent;
import io.hooknet.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pool-created endpoints, used the way a process in another language would: connect to the address, write
 * framed packets, read framed packets.
 */
class EndpointTest {

  @TempDir
  Path dir;

  private LocalPool local;
  private SocketPool pool;
  private String node;
  private final Events events = new Events();

  @BeforeEach
  void start() {
    local = new LocalPool("ep", new SocketPoolOptions().setEndpointDir(dir.toString()));
    pool = local.pool;
    node = local.node;
    Await.result(pool.sockNotifyHandler(events));
  }

  @AfterEach
  void stop() throws IOException {
    local.close();
  }

  @ParameterizedTest
  @EnumSource(Endpoint.class)
  void anEndpointCarriesFramedPacketsBothWaysAndTakesOneConnection(Endpoint kind) throws Exception {
    EndpointInfo endpoint = Await.result(pool.addEndpoint(kind, 6));
    assertThat(endpoint.datafd()).isEqualTo(1);
    assertThat(endpoint.channel()).isEqualTo(6);
    if (kind == Endpoint.UNIX) {
      assertThat(endpoint.address()).isEqualTo(dir.resolve(node + ".default.1.sock").toString());
    } else {
      assertThat(endpoint.address()).matches("127\\.0\\.0\\.1:\\d+");
    }
    String expectedKind = kind == Endpoint.UNIX ? "unix-endpoint" : "tcp-endpoint";
    assertThat(Await.result(pool.get(6)))
        .isEqualTo(new SocketInfo(1, 6, expectedKind, SocketState.ACTIVE, endpoint.address()));
    try (SocketChannel app = connect(kind, endpoint.address())) {
      DataOutputStream out = new DataOutputStream(Channels.newOutputStream(app));
      DataInputStream in = new DataInputStream(Channels.newInputStream(app));
      writeFrame(out, new byte[] {1, 2, 3});
      out.writeInt(SocketPool.MAX_PACKET_SIZE + 1);
      out.write(new byte[SocketPool.MAX_PACKET_SIZE + 1]);
      writeFrame(out, new byte[SocketPool.MAX_PACKET_SIZE]);
      Await.until("two packets read", Await.DEFAULT, () -> stats(6).packetsTx() == 2);
      assertThat(stats(6).bytesTx()).isEqualTo(3 + SocketPool.MAX_PACKET_SIZE);
      assertThat(stats(6).drops()).as("the oversized packet").isEqualTo(1);
      assertThat(stats(6).dropsByReason()).isEqualTo(java.util.Map.of("oversized", 1L));

      Await.result(pool.deliver(6, Buffer.buffer("to the app")));
      Await.result(pool.deliver(6, Buffer.buffer()));
      assertThat(readFrame(in)).isEqualTo("to the app".getBytes());
      assertThat(readFrame(in)).isEmpty();
      assertThat(stats(6).packetsRx()).isEqualTo(2);

      try (SocketChannel second = connect(kind, endpoint.address())) {
        assertThat(second.read(java.nio.ByteBuffer.allocate(1))).as("a second connection is closed").isEqualTo(-1);
      }
      Await.result(pool.deliver(6, Buffer.buffer("still the first")));
      assertThat(readFrame(in)).isEqualTo("still the first".getBytes());
    }
    assertThat(events.await(1).get(0))
        .isEqualTo(SockEvent.of(node, "default", 1, 6, SockEvent.TX, 0, 0, 0, 1, events.all().get(0).ts()));
    Await.result(pool.remove(1));
    if (kind == Endpoint.UNIX) {
      Await.until("the socket file to be removed", Await.DEFAULT, () -> !Files.exists(Path.of(endpoint.address())));
    }
  }

  private ChannelStats stats(int channel) {
    return LocalPool.stats(pool, channel);
  }

  static SocketChannel connect(Endpoint kind, String address) throws IOException {
    if (kind == Endpoint.UNIX) {
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(address));
      return channel;
    }
    String[] hostPort = address.split(":");
    return SocketChannel.open(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
  }

  /** Waits until the pool has accepted the app's connection: a 0-byte packet gets through. */
  static void awaitAccepted(SocketPool pool, EndpointInfo endpoint) {
    Await.until("the endpoint to accept its connection", Await.DEFAULT, () -> Await.result(
        pool.deliver(endpoint.channel(), Buffer.buffer()).transform(sent -> Future.succeededFuture(sent.succeeded()))));
  }

  /** Reads to the end of a stream that may only carry the empty frames of {@link #awaitAccepted}. */
  static void assertProbesThenEnd(InputStream in) throws IOException {
    byte[] rest = in.readAllBytes();
    assertThat(rest.length % 4).isZero();
    for (byte b : rest) {
      assertThat(b).as("only empty frames").isZero();
    }
  }

  static void writeFrame(DataOutputStream out, byte[] payload) throws IOException {
    out.writeInt(payload.length);
    out.write(payload);
    out.flush();
  }

  static byte[] readFrame(DataInputStream in) throws IOException {
    byte[] payload = new byte[in.readInt()];
    in.readFully(payload);
    return payload;
  }
}
