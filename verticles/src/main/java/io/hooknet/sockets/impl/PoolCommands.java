package io.hooknet.sockets.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.HooknetMessage;
import io.hooknet.codec.PoolCommand;
import io.hooknet.codec.Replies;
import io.hooknet.codec.Requests;
import io.hooknet.sockets.SocketPool;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import java.util.Map;

/**
 * The pool operations of a node on the event bus, answered by {@link Requests#serve}. A bad request fails with
 * its errno and changes nothing.
 */
public final class PoolCommands implements Handler<Message<Object>> {

  private final String nodeName;
  private final Map<String, SocketPool> pools;

  public PoolCommands(String nodeName, Map<String, SocketPool> pools) {
    this.nodeName = nodeName;
    this.pools = pools;
  }

  @Override
  public void handle(Message<Object> request) {
    Requests.serve(request, PoolCommand.class, this::run);
  }

  private Future<? extends HooknetMessage> run(PoolCommand command) {
    SocketPool pool = pools.get(command.pool());
    if (pool == null) {
      throw HooknetException.of(Errno.ENXIO, "node '%s' has no pool '%s'", nodeName, command.pool());
    }
    if (command instanceof PoolCommand.Add) {
      PoolCommand.Add add = (PoolCommand.Add) command;
      return pool.addEndpoint(add.endpoint(), add.channel());
    }
    if (command instanceof PoolCommand.Remove) {
      return pool.remove(((PoolCommand.Remove) command).datafd()).compose(removed -> ack(pool));
    }
    if (command instanceof PoolCommand.Get) {
      return pool.get(((PoolCommand.Get) command).channel());
    }
    if (command instanceof PoolCommand.ListSockets) {
      return pool.list().map(sockets -> new Replies.PoolSockets(nodeName, pool.name(), sockets));
    }
    if (command instanceof PoolCommand.Stats) {
      return pool.stats();
    }
    return pool.setFwd(((PoolCommand.SetFwd) command).enabled()).compose(set -> ack(pool));
  }

  private static Future<Replies.Ack> ack(SocketPool pool) {
    return pool.lastSeq().map(Replies.Ack::new);
  }
}
