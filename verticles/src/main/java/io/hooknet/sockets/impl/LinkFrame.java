package io.hooknet.sockets.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.hooknet.codec.FrameDecoder;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The wire format of a link between two nodes' pools of the same name, in one place. Every frame is a 4-byte
 * big-endian length (of what follows it), a 1-byte type and its body:
 *
 * <pre>
 * HELLO  1  version u8, window i32, pool (u16 length, UTF-8), source node (u16 length, UTF-8): the first frame
 * DATA   2  flags u8 (1: answer with ACK), channel i32, seq i64, payload (the rest)
 * CREDIT 3  channel i32, packets i32       the receiver wrote (or dropped) that many packets of the channel
 * ACK    4  seq i64, errno i32             the outcome of a DATA frame that asked for it
 * PING   5  sent i64 (the sender's nanoTime)
 * PONG   6  sent i64, echoed
 * </pre>
 *
 * A connection carries one direction of data: the node that opened it sends HELLO and DATA and PING, the other
 * answers with CREDIT, ACK and PONG. The source node of every DATA frame is the one its connection's HELLO named;
 * {@code seq} numbers the connection's DATA frames from 1.
 */
final class LinkFrame {

  static final int VERSION = 1;
  static final byte HELLO = 1;
  static final byte DATA = 2;
  static final byte CREDIT = 3;
  static final byte ACK = 4;
  static final byte PING = 5;
  static final byte PONG = 6;
  static final int WANT_ACK = 1;
  /** The largest frame a link takes: a DATA frame of the largest packet, with room to spare. */
  static final int MAX_FRAME = 65_536 + 64;
  private static final int DATA_HEADER = 4 + 1 + 1 + 4 + 8;

  private LinkFrame() {
  }

  static Buffer hello(String pool, String node, int window) {
    byte[] poolName = pool.getBytes(StandardCharsets.UTF_8);
    byte[] nodeName = node.getBytes(StandardCharsets.UTF_8);
    int length = 1 + 1 + 4 + 2 + poolName.length + 2 + nodeName.length;
    return Buffer.buffer(4 + length).appendInt(length).appendByte(HELLO).appendByte((byte) VERSION)
        .appendInt(window).appendUnsignedShort(poolName.length).appendBytes(poolName)
        .appendUnsignedShort(nodeName.length).appendBytes(nodeName);
  }

  /** The header of a DATA frame whose payload, {@code length} bytes, follows it on the wire. */
  static ByteBuf dataHeader(boolean wantAck, int channel, long seq, int length) {
    return Unpooled.buffer(DATA_HEADER, DATA_HEADER).writeInt(DATA_HEADER - 4 + length).writeByte(DATA)
        .writeByte(wantAck ? WANT_ACK : 0).writeInt(channel).writeLong(seq);
  }

  static Buffer credit(int channel, int packets) {
    return Buffer.buffer(13).appendInt(9).appendByte(CREDIT).appendInt(channel).appendInt(packets);
  }

  static Buffer ack(long seq, int errno) {
    return Buffer.buffer(17).appendInt(13).appendByte(ACK).appendLong(seq).appendInt(errno);
  }

  static Buffer ping(long sent) {
    return Buffer.buffer(13).appendInt(9).appendByte(PING).appendLong(sent);
  }

  static Buffer pong(long sent) {
    return Buffer.buffer(13).appendInt(9).appendByte(PONG).appendLong(sent);
  }

  /** A HELLO frame's fields: the sender's window is what it may send of a channel before credits come back. */
  record Hello(int version, int window, String pool, String node) {
    static Hello read(Buffer body) {
      int version = body.getUnsignedByte(1);
      int window = body.getInt(2);
      int poolLength = body.getUnsignedShort(6);
      String pool = body.getString(8, 8 + poolLength, StandardCharsets.UTF_8.name());
      int nodeAt = 8 + poolLength;
      int nodeLength = body.getUnsignedShort(nodeAt);
      String node = body.getString(nodeAt + 2, nodeAt + 2 + nodeLength, StandardCharsets.UTF_8.name());
      return new Hello(version, window, pool, node);
    }
  }

  /** A DATA frame's fields; the payload is a slice of the frame. */
  record Data(boolean wantAck, int channel, long seq, Buffer payload) {
    static Data read(Buffer body) {
      return new Data((body.getUnsignedByte(1) & WANT_ACK) != 0, body.getInt(2), body.getLong(6),
          body.slice(14, body.length()));
    }
  }

  static byte type(Buffer body) {
    return body.getByte(0);
  }

  /** A CREDIT frame's fields. */
  record Credit(int channel, int packets) {
    static Credit read(Buffer body) {
      return new Credit(body.getInt(1), body.getInt(5));
    }
  }

  /** An ACK frame's fields. */
  record Ack(long seq, int errno) {
    static Ack read(Buffer body) {
      return new Ack(body.getLong(1), body.getInt(9));
    }
  }

  /** {@code sent} of a PING or PONG frame's body. */
  static long pingSent(Buffer body) {
    return body.getLong(1);
  }

  /**
   * Splits a link's bytes into frames in its connection's pipeline, ahead of Vert.x, on the node that takes the
   * link's data: each frame's body (from the type byte on) goes on as a {@code ByteBuf} that its reader owns and
   * releases, made of the network buffers it was read into, not copied, so that a payload can be written on to its
   * socket as it came. A frame over {@link #MAX_FRAME} fails the connection with a {@link TooLongFrameException}.
   */
  static ChannelHandler frameSplitter() {
    return FrameDecoder.splitter(MAX_FRAME, false);
  }

  /**
   * Splits a connection's bytes into frames: each whole frame's body (from the type byte on) is handed to
   * {@code handler}. A frame over {@link #MAX_FRAME} or of length 0 is a broken peer: {@code broken} is told, and
   * the connection should be closed.
   */
  static Handler<Buffer> parser(Handler<Buffer> handler, Handler<String> broken) {
    FrameDecoder frames = new FrameDecoder(MAX_FRAME, body -> {
      if (body.length() == 0) {
        broken.handle("a frame of 0 bytes");
      } else {
        handler.handle(body);
      }
    }, length -> broken.handle("a frame of " + length + " bytes"));
    return frames::feed;
  }
}
