package io.hooknet.codec.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * The cluster codec of one message type. The wire form is a version byte, a 4-byte big-endian length and
 * the message in CBOR. The receiver finds this codec by {@link #name()}, so every node registers it.
 * Local delivery passes the record itself: records are immutable.
 */
public final class MessageCodecImpl<T> implements MessageCodec<T, T> {

  /** The wire version this node writes and reads. */
  public static final byte VERSION = 2;
  /** The largest encoded message accepted, in bytes. */
  public static final int MAX_ENCODED_SIZE = 16 * 1024 * 1024;
  private static final int HEADER_SIZE = 5;

  private final Class<T> type;
  private final String name;

  public MessageCodecImpl(Class<T> type) {
    this.type = type;
    this.name = "hooknet." + Mapping.typeName(type);
  }

  public Class<T> type() {
    return type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    byte[] cbor = Mapping.toCborBytes(message);
    buffer.appendByte(VERSION).appendInt(cbor.length).appendBytes(cbor);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int available = buffer.length() - pos;
    if (available < HEADER_SIZE) {
      throw wireError(Errno.EINVAL, "truncated: " + available + " bytes, the header alone is " + HEADER_SIZE);
    }
    byte version = buffer.getByte(pos);
    if (version != VERSION) {
      throw wireError(Errno.EINVAL, "unknown codec version " + version + " (this node reads version " + VERSION + ")");
    }
    int length = buffer.getInt(pos + 1);
    if (length < 0 || length > MAX_ENCODED_SIZE) {
      throw wireError(Errno.EMSGSIZE, "length " + Integer.toUnsignedString(length) + " is over the limit of "
          + MAX_ENCODED_SIZE + " bytes");
    }
    if (length > available - HEADER_SIZE) {
      throw wireError(Errno.EINVAL, "truncated: length says " + length + " bytes, " + (available - HEADER_SIZE)
          + " follow");
    }
    return Mapping.fromCborBytes(buffer.getBytes(pos + HEADER_SIZE, pos + HEADER_SIZE + length), type);
  }

  private HooknetException wireError(Errno errno, String problem) {
    return new HooknetException(errno, "invalid " + name + " on the wire: " + problem);
  }

  @Override
  public T transform(T message) {
    return message;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
