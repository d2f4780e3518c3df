package io.hooknet.codec;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * Splits a byte stream into packets framed as a 4-byte big-endian length and the payload, the framing of pool
 * endpoints and of the TCP event bus bridge. A frame longer than the limit is skipped as it streams past, never
 * buffered, and reported by its length.
 */
public final class FrameDecoder {

  /** The framing of one packet. */
  public static Buffer frame(Buffer packet) {
    return Buffer.buffer(4 + packet.length()).appendInt(packet.length()).appendBuffer(packet);
  }

  private final int maxLength;
  private final Handler<Buffer> packets;
  private final Handler<Long> oversized;
  private Buffer pending = Buffer.buffer();
  private long skipping;

  /**
   * @param maxLength the largest payload delivered
   * @param packets   gets every payload up to {@code maxLength} bytes
   * @param oversized gets the announced length of every payload skipped
   */
  public FrameDecoder(int maxLength, Handler<Buffer> packets, Handler<Long> oversized) {
    this.maxLength = maxLength;
    this.packets = packets;
    this.oversized = oversized;
  }

  /** Takes the next bytes of the stream. */
  public void feed(Buffer data) {
    int offset = skip(data, 0);
    if (offset == data.length()) {
      return;
    }
    Buffer input = pending.length() == 0 ? data.getBuffer(offset, data.length())
        : pending.appendBuffer(data, offset, data.length() - offset);
    int position = 0;
    while (input.length() - position >= 4) {
      long length = input.getUnsignedInt(position);
      if (length > maxLength) {
        oversized.handle(length);
        skipping = length;
        position = skip(input, position + 4);
      } else if (input.length() - position - 4 >= length) {
        packets.handle(input.getBuffer(position + 4, position + 4 + (int) length));
        position += 4 + (int) length;
      } else {
        break;
      }
    }
    pending = input.getBuffer(position, input.length());
  }

  private int skip(Buffer data, int from) {
    int skipped = (int) Math.min(skipping, data.length() - from);
    skipping -= skipped;
    return from + skipped;
  }
}
