package io.hooknet.hooks;

import io.hooknet.cluster.HooknetCluster;
import io.hooknet.codec.Codecs;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.Requests;
import io.hooknet.hooks.impl.HookRegistryImpl;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * The hook registry on one node: deploy one per node of the cluster. It answers the registry operations on
 * {@value HookRegistry#COMMANDS} and on {@code hooknet.hooks.<nodeName>.cmd} (JSON from bridged clients gets
 * JSON, records get records), delivers the
 * notices of the callbacks registered through it in order, and cleans up after members that leave.
 */
public class HookRegistryVerticle extends VerticleBase {

  private final HooknetCluster cluster;
  private HookRegistryImpl registry;
  private MessageConsumer<Object> commands;
  private MessageConsumer<Object> nodeCommands;

  public HookRegistryVerticle(HooknetCluster cluster) {
    this.cluster = cluster;
  }

  /** The registry; available once the verticle has started. */
  public HookRegistry registry() {
    return registry;
  }

  @Override
  public Future<?> start() {
    Codecs.register(vertx);
    registry = new HookRegistryImpl(vertx, cluster);
    commands = vertx.eventBus().consumer(HookRegistry.COMMANDS, this::handle);
    nodeCommands = vertx.eventBus().consumer(HookRegistry.nodeCommands(cluster.nodeName()), this::handle);
    return Future.all(registry.start(), commands.completion(), nodeCommands.completion());
  }

  @Override
  public Future<?> stop() {
    return Future.join(commands.unregister(), nodeCommands.unregister(), registry.stop());
  }

  private void handle(Message<Object> request) {
    Requests.serve(request, HookCommand.class, registry::execute);
  }
}
