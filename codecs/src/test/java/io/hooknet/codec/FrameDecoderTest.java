package io.hooknet.codec;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

  private final List<String> packets = new ArrayList<>();
  private final List<Long> oversized = new ArrayList<>();
  private final FrameDecoder decoder = new FrameDecoder(8, p -> packets.add(p.toString()), oversized::add);

  @Test
  void packetsSplitAnywhereComeOutWhole() {
    Buffer stream = FrameDecoder.frame(Buffer.buffer("one")).appendBuffer(FrameDecoder.frame(Buffer.buffer("")))
        .appendBuffer(FrameDecoder.frame(Buffer.buffer("twotwo")));
    for (int i = 0; i < stream.length(); i++) {
      decoder.feed(stream.getBuffer(i, i + 1));
    }
    assertThat(packets).containsExactly("one", "", "twotwo");
    assertThat(oversized).isEmpty();
  }

  @Test
  void directFramesCarryTheSamePacketsAndLeaveThePayloadsTheirs() {
    ByteBuf small = Unpooled.copiedBuffer("one", StandardCharsets.US_ASCII);
    ByteBuf large = Unpooled.directBuffer(2000).writeBytes(new byte[2000]).setByte(1999, 'x');
    ByteBuf[] frames = {FrameDecoder.frameDirect(small), FrameDecoder.frameDirect(large)};
    FrameDecoder big = new FrameDecoder(4096, p -> packets.add(p.length() + ":" + (char) p.getByte(p.length() - 1)),
        oversized::add);
    for (ByteBuf frame : frames) {
      assertThat(frame.isDirect()).isTrue();
      big.feed(BufferInternal.buffer(Unpooled.copiedBuffer(frame)));
      assertThat(frame.release()).isTrue();
    }
    assertThat(packets).containsExactly("3:e", "2000:x");
    assertThat(small.refCnt()).isEqualTo(1);
    assertThat(large.refCnt()).isEqualTo(1);
    assertThat(large.readableBytes()).isEqualTo(2000);
  }

  @Test
  void anOversizedPacketIsSkippedAndTheNextOneRead() {
    Buffer stream = Buffer.buffer().appendInt(20).appendBytes(new byte[20])
        .appendBuffer(FrameDecoder.frame(Buffer.buffer("after")));
    decoder.feed(stream.getBuffer(0, 10));
    decoder.feed(stream.getBuffer(10, stream.length()));
    assertThat(oversized).containsExactly(20L);
    assertThat(packets).containsExactly("after");
  }

  @Test
  void aLengthOf2GibIsSkippedWithoutBuffering() {
    decoder.feed(Buffer.buffer().appendInt(Integer.MIN_VALUE).appendBytes(new byte[1000]));
    assertThat(oversized).containsExactly(2_147_483_648L);
    assertThat(packets).isEmpty();
  }

  /**
   * In a pipeline: frames split anywhere across reads of pooled direct buffers come out whole, as views of those
   * buffers (direct, not copied into the heap), each the reader's to release; once all are released, so is every
   * buffer read.
   */
  @Test
  void theSplitterHandsOnWholeFramesMadeOfTheBuffersReadAndHoldsNoneOnceTheyAreReleased() {
    EmbeddedChannel channel = new EmbeddedChannel(FrameDecoder.splitter(4096, true));
    Buffer stream = FrameDecoder.frame(Buffer.buffer("one")).appendBuffer(FrameDecoder.frame(Buffer.buffer("")))
        .appendBuffer(FrameDecoder.frame(Buffer.buffer(new byte[3000]).setByte(2999, (byte) 'z')));
    List<ByteBuf> read = new ArrayList<>();
    for (int at = 0; at < stream.length(); at += 700) {
      ByteBuf piece = PooledByteBufAllocator.DEFAULT.directBuffer(700)
          .writeBytes(stream.getBytes(at, Math.min(stream.length(), at + 700)));
      read.add(piece);
      channel.writeInbound(piece);
    }
    List<String> frames = new ArrayList<>();
    for (ByteBuf frame; (frame = channel.readInbound()) != null; ) {
      assertThat(frame.isDirect() || frame.readableBytes() == 0).isTrue();
      frames.add(frame.readableBytes() + ":" + (frame.readableBytes() == 0 ? "" : (char) frame.getByte(
          frame.readerIndex() + frame.readableBytes() - 1)));
      frame.release();
    }
    assertThat(frames).containsExactly("3:e", "0:", "3000:z");
    assertThat(read).allSatisfy(piece -> assertThat(piece.refCnt()).isZero());
    assertThat(channel.finish()).isFalse();
  }

  /**
   * An oversized frame is skipped as it streams past: with {@code goOn} the reader is told its length, and the
   * frame after it comes as before; otherwise the pipeline fails.
   */
  @Test
  void theSplitterSkipsAnOversizedFrameAndTellsItsLength() {
    EmbeddedChannel channel = new EmbeddedChannel(FrameDecoder.splitter(8, true));
    Buffer stream = Buffer.buffer().appendInt(20).appendBytes(new byte[20])
        .appendBuffer(FrameDecoder.frame(Buffer.buffer("after")));
    channel.writeInbound(Unpooled.wrappedBuffer(stream.getBytes(0, 10)));
    channel.writeInbound(Unpooled.wrappedBuffer(stream.getBytes(10, stream.length())));
    assertThat((Object) channel.readInbound()).isEqualTo(new FrameDecoder.Oversized(20));
    ByteBuf after = channel.readInbound();
    assertThat(after.toString(StandardCharsets.US_ASCII)).isEqualTo("after");
    after.release();
    assertThat((Object) channel.readInbound()).isNull();

    EmbeddedChannel strict = new EmbeddedChannel(FrameDecoder.splitter(8, false));
    assertThatThrownBy(() -> strict.writeInbound(Unpooled.wrappedBuffer(stream.getBytes())))
        .isInstanceOf(TooLongFrameException.class);
  }
}
