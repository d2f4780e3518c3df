package io.hooknet.sockets;

import io.hooknet.codec.Codecs;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.hooknet.sockets.impl.PoolCommands;
import io.hooknet.sockets.impl.SocketPoolImpl;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.hooknet.cluster.HooknetCluster;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

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
  private final Supplier<Collection<String>> members;
  /** The node's event bus: the pools' links to the other members take its host and TLS settings. */
  private final EventBusOptions eventBus;
  private final List<SocketPoolOptions> initial;
  private final Map<String, SocketPool> pools = new ConcurrentHashMap<>();
  private MessageConsumer<Object> commands;

  /**
   * @param nodeName the node's name, as in {@code HooknetCluster.nodeName()}; it names the command address and
   *                 appears in every event
   * @param pools    the pools to make at start; none means one pool named {@value SocketPoolOptions#DEFAULT_NAME}
   */
  public SocketPoolVerticle(String nodeName, SocketPoolOptions... pools) {
    this(nodeName, () -> List.of(nodeName), new EventBusOptions().setHost("127.0.0.1"), pools);
  }

  /**
   * A node's pools in a cluster: channel data is switched to the same-named pools of the other members.
   *
   * @param cluster the node's cluster, which names the node
   * @param pools   the pools to make at start; none means one pool named {@value SocketPoolOptions#DEFAULT_NAME}
   */
  public SocketPoolVerticle(HooknetCluster cluster, SocketPoolOptions... pools) {
    this(cluster.nodeName(), cluster::memberNames, cluster.eventBusOptions(), pools);
  }

  private SocketPoolVerticle(String nodeName, Supplier<Collection<String>> members, EventBusOptions eventBus,
      SocketPoolOptions... pools) {
    this.nodeName = nodeName;
    this.members = members;
    this.eventBus = eventBus;
    this.initial = pools.length == 0 ? List.of(new SocketPoolOptions()) : List.of(pools);
    initial.forEach(options -> new SocketPoolOptions(options).validate());
  }

  @Override
  public Future<?> start() {
    Codecs.register(vertx);
    List<Future<?>> starting = new ArrayList<>();
    for (SocketPoolOptions options : initial) {
      starting.add(makePool(options));
    }
    commands = vertx.eventBus().consumer(SocketPool.commandAddress(nodeName), new PoolCommands(nodeName, pools));
    starting.add(commands.completion());
    return Future.all(starting);
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
        makePool(options).onComplete(promise);
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

  private Future<SocketPool> makePool(SocketPoolOptions options) {
    SocketPoolImpl pool = new SocketPoolImpl(vertx, nodeName, options, members, eventBus);
    if (pools.putIfAbsent(pool.name(), pool) != null) {
      throw HooknetException.of(Errno.EEXIST, "node '%s' already has a pool '%s'", nodeName, pool.name());
    }
    return pool.start().map(pool);
  }
}
