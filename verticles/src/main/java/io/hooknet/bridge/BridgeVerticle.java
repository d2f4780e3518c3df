package io.hooknet.bridge;

import io.hooknet.bridge.impl.BridgePolicy;
import io.hooknet.bridge.impl.TcpFrameGuard;
import io.hooknet.hooks.HookRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;

/**
 * The event bus bridges of a node: the TCP bridge (behind a {@link TcpFrameGuard} that answers bad frames) and
 * the SockJS bridge at {@code /eventbus} on the HTTP port, both on the permission model and the sessions of
 * {@link BridgePolicy}. Deploy it on a node whose {@link HookRegistry} runs: each connection is a session of it.
 */
public class BridgeVerticle extends VerticleBase {

  private final HooknetBridgeOptions options;
  private final HookRegistry registry;
  private TcpEventBusBridge tcp;
  private TcpFrameGuard guard;
  private String privateDir;
  private HttpServer http;
  private Router router;

  /** The bridges of the node whose registry is {@code registry}: its clients' sessions and commands go there. */
  public BridgeVerticle(HooknetBridgeOptions options, HookRegistry registry) {
    this.options = new HooknetBridgeOptions(options).validate();
    this.registry = registry;
  }

  /** The HTTP router, to which the node adds its dashboard; available once started. */
  public Router router() {
    return router;
  }

  @Override
  public Future<?> start() {
    BridgePolicy policy = new BridgePolicy(options, registry);
    tcp = TcpEventBusBridge.create(vertx, policy.permitted(new BridgeOptions()), new NetServerOptions(), event -> {
      NetSocket socket = event.socket();
      if (policy.isNew(socket)) {
        socket.closeHandler(closed -> policy.closed(socket));
      }
      policy.allow(event.type(), event.getRawMessage(), socket, socket::close, event::complete);
    });
    router = Router.router(vertx);
    SockJSBridgeOptions sockJs = policy.permitted(new SockJSBridgeOptions())
        .setReplyTimeout(BridgePolicy.COMMAND_TIMEOUT_MILLIS);
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).bridge(sockJs, event ->
        policy.allow(event.type(), event.getRawMessage(), event.socket(), event.socket()::close, event::complete)));
    Future<TcpEventBusBridge> tcpListening = vertx.fileSystem().createTempDirectory("hooknet-bridge").compose(dir -> {
      privateDir = dir;
      SocketAddress inside = SocketAddress.domainSocketAddress(Path.of(dir, "bridge.sock").toString());
      guard = new TcpFrameGuard(vertx, inside, policy::route);
      NetServerOptions outside = new NetServerOptions().setSsl(options.isTls())
          .setKeyCertOptions(options.keyCertOptions());
      return tcp.listen(inside).compose(listening -> guard.listen(options.getTcpPort(), options.getHost(), outside))
          .map(tcp);
    });
    HttpServerOptions https = new HttpServerOptions().setSsl(options.isTls())
        .setKeyCertOptions(options.keyCertOptions());
    Future<HttpServer> httpListening = vertx.createHttpServer(https).requestHandler(router)
        .listen(options.getHttpPort(), options.getHost()).onSuccess(server -> http = server);
    return Future.all(tcpListening, httpListening);
  }

  @Override
  public Future<?> stop() {
    return Future.join(guard == null ? Future.succeededFuture() : guard.close(), tcp.close(),
        http == null ? Future.succeededFuture() : http.close())
        .eventually(() -> privateDir == null ? Future.succeededFuture()
            : vertx.fileSystem().deleteRecursive(privateDir));
  }
}
