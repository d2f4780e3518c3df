package io.hooknet.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Splits a byte stream into packets framed as a 4-byte big-endian length and the payload, the framing of pool
 * endpoints and of the TCP event bus bridge. A frame longer than the limit is skipped as it streams past, never
 * buffered, and reported by its length.
 */
public final class FrameDecoder {

  /** The framing of one packet: its length, then the packet's own bytes, not copied. */
  public static Buffer frame(Buffer packet) {
    ByteBuf length = Unpooled.buffer(4, 4).writeInt(packet.length());
    return BufferInternal.buffer(Unpooled.wrappedBuffer(length, ((BufferInternal) packet).getByteBuf()));
  }

  /** Below this size a direct payload is copied in behind its length rather than written as a piece of its own. */
  private static final int DIRECT_COPY_BELOW = 1024;

  /**
   * The same framing in pooled direct buffers, for a socket's {@code writeMessage}, which writes them as they are
   * and releases them once written: a direct payload of 1 KiB or more behind a length of its own, not copied; a
   * smaller or heap one copied once, with its length. The payload itself is not released.
   */
  public static ByteBuf frameDirect(ByteBuf payload) {
    int length = payload.readableBytes();
    if (payload.isDirect() && length >= DIRECT_COPY_BELOW) {
      return ByteBufAllocator.DEFAULT.compositeDirectBuffer(2).addComponents(true,
          ByteBufAllocator.DEFAULT.directBuffer(4, 4).writeInt(length), payload.retainedSlice());
    }
    ByteBuf frame = ByteBufAllocator.DEFAULT.directBuffer(4 + length, 4 + length).writeInt(length);
    for (java.nio.ByteBuffer piece : payload.nioBuffers()) {
      frame.writeBytes(piece);
    }
    return frame;
  }

  /**
   * The same splitting in a connection's pipeline, ahead of Vert.x, for a reader that takes the connection's
   * messages as they are ({@code messageHandler}): each frame's payload goes on as a {@code ByteBuf} that the reader
   * owns and releases, made of the network buffers it was read into, not copied. A frame whose payload is over
   * {@code maxLength} is skipped as it streams past, never buffered: with {@code goOn} it goes on as an
   * {@link Oversized} message, once, as soon as its length is read, and the frames after it are split as before;
   * otherwise the splitter fails with a {@link TooLongFrameException}, which Vert.x takes as the end of the
   * connection.
   */
  public static ChannelHandler splitter(int maxLength, boolean goOn) {
    LengthFieldBasedFrameDecoder splitter = goOn ? new LengthFieldBasedFrameDecoder(4 + maxLength, 0, 4, 0, 4, true) {
      @Override
      protected Object decode(ChannelHandlerContext context, ByteBuf in) throws Exception {
        long length = in.readableBytes() >= 4 ? in.getUnsignedInt(in.readerIndex()) : -1;
        try {
          return super.decode(context, in);
        } catch (TooLongFrameException tooLong) {
          // The splitter has already skipped what it had of the frame and skips the rest as it comes.
          return new Oversized(length);
        }
      }
    } : new LengthFieldBasedFrameDecoder(4 + maxLength, 0, 4, 0, 4, true);
    splitter.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
    return splitter;
  }

  /** A frame a {@link #splitter} skipped: its payload's announced {@code length} was over the limit. */
  public record Oversized(long length) {
  }

  private final int maxLength;
  private final Handler<Buffer> packets;
  private final Handler<Long> oversized;
  /**
   * The pieces of a frame that did not arrive whole, its length field included, as they were read (not copied);
   * null when there is none.
   */
  private CompositeByteBuf partial;
  /** The whole size of the partial frame (length field included) once its length field is in, else -1. */
  private int expected = -1;
  private long skipping;

  /**
   * @param maxLength the largest payload delivered
   * @param packets   gets every payload up to {@code maxLength} bytes: a slice of the bytes fed, which it must not
   *                  change
   * @param oversized gets the announced length of every payload skipped
   */
  public FrameDecoder(int maxLength, Handler<Buffer> packets, Handler<Long> oversized) {
    this.maxLength = maxLength;
    this.packets = packets;
    this.oversized = oversized;
  }

  /**
   * Takes the next bytes of the stream. Frames that arrive whole are handed over as slices of {@code data}, and a
   * frame split between reads as its pieces joined, not copied.
   */
  public void feed(Buffer data) {
    int at = skip(data, 0);
    while (at < data.length()) {
      if (partial != null) {
        at = complete(data, at);
        continue;
      }
      int left = data.length() - at;
      if (left < 4) {
        startPartial(data, at, left, -1);
        return;
      }
      long length = data.getUnsignedInt(at);
      if (length > maxLength) {
        oversized.handle(length);
        skipping = length;
        at = skip(data, at + 4);
      } else if (left - 4 >= length) {
        packets.handle(data.slice(at + 4, at + 4 + (int) length));
        at += 4 + (int) length;
      } else {
        startPartial(data, at, left, 4 + (int) length);
        return;
      }
    }
  }

  private void startPartial(Buffer data, int at, int left, int size) {
    partial = Unpooled.compositeBuffer(Integer.MAX_VALUE);
    add(data, at, left);
    expected = size;
  }

  private void add(Buffer data, int at, int length) {
    partial.addComponent(true, ((BufferInternal) data).getByteBuf().slice(at, length));
  }

  /** Adds what {@code data} has of the partial frame from {@code at}; gives where its unread bytes start. */
  private int complete(Buffer data, int at) {
    if (expected < 0) {
      int take = Math.min(4 - partial.readableBytes(), data.length() - at);
      add(data, at, take);
      at += take;
      if (partial.readableBytes() < 4) {
        return at;
      }
      long length = partial.getUnsignedInt(0);
      if (length > maxLength) {
        partial = null;
        oversized.handle(length);
        skipping = length;
        return skip(data, at);
      }
      expected = 4 + (int) length;
    }
    int take = Math.min(expected - partial.readableBytes(), data.length() - at);
    add(data, at, take);
    at += take;
    if (partial.readableBytes() == expected) {
      Buffer whole = BufferInternal.buffer(partial);
      partial = null;
      expected = -1;
      packets.handle(whole.slice(4, whole.length()));
    }
    return at;
  }

  private int skip(Buffer data, int from) {
    int skipped = (int) Math.min(skipping, data.length() - from);
    skipping -= skipped;
    return from + skipped;
  }
}
