package io.hooknet.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
}
