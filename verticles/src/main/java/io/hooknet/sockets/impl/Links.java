package io.hooknet.sockets.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The links of one pool to the pools of the same name on the other members: plain TCP connections that carry
 * channel data ({@link LinkFrame}), apart from the event bus, which stays for control and events.
 *
 * <p>How it works. Each pool listens on a port of its node's cluster host and answers where on
 * {@code hooknet.pool.<node>.<pool>.link}. While the pool forwards, it keeps one connection open to each other
 * member, which carries its data to that member in the order it was sent; the member answers on the same
 * connection with credits ({@link CreditFlow}), acknowledgements of the frames that asked for one, and heartbeat
 * answers. Frames for a member are gathered and written once per turn of the event loop, in direct buffers that the
 * socket writes as they are: a payload read into one is not copied, one read into the heap is copied once. A heartbeat goes each {@code heartbeatMillis}; a link with no answer for
 * {@code timeoutMillis}, or whose connection closes, is down: what it had not had answered counts as unreachable
 * (some of it may have been written), its held sources read again, and it is opened again on the next heartbeat.
 * A link is up once the member has answered a heartbeat on it, with the round trip as its latency. Links to
 * members that leave are closed. Everything runs on the pool's event loop; {@link Owner} is how the links reach the
 * pool, which they never call otherwise.
 *
 * @param <S> what a source of data is: the pool's socket
 */
final class Links<S> {

  static final Logger LOG = Logger.getLogger(Links.class.getName());
  /** Below this size a payload is copied into the frames around it; above, it is written as it is. */
  private static final int COPY_BELOW = 1024;
  /** How soon a link that could not be opened is tried again, doubling up to the heartbeat interval. */
  private static final long FIRST_RETRY_MILLIS = 20;

  /** How the links reach their pool. */
  interface Owner<S> {
    /** A packet member {@code source} sent on {@code channel}: written to the application, or failed with an errno. */
    Future<Void> deliver(int channel, Buffer payload, String source);

    /** Stops or restarts reading {@code source}: a link it sent on has no credit left, or has again. */
    void hold(S source, boolean held);

    /** {@code packets} of {@code channel} were sent on a link that went down before they were answered. */
    void unreachable(int channel, long packets);

    /** The link to {@code remote} went up (with its round trip, in microseconds) or down. */
    void status(String remote, boolean up, long latencyMicros);
  }

  static String linkAddress(String node, String pool) {
    return "hooknet.pool." + node + "." + pool + ".link";
  }

  private final Vertx vertx;
  private final Context context;
  private final String node;
  private final String pool;
  private final EventBusOptions eventBus;
  private final int window;
  private final long heartbeatMillis;
  private final long timeoutMillis;
  private final long ackTimeoutMillis;
  private final Supplier<Collection<String>> members;
  private final Owner<S> owner;
  private final Map<String, Outbound> out = new HashMap<>();
  private final Set<NetSocket> in = new HashSet<>();
  private NetServer server;
  private NetClient client;
  private MessageConsumer<JsonObject> directory;
  private long heartbeat = -1;
  private boolean open;
  private int port;

  Links(Vertx vertx, String node, String pool, EventBusOptions eventBus, int window, long heartbeatMillis,
      long timeoutMillis, long ackTimeoutMillis, Supplier<Collection<String>> members, Owner<S> owner) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.node = node;
    this.pool = pool;
    this.eventBus = new EventBusOptions(eventBus);
    this.window = window;
    this.heartbeatMillis = heartbeatMillis;
    this.timeoutMillis = timeoutMillis;
    this.ackTimeoutMillis = ackTimeoutMillis;
    this.members = members;
    this.owner = owner;
  }

  /**
   * Listens for the other members' links and says where on the event bus. The links take the event bus's TLS
   * settings, as the event bus itself makes its connections between the nodes.
   */
  Future<Void> start() {
    NetClientOptions clientOptions = new NetClientOptions(eventBus.toJson()).setHostnameVerificationAlgorithm("")
        .setTcpNoDelay(true).setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
    NetServerOptions serverOptions = new NetServerOptions(eventBus.toJson()).setHost(eventBus.getHost()).setPort(0)
        .setTcpNoDelay(true);
    if (eventBus.isSsl()) {
      clientOptions.setKeyCertOptions(eventBus.getKeyCertOptions()).setTrustOptions(eventBus.getTrustOptions());
      serverOptions.setKeyCertOptions(eventBus.getKeyCertOptions()).setTrustOptions(eventBus.getTrustOptions());
    }
    client = vertx.createNetClient(clientOptions);
    server = vertx.createNetServer(serverOptions);
    server.connectHandler(this::accepted);
    return server.listen().compose(listening -> {
      port = listening.actualPort();
      directory = vertx.eventBus().consumer(linkAddress(node, pool), request -> request.reply(
          new JsonObject().put("host", eventBus.getHost()).put("port", port)));
      heartbeat = vertx.setPeriodic(heartbeatMillis, id -> beat());
      return directory.completion();
    });
  }

  Future<Void> stop() {
    open(false);
    vertx.cancelTimer(heartbeat);
    new ArrayList<>(in).forEach(NetSocket::close);
    List<Future<?>> closing = new ArrayList<>();
    if (directory != null) {
      closing.add(directory.unregister());
    }
    if (server != null) {
      closing.add(server.close());
    }
    if (client != null) {
      closing.add(client.close());
    }
    return Future.join(closing).mapEmpty();
  }

  /** Opens links to the other members (the pool forwards) or closes them all (it does not). */
  void open(boolean open) {
    this.open = open;
    if (open) {
      beat();
    } else {
      new ArrayList<>(out.values()).forEach(link -> link.close("the pool no longer forwards"));
      out.clear();
    }
  }

  /**
   * Sends a packet to member {@code remote} on its {@code channel}, from {@code source} (null: the application's
   * code). With {@code wantAck}, the future gives the errno the member answered (0: written); otherwise null.
   */
  Future<Integer> send(String remote, int channel, Buffer payload, S source, boolean wantAck) {
    Outbound link = out.computeIfAbsent(remote, Outbound::new);
    return link.send(channel, payload, source, wantAck);
  }

  /** Where the links into this pool listen: {@code host:port}, with {@code tls } before it when on TLS. */
  String address() {
    return (eventBus.isSsl() ? "tls " : "") + eventBus.getHost() + ":" + port;
  }

  private void beat() {
    if (!open) {
      return;
    }
    Collection<String> now = members.get();
    new ArrayList<>(out.values()).forEach(link -> {
      if (!now.contains(link.remote)) {
        link.close("node " + link.remote + " left the cluster");
        out.remove(link.remote);
      }
    });
    for (String member : now) {
      if (!member.equals(node)) {
        out.computeIfAbsent(member, Outbound::new).beat();
      }
    }
  }

  /**
   * A link another member opened: its frames are split in the connection's pipeline and come as the network
   * buffers they were read into, so that a payload reaches its socket without a copy (see {@link Inbound#data}).
   */
  private void accepted(NetSocket socket) {
    in.add(socket);
    Inbound inbound = new Inbound(socket);
    NetSocketInternal link = (NetSocketInternal) socket;
    link.channelHandlerContext().pipeline().addBefore("handler", "hooknet-link-frames", LinkFrame.frameSplitter());
    link.messageHandler(message -> inbound.frame((ByteBuf) message));
    socket.closeHandler(v -> in.remove(socket));
    socket.exceptionHandler(failure -> {
      if (failure instanceof TooLongFrameException) {
        inbound.broken("a frame too long (" + failure.getMessage() + ")");
      } else {
        LOG.log(Level.FINE, failure, () -> "a link into pool '" + pool + "' failed");
      }
    });
  }

  /** A link another member opened to this pool: its data comes in, credits and answers go back. */
  private final class Inbound {
    private final NetSocket socket;
    private String remote;
    private CreditFlow.Returns returns;

    Inbound(NetSocket socket) {
      this.socket = socket;
    }

    /** Takes one frame, which it owns: released once handled, or, for data, once delivered. */
    void frame(ByteBuf frame) {
      boolean delivering = false;
      try {
        Buffer body = BufferInternal.buffer(frame);
        if (body.length() == 0) {
          broken("a frame of 0 bytes");
          return;
        }
        byte type = LinkFrame.type(body);
        if (remote == null) {
          hello(type, body);
        } else if (type == LinkFrame.DATA) {
          delivering = true;
          data(LinkFrame.Data.read(body), frame);
        } else if (type == LinkFrame.PING) {
          socket.write(LinkFrame.pong(LinkFrame.pingSent(body)));
        } else {
          LOG.warning(() -> "pool '" + pool + "' on node " + node + " closes the link from " + remote
              + ", which sent a frame of type " + type);
          socket.close();
        }
      } finally {
        if (!delivering) {
          frame.release();
        }
      }
    }

    void broken(String problem) {
      LOG.warning(() -> "pool '" + pool + "' on node " + node + " closes a link that sent " + problem);
      socket.close();
    }

    private void hello(byte type, Buffer body) {
      LinkFrame.Hello hello = type == LinkFrame.HELLO ? LinkFrame.Hello.read(body) : null;
      if (hello == null || hello.version() != LinkFrame.VERSION || !hello.pool().equals(pool)) {
        LOG.warning(() -> "pool '" + pool + "' on node " + node + " closes a link that did not start with its "
            + "HELLO: " + hello);
        socket.close();
        return;
      }
      remote = hello.node();
      returns = new CreditFlow.Returns(hello.window());
    }

    /**
     * Hands a payload to the pool; {@code frame}, whose slice it is, is released once the pool is done with it:
     * written to its socket (which takes it as it is, a direct buffer), or dropped.
     */
    private void data(LinkFrame.Data data, ByteBuf frame) {
      Future<Void> delivered;
      try {
        delivered = owner.deliver(data.channel(), data.payload(), remote);
      } catch (RuntimeException failure) {
        frame.release();
        throw failure;
      }
      delivered.onComplete(done -> {
        frame.release();
        int credits = returns.done(data.channel());
        if (credits > 0) {
          socket.write(LinkFrame.credit(data.channel(), credits));
        }
        if (data.wantAck()) {
          socket.write(LinkFrame.ack(data.seq(), done.succeeded() ? 0 : HooknetException.from(done.cause()).errno()));
        }
      });
    }
  }

  /**
   * This pool's link to one other member: its data goes out, in order, as its credits allow. While it is being
   * opened (or opened again), what is sent waits, bounded by the credits; a link that stays unopened for
   * {@code timeoutMillis} drops what waits, and what is sent to it afterwards, as unreachable, until it opens.
   */
  private final class Outbound {
    private final String remote;
    private final CreditFlow<S> flow = new CreditFlow<>(window);
    private final Map<Long, Ack> acks = new LinkedHashMap<>();
    private NetSocket socket;
    private boolean connecting;
    private boolean closed;
    private boolean up;
    private long latencyMicros;
    private long lastAnswer;
    private long seq;
    /** Since when (nanoTime) the link has been trying to open; 0 while it is open. */
    private long openingSince;
    /** It tried for longer than the timeout: what is sent is dropped until it opens. */
    private boolean unreachable;
    private long retryMillis = FIRST_RETRY_MILLIS;
    private long retryTimer = -1;
    /** What waits for the next write: whole buffers, and the frames and small payloads being gathered. */
    private CompositeByteBuf batch = Unpooled.compositeBuffer(Integer.MAX_VALUE);
    private ByteBuf gathering;
    private boolean flushing;

    Outbound(String remote) {
      this.remote = remote;
    }

    Future<Integer> send(int channel, Buffer payload, S source, boolean wantAck) {
      if (socket == null && !closed && !unreachable && openingSince == 0) {
        connect();
      }
      if (closed || (socket == null && (unreachable || (source == null && flow.credits(channel) <= 0)))) {
        owner.unreachable(channel, 1);
        return wantAck ? Future.succeededFuture(Errno.EHOSTUNREACH.number()) : null;
      }
      if (flow.take(channel, source)) {
        owner.hold(source, true);
      }
      long number = ++seq;
      append(LinkFrame.dataHeader(wantAck, channel, number, payload.length()));
      // The payload's own buffer, not getByteBuf()'s view of it, whose retain does nothing.
      ByteBuf bytes = ((BufferInternal) payload).unwrap();
      if (payload.length() < COPY_BELOW) {
        append(bytes);
      } else {
        gathered();
        // A direct payload is kept as it is, with a reference of its own (the caller keeps its own), a heap one
        // copied once.
        batch.addComponent(true, bytes.isDirect() ? bytes.retainedSlice() : DirectBuffers.copyOf(bytes));
      }
      scheduleFlush();
      if (!wantAck) {
        return null;
      }
      Ack ack = new Ack(channel, vertx.setTimer(ackTimeoutMillis, id -> timedOut(number)));
      acks.put(number, ack);
      return ack.answer.future();
    }

    private void append(ByteBuf bytes) {
      if (gathering == null) {
        gathering = ByteBufAllocator.DEFAULT.directBuffer(Math.max(4096, bytes.readableBytes()));
      }
      gathering.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
    }

    private void gathered() {
      if (gathering != null) {
        batch.addComponent(true, gathering);
        gathering = null;
      }
    }

    private void scheduleFlush() {
      if (!flushing && socket != null) {
        flushing = true;
        context.runOnContext(v -> flush());
      }
    }

    private void flush() {
      flushing = false;
      if (socket == null) {
        return;
      }
      gathered();
      if (batch.numComponents() > 0) {
        // Every part is direct, so the socket writes them as they are; it releases the batch once written.
        ((NetSocketInternal) socket).writeMessage(batch);
        batch = Unpooled.compositeBuffer(Integer.MAX_VALUE);
      }
    }

    /** Opens the connection: asks the member where its pool listens, then connects. */
    private void connect() {
      if (connecting || closed || !open) {
        return;
      }
      connecting = true;
      if (openingSince == 0) {
        openingSince = System.nanoTime();
      }
      vertx.eventBus().<JsonObject>request(linkAddress(remote, pool), null,
          new DeliveryOptions().setSendTimeout(timeoutMillis))
          .compose(where -> client.connect(where.body().getInteger("port"), where.body().getString("host")))
          .onComplete(done -> {
            connecting = false;
            if (closed) {
              if (done.succeeded()) {
                done.result().close();
              }
            } else if (done.failed()) {
              notOpened(done.cause());
            } else {
              connected(done.result());
            }
          });
    }

    /** Opening failed: tried again soon, and what waits is dropped once it has tried for the timeout. */
    private void notOpened(Throwable failure) {
      LOG.fine(() -> "pool '" + pool + "' on node " + node + " cannot link to " + remote + " yet: "
          + failure.getMessage());
      if (!unreachable && System.nanoTime() - openingSince > timeoutMillis * 1_000_000L) {
        unreachable = true;
        LOG.warning(() -> "pool '" + pool + "' on node " + node + " could not link to " + remote + " for "
            + timeoutMillis + " ms (" + failure.getMessage() + "); what it sends there is dropped as unreachable "
            + "until the link opens");
        lose();
      }
      if (!unreachable) {
        retryTimer = vertx.setTimer(retryMillis, id -> {
          retryTimer = -1;
          connect();
        });
        retryMillis = Math.min(retryMillis * 2, heartbeatMillis);
      }
    }

    private void connected(NetSocket opened) {
      socket = opened;
      openingSince = 0;
      unreachable = false;
      retryMillis = FIRST_RETRY_MILLIS;
      lastAnswer = System.nanoTime();
      socket.handler(LinkFrame.parser(this::frame, problem -> {
        LOG.warning(() -> "pool '" + pool + "' on node " + node + " closes its link to " + remote + ", which sent "
            + problem);
        opened.close();
      }));
      socket.closeHandler(v -> {
        if (socket == opened) {
          lost();
        }
      });
      socket.exceptionHandler(failure -> LOG.log(Level.FINE, failure, () -> "the link of pool '" + pool
          + "' to " + remote + " failed"));
      socket.write(LinkFrame.hello(pool, node, window));
      socket.write(LinkFrame.ping(System.nanoTime()));
      flush();
    }

    private void frame(Buffer body) {
      lastAnswer = System.nanoTime();
      switch (LinkFrame.type(body)) {
        case LinkFrame.CREDIT:
          LinkFrame.Credit credit = LinkFrame.Credit.read(body);
          flow.give(credit.channel(), credit.packets()).forEach(source -> owner.hold(source, false));
          break;
        case LinkFrame.ACK:
          LinkFrame.Ack answered = LinkFrame.Ack.read(body);
          Ack ack = acks.remove(answered.seq());
          if (ack != null) {
            vertx.cancelTimer(ack.timer);
            ack.answer.complete(answered.errno());
          }
          break;
        case LinkFrame.PONG:
          latencyMicros = (System.nanoTime() - LinkFrame.pingSent(body)) / 1_000;
          if (!up) {
            up = true;
            owner.status(remote, true, latencyMicros);
          }
          break;
        default:
          LOG.warning(() -> "pool '" + pool + "' on node " + node + " closes its link to " + remote
              + ", which answered with a frame of type " + LinkFrame.type(body));
          socket.close();
      }
    }

    /** A heartbeat: opens a link that is down, checks that one that is open still answers. */
    void beat() {
      if (socket == null) {
        if (retryTimer == -1) {
          connect();
        }
        return;
      }
      if (System.nanoTime() - lastAnswer > timeoutMillis * 1_000_000L) {
        LOG.info(() -> "pool '" + pool + "' on node " + node + ": the link to " + remote + " has not answered for "
            + timeoutMillis + " ms");
        NetSocket silent = socket;
        lost();
        silent.close();
        return;
      }
      socket.write(LinkFrame.ping(System.nanoTime()));
    }

    private void timedOut(long number) {
      Ack ack = acks.remove(number);
      if (ack != null) {
        owner.unreachable(ack.channel, 1);
        ack.answer.complete(Errno.ETIMEDOUT.number());
      }
    }

    /** The open connection is gone: what it had not had answered is unreachable; it opens again at once. */
    private void lost() {
      socket = null;
      lose();
      if (up) {
        up = false;
        owner.status(remote, false, -1);
      }
      connect();
    }

    /** Drops what waits or was not answered, as unreachable, and lets every held source read again. */
    private void lose() {
      batch.release();
      batch = Unpooled.compositeBuffer(Integer.MAX_VALUE);
      if (gathering != null) {
        gathering.release();
        gathering = null;
      }
      flow.unansweredByChannel().forEach(owner::unreachable);
      flow.reset().forEach(source -> owner.hold(source, false));
      new ArrayList<>(acks.values()).forEach(ack -> {
        vertx.cancelTimer(ack.timer);
        ack.answer.complete(Errno.EHOSTUNREACH.number());
      });
      acks.clear();
    }

    void close(String why) {
      closed = true;
      vertx.cancelTimer(retryTimer);
      LOG.fine(() -> "pool '" + pool + "' on node " + node + " closes its link to " + remote + ": " + why);
      NetSocket open = socket;
      socket = null;
      lose();
      if (up) {
        up = false;
        owner.status(remote, false, -1);
      }
      if (open != null) {
        open.close();
      }
    }
  }

  /** A DATA frame waiting for its ACK. */
  private static final class Ack {
    final int channel;
    final long timer;
    final Promise<Integer> answer = Promise.promise();

    Ack(int channel, long timer) {
      this.channel = channel;
      this.timer = timer;
    }
  }
}
