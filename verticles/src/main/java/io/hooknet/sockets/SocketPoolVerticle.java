package io.hooknet.sockets;

import io.hooknet.codec.Codecs;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.hooknet.sockets.impl.PoolCommands;
import io.hooknet.sockets.impl.SocketPoolImpl;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's socket pools on one event loop, answering the pool operations on
 * {@code hooknet.pool.<nodeName>.cmd}. Deploy one per node; it makes the pools it is given (the pool
 * {@value SocketPoolOptions#DEFAULT_NAME} when none is) and more can be made while it runs.
 *
 * <p>As in libknet, a pool takes no socket until it has a sock-notify handler: set one on each pool with
 * {@link SocketPool#sockNotifyHandler} before adding sockets, from Java or over the event bus.
 */
public class SocketPoolVerticle extends VerticleBase {

  private final String nodeName;
  private final List<SocketPoolOptions> initial;
  private final Map<String, SocketPool> pools = new ConcurrentHashMap<>();
  private MessageConsumer<Object> commands;

  /**
   * @param nodeName the node's name, as in {@code HooknetCluster.nodeName()}; it names the command address and
   *                 appears in every event
   * @param pools    the pools to make at start; none means one pool named {@value SocketPoolOptions#DEFAULT_NAME}
   */
  public SocketPoolVerticle(String nodeName, SocketPoolOptions... pools) {
    this.nodeName = nodeName;
    this.initial = pools.length == 0 ? List.of(new SocketPoolOptions()) : List.of(pools);
    initial.forEach(options -> new SocketPoolOptions(options).validate());
  }

  @Override
  public Future<?> start() {
    Codecs.register(vertx);
    for (SocketPoolOptions options : initial) {
      makePool(options);
    }
    commands = vertx.eventBus().consumer(SocketPool.commandAddress(nodeName), new PoolCommands(nodeName, pools));
    return commands.completion();
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> closing = new ArrayList<>();
    pools.values().forEach(pool -> closing.add(pool.close()));
    closing.add(commands.unregister());
    return Future.join(closing);
  }

  public String nodeName() {
    return nodeName;
  }

  /** The pool called {@code name}; {@code ENXIO} when there is none. */
  public SocketPool pool(String name) {
    SocketPool pool = pools.get(name);
    if (pool == null) {
      throw HooknetException.of(Errno.ENXIO, "node '%s' has no pool '%s'", nodeName, name);
    }
    return pool;
  }

  /** The pool {@value SocketPoolOptions#DEFAULT_NAME}, when the verticle has it. */
  public SocketPool pool() {
    return pool(SocketPoolOptions.DEFAULT_NAME);
  }

  /** The names of the pools, sorted. */
  public Set<String> poolNames() {
    return new TreeSet<>(pools.keySet());
  }

  /** Makes another pool on the verticle's event loop; {@code EEXIST} when the name is taken. */
  public Future<SocketPool> createPool(SocketPoolOptions options) {
    return Future.<SocketPool>future(promise -> context.runOnContext(v -> {
      try {
        promise.complete(makePool(options));
      } catch (RuntimeException e) {
        promise.fail(HooknetException.from(e));
      }
    }));
  }

  /** Closes a pool and forgets it; {@code ENXIO} when there is none. */
  public Future<Void> closePool(String name) {
    SocketPool pool = pools.remove(name);
    if (pool == null) {
      return Future.failedFuture(HooknetException.of(Errno.ENXIO, "node '%s' has no pool '%s'", nodeName, name));
    }
    return pool.close();
  }

  private SocketPool makePool(SocketPoolOptions options) {
    SocketPool pool = new SocketPoolImpl(vertx, nodeName, options);
    if (pools.putIfAbsent(pool.name(), pool) != null) {
      throw HooknetException.of(Errno.EEXIST, "node '%s' already has a pool '%s'", nodeName, pool.name());
    }
    return pool;
  }
}
