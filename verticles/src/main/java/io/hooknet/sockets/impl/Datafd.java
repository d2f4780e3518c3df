package io.hooknet.sockets.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Replies.SocketInfo;
import io.hooknet.codec.Replies.SocketState;
import io.hooknet.codec.SockEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.hooknet.sockets.SocketPool;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.logging.Logger;

/**
 * One socket in a pool and its read/write state machine. Its callbacks come from the socket's own context and
 * are moved onto the pool's event loop, where every method of this class runs.
 *
 * <p>A socket faults at most once on its read side: the first end of read or read error quarantines it (no more
 * reads, no writes) and is the only event; whatever the transport reports afterwards is ignored. Write errors
 * are reported each time, except on a stream already broken by one, whose transport closes it: that stream's
 * later failures are counted as drops and its closing quarantines it silently.
 */
abstract class Datafd implements DatafdTable.Slot<Object> {

  static final Logger LOG = Logger.getLogger(SocketPool.class.getName());

  /** What a socket tells the pool that watches it; called on the pool's loop. */
  interface Events {
    /** A packet the application wrote into {@code source}. */
    void packetRead(Datafd source, Buffer packet);

    /** A fault of {@code source}: the sock event's fields and the packets it dropped since its last event. */
    void fault(Datafd source, int txRx, int error, int errno, long dropped);
  }

  /** What a socket of a pool works with: the pool's Vert.x, loop and counters, and where its events go. */
  record Ties(Vertx vertx, PoolLoop loop, PoolCounters counters, Events events) {
  }

  protected final Ties ties;
  private final long datafd;
  private final int channel;
  private SocketState state = SocketState.ACTIVE;
  private boolean released;
  private long droppedSinceEvent;
  /** How many links hold this socket back now. */
  private int holds;

  Datafd(Ties ties, long datafd, int channel) {
    this.ties = ties;
    this.datafd = datafd;
    this.channel = channel;
  }

  @Override
  public long datafd() {
    return datafd;
  }

  @Override
  public int channel() {
    return channel;
  }

  SocketState state() {
    return state;
  }

  /** What the socket is: {@code tcp}, {@code unix}, {@code udp}, {@code tcp-endpoint}, {@code unix-endpoint}. */
  abstract String kind();

  /** Where a process connects, for pool-created endpoints; null otherwise. */
  String address() {
    return null;
  }

  SocketInfo info() {
    return new SocketInfo(datafd, channel, kind(), state, address());
  }

  /** Starts reading. */
  abstract void start();

  /** Stops reading for good: the socket has faulted. */
  protected abstract void stopReading();

  /** Stops watching; closes the socket when the pool created it. */
  protected abstract void close();

  /** Writes one packet to the application; the future fails with the transport's error. */
  protected abstract Future<Void> send(Buffer packet);

  /** Whether there is a socket to write to: false for an endpoint nothing has connected to yet. */
  protected boolean connected() {
    return true;
  }

  /** Whether a failed write leaves the socket usable (datagrams) or breaks it (streams). */
  protected abstract boolean survivesWriteError();

  final void release() {
    if (!released) {
      released = true;
      close();
    }
  }

  /**
   * Writes a packet to the application's socket, reporting a failure as {@code (RX, -1, errno)}. The future
   * completes once the pool's counters include the packet.
   */
  final Future<Void> write(Buffer packet) {
    HooknetException refused = refusal();
    if (refused != null) {
      droppedSinceEvent++;
      ties.counters().dropped(channel, state == SocketState.ERROR || released ? DropReason.QUARANTINED
          : DropReason.NOT_CONNECTED);
      return Future.failedFuture(refused);
    }
    Promise<Void> done = Promise.promise();
    send(packet).onComplete(sent -> ties.loop().run(() -> {
      if (sent.succeeded()) {
        ties.counters().written(channel, packet.length());
        done.complete();
      } else {
        Errno errno = SocketErrors.errnoOf(sent.cause());
        ties.counters().dropped(channel, DropReason.WRITE_FAILED);
        writeFailed(errno);
        done.fail(HooknetException.outcome(errno, "writing to datafd " + datafd + " on channel " + channel
            + " failed: " + sent.cause().getMessage(), sent.cause()));
      }
    }));
    return done.future();
  }

  private HooknetException refusal() {
    if (state == SocketState.ERROR || released) {
      return HooknetException.outcome(Errno.EPIPE, "datafd " + datafd + " on channel " + channel
          + " is quarantined after a fault; the packet was dropped", null);
    }
    if (!connected()) {
      return HooknetException.outcome(Errno.ENOTCONN, "nothing has connected to the endpoint of datafd " + datafd
          + " on channel " + channel + " yet; the packet was dropped", null);
    }
    return null;
  }

  private void writeFailed(Errno errno) {
    droppedSinceEvent++;
    if (released || state == SocketState.ERROR) {
      return;
    }
    if (!survivesWriteError()) {
      state = SocketState.ERROR;
      stopReading();
    }
    report(SockEvent.RX, -1, errno);
  }

  /** A packet read from the application's socket. */
  final void packetRead(Buffer packet) {
    if (released || state == SocketState.ERROR) {
      return;
    }
    if (state == SocketState.PAUSED && !canPause()) {
      ties.counters().dropped(channel, DropReason.BACKPRESSURE);
      return;
    }
    ties.events().packetRead(this, packet);
  }

  /**
   * A link this socket's packets go on has no credit left for them (held) or has again. The socket stops being
   * read while any link holds it; a socket that cannot stop reading (datagrams) drops what it reads meanwhile. A
   * faulted socket stays as it is.
   */
  final void hold(boolean held) {
    holds += held ? 1 : -1;
    throttle(holds > 0);
  }

  private void throttle(boolean paused) {
    if (released || state == SocketState.ERROR || paused == (state == SocketState.PAUSED)) {
      return;
    }
    state = paused ? SocketState.PAUSED : SocketState.ACTIVE;
    if (canPause()) {
      pauseReading(paused);
    }
  }

  /** Whether the transport can stop reading for a while (streams) or not (datagrams). */
  protected boolean canPause() {
    return false;
  }

  /** Stops or restarts reading for backpressure; only called when {@link #canPause()}. */
  protected void pauseReading(boolean paused) {
  }

  /**
   * The application's socket reached its end of read, was closed (Vert.x reports both as the end of the
   * stream) or, for a datagram socket, sent 0 bytes.
   */
  final void endOfRead() {
    readSideFaulted(0, null);
  }

  /** Reading the application's socket failed. */
  final void readFailed(Throwable failure) {
    readSideFaulted(-1, SocketErrors.errnoOf(failure));
  }

  private void readSideFaulted(int error, Errno errno) {
    if (released || state == SocketState.ERROR) {
      return;
    }
    state = SocketState.ERROR;
    stopReading();
    report(SockEvent.TX, error, errno);
  }

  private void report(int txRx, int error, Errno errno) {
    long dropped = droppedSinceEvent;
    droppedSinceEvent = 0;
    ties.events().fault(this, txRx, error, errno == null ? 0 : errno.number(), dropped);
  }

  /** A framed packet over {@link SocketPool#MAX_PACKET_SIZE} was skipped. */
  final void oversized(long length) {
    ties.counters().dropped(channel, DropReason.OVERSIZED);
    LOG.fine(() -> "dropped a packet of " + length + " bytes on datafd " + datafd);
  }
}
