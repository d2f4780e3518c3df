package io.hooknet.sockets.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The links' wire format alone: frames written and read back whole, however the bytes are split. */
class LinkFrameTest {

  private static Buffer data(boolean wantAck, int channel, long seq, String payload) {
    ByteBuf header = LinkFrame.dataHeader(wantAck, channel, seq, payload.length());
    return BufferInternal.buffer(header).copy().appendString(payload);
  }

  @Test
  void everyFrameReadsBackAsItWasWrittenWhenTheBytesArriveOneByOne() {
    Buffer wire = Buffer.buffer().appendBuffer(LinkFrame.hello("default", "n1", 256))
        .appendBuffer(data(true, 7, 1, "payload")).appendBuffer(data(false, 65_535, Long.MAX_VALUE, ""))
        .appendBuffer(LinkFrame.credit(3, 64)).appendBuffer(LinkFrame.ack(9, 6))
        .appendBuffer(LinkFrame.ping(123_456_789L)).appendBuffer(LinkFrame.pong(42));
    List<Buffer> frames = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    io.vertx.core.Handler<Buffer> parser = LinkFrame.parser(frames::add, broken::add);
    for (int i = 0; i < wire.length(); i++) {
      parser.handle(wire.getBuffer(i, i + 1));
    }
    assertThat(broken).isEmpty();
    assertThat(frames).extracting(LinkFrame::type).containsExactly(LinkFrame.HELLO, LinkFrame.DATA,
        LinkFrame.DATA, LinkFrame.CREDIT, LinkFrame.ACK, LinkFrame.PING, LinkFrame.PONG);
    assertThat(LinkFrame.Hello.read(frames.get(0))).isEqualTo(new LinkFrame.Hello(1, 256, "default", "n1"));
    LinkFrame.Data first = LinkFrame.Data.read(frames.get(1));
    assertThat(List.of(first.wantAck(), first.channel(), first.seq(), first.payload().toString()))
        .containsExactly(true, 7, 1L, "payload");
    LinkFrame.Data second = LinkFrame.Data.read(frames.get(2));
    assertThat(List.of(second.wantAck(), second.channel(), second.seq(), second.payload().length()))
        .containsExactly(false, 65_535, Long.MAX_VALUE, 0);
    assertThat(LinkFrame.Credit.read(frames.get(3))).isEqualTo(new LinkFrame.Credit(3, 64));
    assertThat(LinkFrame.Ack.read(frames.get(4))).isEqualTo(new LinkFrame.Ack(9, 6));
    assertThat(LinkFrame.pingSent(frames.get(5))).isEqualTo(123_456_789L);
    assertThat(LinkFrame.pingSent(frames.get(6))).isEqualTo(42L);
  }

  @Test
  void aFrameOfTheLargestPacketPassesAndOneLongerBreaksTheLink() {
    String largest = "x".repeat(65_536);
    List<Buffer> frames = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    io.vertx.core.Handler<Buffer> parser = LinkFrame.parser(frames::add, broken::add);
    parser.handle(data(false, 0, 1, largest));
    assertThat(frames).hasSize(1);
    assertThat(LinkFrame.Data.read(frames.get(0)).payload().length()).isEqualTo(65_536);

    parser.handle(Buffer.buffer().appendInt(LinkFrame.MAX_FRAME + 1).appendByte(LinkFrame.DATA));
    assertThat(broken).containsExactly("a frame of " + (LinkFrame.MAX_FRAME + 1) + " bytes");
    assertThat(frames).hasSize(1);
  }

  @Test
  void aFrameOfLengthZeroBreaksTheLink() {
    List<String> broken = new ArrayList<>();
    LinkFrame.parser(frame -> { }, broken::add).handle(Buffer.buffer().appendInt(0));
    assertThat(broken).containsExactly("a frame of 0 bytes");
  }

  @Test
  void thePipelineSplitterHandsOverFramesMadeOfTheReadBuffersAndLeavesNothingHeldOnceTheyAreReleased() {
    EmbeddedChannel channel = new EmbeddedChannel(LinkFrame.frameSplitter());
    String largest = "y".repeat(65_536);
    ByteBuf wire = Unpooled.wrappedBuffer(((BufferInternal) data(true, 3, 9, largest)).getByteBuf(),
        ((BufferInternal) Buffer.buffer().appendBuffer(LinkFrame.ping(42))).getByteBuf());
    // Read as the network reads it: pieces that split the frames anywhere, each a direct buffer of its own.
    List<ByteBuf> reads = new ArrayList<>();
    for (int at = 0; at < wire.readableBytes(); at += 16_384) {
      int length = Math.min(16_384, wire.readableBytes() - at);
      ByteBuf read = Unpooled.directBuffer(length).writeBytes(wire, at, length);
      reads.add(read);
      channel.writeInbound(read);
    }
    ByteBuf first = channel.readInbound();
    ByteBuf second = channel.readInbound();
    assertThat((Object) channel.readInbound()).isNull();
    LinkFrame.Data data = LinkFrame.Data.read(BufferInternal.buffer(first));
    assertThat(data.wantAck()).isTrue();
    assertThat(data.channel()).isEqualTo(3);
    assertThat(data.seq()).isEqualTo(9L);
    assertThat(data.payload().toString()).isEqualTo(largest);
    assertThat(first.isDirect()).as("the frame is the read buffers, not a heap copy").isTrue();
    assertThat(LinkFrame.pingSent(BufferInternal.buffer(second))).isEqualTo(42L);
    assertThat(reads).anyMatch(read -> read.refCnt() > 0);
    first.release();
    second.release();
    channel.finishAndReleaseAll();
    assertThat(reads).allMatch(read -> read.refCnt() == 0);
  }

  @Test
  void thePipelineSplitterFailsTheConnectionOnAFrameOverTheLargest() {
    EmbeddedChannel channel = new EmbeddedChannel(LinkFrame.frameSplitter());
    ByteBuf tooLong = Unpooled.buffer().writeInt(LinkFrame.MAX_FRAME + 1).writeByte(LinkFrame.DATA);
    assertThatThrownBy(() -> channel.writeInbound(tooLong)).isInstanceOf(TooLongFrameException.class);
    channel.finishAndReleaseAll();
  }
}
