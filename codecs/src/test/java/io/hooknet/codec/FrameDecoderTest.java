package io.hooknet.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
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
