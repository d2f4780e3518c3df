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
 * JSON, records get records), delivers the notices of the callbacks it is responsible for in order, runs the
 * sessions of its bridges' clients, and cleans up after members and sessions that leave.
 *
 * <p>A command carrying the {@value HookRegistry#SESSION_HEADER} header runs as that bridge session; the bridges
 * set it on every command of a client and hand the command to this node (on a local-only address) whichever
 * command address it named.
 */
public class HookRegistryVerticle extends VerticleBase {

  private final HooknetCluster cluster;
  private final HookRegistryOptions options;
  private HookRegistryImpl registry;
  private MessageConsumer<Object> commands;
  private MessageConsumer<Object> nodeCommands;
  private MessageConsumer<Object> bridgeCommands;

  public HookRegistryVerticle(HooknetCluster cluster) {
    this(cluster, new HookRegistryOptions());
  }

  public HookRegistryVerticle(HooknetCluster cluster, HookRegistryOptions options) {
    this.cluster = cluster;
    this.options = new HookRegistryOptions(options).validate();
  }

  /** The registry; available once the verticle has started. */
  public HookRegistry registry() {
    return registry;
  }

  @Override
  public Future<?> start() {
    Codecs.register(vertx);
    registry = new HookRegistryImpl(vertx, cluster, options);
    commands = vertx.eventBus().consumer(HookRegistry.COMMANDS, this::handle);
    nodeCommands = vertx.eventBus().consumer(HookRegistry.nodeCommands(cluster.nodeName()), this::handle);
    bridgeCommands = vertx.eventBus().localConsumer(HookRegistry.bridgeCommands(cluster.nodeName()),
        this::handleBridged);
    return Future.all(registry.start(), commands.completion(), nodeCommands.completion(),
        bridgeCommands.completion());
  }

  @Override
  public Future<?> stop() {
    return Future.join(commands.unregister(), nodeCommands.unregister(), bridgeCommands.unregister(),
        registry.stop());
  }

  /** A command a bridge passed on: answered with the refusal the bridge put in its headers, if any. */
  private void handleBridged(Message<Object> request) {
    String refused = request.headers().get(HookRegistry.REFUSED_HEADER);
    if (refused != null) {
      request.fail(Integer.parseInt(refused), request.headers().get(HookRegistry.REFUSED_MESSAGE_HEADER));
    } else {
      handle(request);
    }
  }

  private void handle(Message<Object> request) {
    String session = request.headers().get(HookRegistry.SESSION_HEADER);
    Requests.serve(request, HookCommand.class, command -> registry.execute(command, session));
  }
}
