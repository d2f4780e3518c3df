package io.hooknet.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.hooknet.cluster.impl.HooknetClusterImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.Set;

/**
 * A clustered Vert.x node with a name unique in its cluster. {@link #join} builds the Hazelcast
 * configuration from {@link ClusterOptions}, starts a clustered {@link Vertx} with every hooknet codec
 * registered, and claims the node name; a name already taken by a live member fails the join with
 * {@code EEXIST} and leaves nothing running.
 */
public interface HooknetCluster {

  /** The member attribute that carries a member's node name. */
  String NODE_NAME_ATTRIBUTE = "hooknet.node";

  /** Joins the cluster described by {@code options} with hooknet's default Vert.x options ({@link #vertxOptions}). */
  static Future<HooknetCluster> join(ClusterOptions options) {
    return join(options, vertxOptions());
  }

  /**
   * hooknet's default Vert.x options: Vert.x's defaults, with the native transport preferred (Netty's epoll on
   * Linux, x86-64 and AArch64, which hooknet brings). The event bus, the bridges and the socket pools then run on
   * epoll rather than Java NIO: fewer system calls and wake-ups per message. Where it cannot load, Vert.x runs on NIO
   * and the join logs why. Options passed to {@link #join(ClusterOptions, VertxOptions)} are taken as they are.
   */
  static VertxOptions vertxOptions() {
    return new VertxOptions().setPreferNativeTransport(true);
  }

  /**
   * Joins the cluster described by {@code options}.
   *
   * @return a future failed with {@code EINVAL} for invalid options, {@code EEXIST} when the node name is
   *     taken, or the cluster's own failure
   */
  static Future<HooknetCluster> join(ClusterOptions options, VertxOptions vertxOptions) {
    return HooknetClusterImpl.join(options, vertxOptions);
  }

  Vertx vertx();

  String nodeName();

  String clusterName();

  /** This node's Hazelcast address, {@code host:port}. */
  String address();

  /** This node's clustered event bus address, {@code host:port}. */
  String eventBusAddress();

  /**
   * The options of the node's clustered event bus (a copy): its host and TLS settings, which the socket pools'
   * links between the nodes take as well.
   */
  EventBusOptions eventBusOptions();

  /** The cluster's members, oldest first. */
  List<Member> members();

  /**
   * The names of the cluster's members, this node's included, oldest first. Kept current from membership
   * events, so it costs nothing to read, even for every switched packet.
   */
  Set<String> memberNames();

  /** The Hazelcast instance under the cluster manager, for hooknet's replicated state. */
  HazelcastInstance hazelcast();

  /** Leaves the cluster: releases the node name, then closes Vert.x and its Hazelcast member. */
  Future<Void> close();

  /** A member of the cluster. */
  record Member(String nodeName, String address, boolean local) {
  }
}
