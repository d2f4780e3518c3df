package io.hooknet.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import io.hooknet.testing.Await;
import io.hooknet.testing.LogCapture;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pool's link port taken as a stranger would: frames written by hand as {@code docs/sockets.md} gives the wire,
 * split anywhere, and hostile ones. Payloads reach the channel's socket byte for byte; a broken frame closes the
 * connection and says why; the port takes a good link afterwards.
 */
class LinkIntakeTest {

  private LocalPool local;
  private Peers.Tcp channel0;

  @BeforeEach
  void start() {
    local = new LocalPool("intake");
    Await.result(local.pool.sockNotifyHandler(SocketPool.removeOnFault(local.pool)));
    Await.result(local.pool.setFwd(true));
    channel0 = local.peers.tcp();
    Await.result(local.pool.add(channel0.socket(), 0));
  }

  @AfterEach
  void stop() throws IOException {
    local.close();
  }

  @Test
  void payloadsSplitAcrossWritesReachTheSocketWholeAndAnAskedAckSaysWritten() throws Exception {
    byte[] large = new byte[65_536];
    new Random(7).nextBytes(large);
    byte[] small = "a small one".getBytes(StandardCharsets.UTF_8);
    try (Socket link = connect()) {
      DataOutputStream out = new DataOutputStream(link.getOutputStream());
      byte[] wire = concat(hello("default", "stranger", 64), data(false, 0, 1, large), data(true, 0, 2, small));
      // Written in pieces that split the frames anywhere, each flushed on its own.
      for (int at = 0; at < wire.length; at += 7_001) {
        out.write(wire, at, Math.min(7_001, wire.length - at));
        out.flush();
      }
      InputStream peer = channel0.peer().getInputStream();
      assertThat(readFully(peer, large.length)).isEqualTo(large);
      assertThat(readFully(peer, small.length)).isEqualTo(small);
      // The answer for seq 2: an ACK with errno 0 (credits may come before it).
      DataInputStream answers = new DataInputStream(link.getInputStream());
      link.setSoTimeout(10_000);
      while (true) {
        int length = answers.readInt();
        byte type = answers.readByte();
        byte[] body = answers.readNBytes(length - 1);
        if (type == 4) {
          assertThat(java.nio.ByteBuffer.wrap(body).getLong()).isEqualTo(2L);
          assertThat(java.nio.ByteBuffer.wrap(body).getInt(8)).isZero();
          break;
        }
        assertThat(type).as("a CREDIT before the ACK").isEqualTo((byte) 3);
      }
    }
    assertThat(LocalPool.stats(local.pool, 0).bytesRx()).isEqualTo(large.length + small.length);
  }

  @Test
  void aBrokenFrameClosesTheConnectionAndSaysWhyAndTheNextLinkIsTaken() throws Exception {
    try (LogCapture log = LogCapture.of("io.hooknet.sockets.impl.Links")) {
      assertClosedAfter(concat(int32(65_536 + 64 + 1), new byte[] {2}));
      assertClosedAfter(int32(0));
      assertClosedAfter(data(false, 0, 1, new byte[] {1, 2, 3}));
      assertThat(log.records()).extracting(LogRecord::getMessage).anyMatch(message -> message.contains(
          "closes a link that sent a frame too long (Adjusted frame length exceeds 65604: 65605"))
          .anyMatch(message -> message.contains("closes a link that sent a frame of 0 bytes"))
          .anyMatch(message -> message.contains("closes a link that did not start with its HELLO"));
    }
    byte[] after = "after".getBytes(StandardCharsets.UTF_8);
    try (Socket link = connect()) {
      link.getOutputStream().write(concat(hello("default", "stranger", 64), data(false, 0, 1, after)));
      assertThat(readFully(channel0.peer().getInputStream(), after.length)).isEqualTo(after);
    }
  }

  private void assertClosedAfter(byte[] bytes) throws IOException {
    try (Socket link = connect()) {
      link.getOutputStream().write(bytes);
      link.setSoTimeout(10_000);
      assertThat(link.getInputStream().read()).as("the pool closes the connection").isEqualTo(-1);
    }
  }

  private Socket connect() throws IOException {
    String[] where = local.pool.linkAddress().split(":");
    return new Socket(where[0], Integer.parseInt(where[1]));
  }

  private static byte[] readFully(InputStream in, int length) throws IOException {
    byte[] read = new byte[length];
    int at = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (at < length && System.nanoTime() < deadline) {
      int n = in.read(read, at, length - at);
      if (n < 0) {
        break;
      }
      at += n;
    }
    return Arrays.copyOf(read, at);
  }

  private static byte[] hello(String pool, String node, int window) {
    byte[] poolName = pool.getBytes(StandardCharsets.UTF_8);
    byte[] nodeName = node.getBytes(StandardCharsets.UTF_8);
    java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(4 + 1 + 1 + 4 + 2 + poolName.length + 2
        + nodeName.length);
    frame.putInt(frame.capacity() - 4).put((byte) 1).put((byte) 1).putInt(window)
        .putShort((short) poolName.length).put(poolName).putShort((short) nodeName.length).put(nodeName);
    return frame.array();
  }

  private static byte[] data(boolean wantAck, int channel, long seq, byte[] payload) {
    java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(4 + 1 + 1 + 4 + 8 + payload.length);
    frame.putInt(frame.capacity() - 4).put((byte) 2).put((byte) (wantAck ? 1 : 0)).putInt(channel).putLong(seq)
        .put(payload);
    return frame.array();
  }

  private static byte[] int32(int value) {
    return java.nio.ByteBuffer.allocate(4).putInt(value).array();
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }
}
