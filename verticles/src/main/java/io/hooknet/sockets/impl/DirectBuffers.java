package io.hooknet.sockets.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;

/**
 * Pooled direct buffers for what the pool writes to a socket. A socket writes a direct buffer as it is; given a heap
 * buffer it copies it into a direct one first, after gathering a composite's pieces into yet another. Whoever writes
 * one of these with {@code writeMessage} hands it over: the socket releases it once written.
 */
final class DirectBuffers {

  private DirectBuffers() {
  }

  /** A direct buffer of {@code capacity} bytes. */
  static ByteBuf allocate(int capacity) {
    return ByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
  }

  /** {@code bytes} copied once into a direct buffer. */
  static ByteBuf copyOf(ByteBuf bytes) {
    return append(allocate(bytes.readableBytes()), bytes);
  }

  /** Writes {@code bytes} into {@code to}, piece by piece when it is made of several; gives {@code to}. */
  static ByteBuf append(ByteBuf to, ByteBuf bytes) {
    for (ByteBuffer piece : bytes.nioBuffers()) {
      to.writeBytes(piece);
    }
    return to;
  }
}
