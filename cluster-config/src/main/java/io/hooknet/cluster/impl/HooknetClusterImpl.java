package io.hooknet.cluster.impl;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.hooknet.cluster.ClusterOptions;
import io.hooknet.cluster.HooknetCluster;
import io.hooknet.codec.Codecs;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.spi.cluster.NodeInfo;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Collectors;

public final class HooknetClusterImpl implements HooknetCluster {

  private static final Logger LOG = Logger.getLogger(HooknetCluster.class.getName());
  private static final long JOIN_RETRY_MILLIS = 1_000;

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final String nodeName;
  private final String clusterName;
  private final UUID membershipListener;
  private final UUID lifecycleListener;
  private final RegistrationRecord registrationRecord;
  /** Kept up to date by the membership listener: read for every switched packet, so not rebuilt per call. */
  private volatile List<Member> members;
  private volatile Set<String> memberNames;
  private Future<Void> closing;

  private final String eventBusAddress;
  private final EventBusOptions eventBusOptions;

  private HooknetClusterImpl(Vertx vertx, MergeAwareClusterManager clusterManager, String nodeName,
      EventBusOptions eventBusOptions) {
    this.vertx = vertx;
    this.eventBusOptions = new EventBusOptions(eventBusOptions);
    this.hazelcast = clusterManager.getHazelcastInstance();
    NodeInfo eventBus = clusterManager.getNodeInfo();
    this.eventBusAddress = eventBus.host() + ":" + eventBus.port();
    this.nodeName = nodeName;
    this.clusterName = hazelcast.getConfig().getClusterName();
    this.registrationRecord = new RegistrationRecord(vertx, clusterManager);
    this.membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipLog());
    this.lifecycleListener = hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED
          || event.getState() == LifecycleEvent.LifecycleState.MERGE_FAILED) {
        registrationRecord.changed();
      }
    });
    refreshMembers();
  }

  /** This node's upkeep of Vert.x's record of consumers. */
  RegistrationRecord registrationRecord() {
    return registrationRecord;
  }

  public static Future<HooknetCluster> join(ClusterOptions clusterOptions, VertxOptions vertxOptions) {
    ClusterOptions options = new ClusterOptions(clusterOptions);
    try {
      options.validate();
      HazelcastCallbacks.install();
    } catch (HooknetException e) {
      return Future.failedFuture(e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.getJoinRetrySeconds());
    return attempt(options, vertxOptions, deadline, 1);
  }

  /**
   * One attempt to join. A cluster whose state lets no member in (a side of a split that is merging into the
   * other freezes itself until it has) is asked again every {@value #JOIN_RETRY_MILLIS} ms until the options' join
   * retry time has passed; any other refusal fails at once. A refusal fails with {@code ECONNREFUSED} and the
   * cluster's reason.
   */
  private static Future<HooknetCluster> attempt(ClusterOptions options, VertxOptions vertxOptions, long deadline,
      int attempt) {
    JoinRefusals refusals = JoinRefusals.watch(options.getClusterName());
    Future<HooknetCluster> joined;
    try {
      joined = joinOnce(options, vertxOptions);
    } catch (HooknetException e) {
      joined = Future.failedFuture(e);
    }
    return joined.transform(done -> {
      refusals.close();
      String reason = refusals.reason();
      if (done.succeeded()) {
        return Future.succeededFuture(done.result());
      }
      if (reason == null) {
        return Future.failedFuture(done.cause());
      }
      HooknetException refused = HooknetException.of(Errno.ECONNREFUSED, "cluster '%s' refused node '%s' after "
          + "%d attempt(s): %s", options.getClusterName(), options.getNodeName(), attempt, reason);
      if (!JoinRefusals.byState(reason) || System.nanoTime() + JOIN_RETRY_MILLIS * 1_000_000 - deadline > 0) {
        return Future.failedFuture(refused);
      }
      LOG.warning(() -> refused.getMessage() + "; trying again in " + JOIN_RETRY_MILLIS + " ms");
      Promise<HooknetCluster> again = Promise.promise();
      CompletableFuture.delayedExecutor(JOIN_RETRY_MILLIS, TimeUnit.MILLISECONDS).execute(
          () -> attempt(options, vertxOptions, deadline, attempt + 1).onComplete(again));
      return again.future();
    });
  }

  private static Future<HooknetCluster> joinOnce(ClusterOptions options, VertxOptions vertxOptions) {
    MergeAwareClusterManager clusterManager = new MergeAwareClusterManager(HazelcastConfigs.create(options));
    VertxOptions withHost = new VertxOptions(vertxOptions);
    // The copy keeps only the base class of the metrics options, which would turn a metrics backend off.
    withHost.setMetricsOptions(vertxOptions.getMetricsOptions());
    withHost.getEventBusOptions().setHost(options.getHost());
    return Vertx.builder().with(withHost).withClusterManager(clusterManager).buildClustered()
        .compose(vertx -> {
          if (withHost.getPreferNativeTransport() && !vertx.isNativeTransportEnabled()) {
            LOG.warning(() -> "node " + options.getNodeName() + ": the native transport is not available, running on"
                + " Java NIO: " + vertx.unavailableNativeTransportCause());
          }
          Codecs.register(vertx);
          Promise<HooknetCluster> joined = Promise.promise();
          vertx.executeBlocking(() -> {
            NodeNames.claim(clusterManager.getHazelcastInstance(), options.getNodeName());
            return (HooknetCluster) new HooknetClusterImpl(vertx, clusterManager, options.getNodeName(),
                withHost.getEventBusOptions());
          }, false).onComplete(claim -> {
            if (claim.succeeded()) {
              joined.complete(claim.result());
            } else {
              vertx.close().onComplete(closed -> joined.fail(claim.cause()));
            }
          });
          return joined.future();
        });
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public String nodeName() {
    return nodeName;
  }

  @Override
  public String clusterName() {
    return clusterName;
  }

  @Override
  public String address() {
    return format(hazelcast.getCluster().getLocalMember().getAddress());
  }

  @Override
  public String eventBusAddress() {
    return eventBusAddress;
  }

  @Override
  public EventBusOptions eventBusOptions() {
    return new EventBusOptions(eventBusOptions);
  }

  @Override
  public List<Member> members() {
    return members;
  }

  @Override
  public Set<String> memberNames() {
    return memberNames;
  }

  private void refreshMembers() {
    com.hazelcast.cluster.Member local = hazelcast.getCluster().getLocalMember();
    List<Member> now = hazelcast.getCluster().getMembers().stream()
        .map(member -> new Member(nameOf(member), format(member.getAddress()), member.getUuid().equals(local.getUuid())))
        .collect(Collectors.toUnmodifiableList());
    Set<String> names = new LinkedHashSet<>();
    now.forEach(member -> names.add(member.nodeName()));
    // Names first: whoever has seen the new members() also sees their names.
    memberNames = Collections.unmodifiableSet(names);
    members = now;
  }

  @Override
  public HazelcastInstance hazelcast() {
    return hazelcast;
  }

  /**
   * The returned future is not bound to a Vert.x context: the contexts are gone once Vert.x has closed, and a
   * context-bound future would never tell its listeners.
   */
  @Override
  public synchronized Future<Void> close() {
    if (closing == null) {
      Promise<Void> closed = Promise.promise();
      registrationRecord.close();
      vertx.executeBlocking(() -> {
        hazelcast.getCluster().removeMembershipListener(membershipListener);
        hazelcast.getLifecycleService().removeLifecycleListener(lifecycleListener);
        NodeNames.release(hazelcast, nodeName);
        return null;
      }, false).onComplete(released -> vertx.close().onComplete(closed));
      closing = closed.future();
    }
    return closing;
  }

  private static String nameOf(com.hazelcast.cluster.Member member) {
    String name = member.getAttribute(NODE_NAME_ATTRIBUTE);
    return name != null ? name : member.getUuid().toString();
  }

  private static String format(Address address) {
    String host = address.getHost();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  private String memberList() {
    return String.join(", ", memberNames);
  }

  /**
   * Keeps {@link #members} current, logs every change with node names, as operators read them, and has the event
   * bus registrations of departed nodes swept ({@link RegistrationRecord}).
   */
  private final class MembershipLog implements MembershipListener {

    @Override
    public void memberAdded(MembershipEvent event) {
      refreshMembers();
      registrationRecord.changed();
      LOG.info(() -> "node " + nameOf(event.getMember()) + " joined cluster '" + clusterName() + "' at "
          + format(event.getMember().getAddress()) + "; members: " + memberList());
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
      refreshMembers();
      registrationRecord.changed();
      LOG.info(() -> "node " + nameOf(event.getMember()) + " left cluster '" + clusterName() + "' from "
          + format(event.getMember().getAddress()) + "; members: " + memberList());
    }
  }
}
