package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.FamilyProcessor.Result;
import io.hooknet.testing.Await;
import io.hooknet.testing.LocalCluster;
import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A command that reaches the family's owner after its deadline is refused there and changes nothing, on the owner
 * and its backup; one in time is applied, and its backup applies it whatever the time by then. Likewise a node's
 * clean-up changes nothing while the owner sees that node's member in the cluster.
 */
class FamilyProcessorDeadlineTest {

  private static final String NODE = "n1";
  private static LocalCluster cluster;
  private static HazelcastInstance hazelcast;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(FamilyProcessorDeadlineTest.class, 1);
    hazelcast = cluster.node(0).hazelcast();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static ChangeContext context(long deadline) {
    return new ChangeContext(1, 7, 16, System.currentTimeMillis(), deadline);
  }

  private static HookCommand.HookRegister register(String family, String hook) {
    return new HookCommand.HookRegister(family, "IN", hook, null, null, "hooknet.hook.n1." + hook);
  }

  /** A stored family {@code family} with event IN, made through the map as the registry makes it. */
  private static IMap<String, FamilyState> family(String family) {
    IMap<String, FamilyState> map = hazelcast.getMap(FamilyStore.MAP);
    long later = hazelcast.getCluster().getClusterTime() + 20_000;
    for (HookCommand<?> command : new HookCommand<?>[] {new HookCommand.FamilyAdd(family),
        new HookCommand.EventAdd(family, "IN")}) {
      Result result = map.executeOnKey(family,
          FamilyProcessor.command(command, Owner.node(NODE), context(later))).result();
      assertThat(result.errno()).isZero();
    }
    return map;
  }

  /** What the map holds for {@code family}, as bytes that compare. */
  private static byte[] stored(IMap<String, FamilyState> map, String family) {
    return Mapping.toCborBytes(map.get(family));
  }

  private static FamilyState decoded(byte[] stored) {
    return Mapping.fromCborBytes(stored, FamilyState.class);
  }

  @Test
  void aCommandAskedInAViewTheOwnerDoesNotSeeIsNumberedInTheOwnersView() {
    // The contexts here name view 1, which no member sees.
    IMap<String, FamilyState> map = family("viewed");
    Result result = map.executeOnKey("viewed",
        FamilyProcessor.command(register("viewed", "h"), Owner.node(NODE),
            context(hazelcast.getCluster().getClusterTime() + 20_000))).result();
    assertThat(result.errno()).isZero();
    Changes changes = map.get("viewed").event("IN").changes;
    assertThat(changes.view).isEqualTo(FamilyStore.view(hazelcast)).isNotEqualTo(1);
    assertThat(changes.seq).isEqualTo(1);
    assertThat(result.published().get(0).change()).isEqualTo(changes.current());
  }

  @Test
  void aCommandPastItsDeadlineIsRefusedWithEtimedoutAndChangesNothing() {
    IMap<String, FamilyState> map = family("late");
    byte[] before = stored(map, "late");
    long past = hazelcast.getCluster().getClusterTime() - 1_500;
    Result result = map.executeOnKey("late",
        FamilyProcessor.command(register("late", "h"), Owner.node(NODE), context(past))).result();
    assertThat(result.errno()).isEqualTo(Errno.ETIMEDOUT.number());
    assertThat(result.message()).startsWith("hook.register on late: not applied, it reached the family's owner ")
        .endsWith(" ms after the command timeout");
    assertThat(stored(map, "late")).isEqualTo(before);
    FamilyState state = map.get("late");
    assertThat(state.event("IN").chain).isEmpty();
    assertThat(state.event("IN").changes.seq).isZero();
  }

  @Test
  void aNodesCleanUpChangesNothingWhileItsMemberIsInTheCluster() {
    IMap<String, FamilyState> map = family("stale");
    long later = hazelcast.getCluster().getClusterTime() + 20_000;
    map.executeOnKey("stale", FamilyProcessor.command(register("stale", "h"), Owner.node(NODE), context(later)));
    byte[] before = stored(map, "stale");
    String here = hazelcast.getCluster().getLocalMember().getUuid().toString();
    // Decided on a side of a split that lost this member, run once it is back: nothing goes.
    map.executeOnEntries(FamilyProcessor.nodeLeft(NODE, here, context(later)));
    assertThat(stored(map, "stale")).isEqualTo(before);
    // A member that is gone: its node's hooks go.
    map.executeOnEntries(FamilyProcessor.nodeLeft(NODE, UUID.randomUUID().toString(), context(later)));
    assertThat(map.get("stale").event("IN").chain).isEmpty();
  }

  @Test
  void aSessionsCleanUpAskedInAnotherClusterViewIsRefusedWithEagainAndChangesNothing() {
    IMap<String, FamilyState> map = family("merged");
    long later = hazelcast.getCluster().getClusterTime() + 20_000;
    Owner session = new Owner(NODE, "s-1");
    map.executeOnKey("merged", FamilyProcessor.command(register("merged", "h"), session, context(later)));
    byte[] before = stored(map, "merged");
    // Asked on a side of a split (another view than the owner's now), run after the merge: refused, nothing goes.
    Result refused = map.executeOnKey("merged",
        FamilyProcessor.sessionEnded("s-1", Cause.NODE_LEFT, context(later))).result();
    assertThat(refused.errno()).isEqualTo(Errno.EAGAIN.number());
    assertThat(refused.message())
        .isEqualTo("session clean-up on merged: not applied, the cluster changed since it was asked");
    assertThat(stored(map, "merged")).isEqualTo(before);
    // Asked in the view the owner sees: the session's hook goes.
    ChangeContext now = new ChangeContext(FamilyStore.view(hazelcast), 7, 16, System.currentTimeMillis(), later);
    Result applied = map.executeOnKey("merged",
        FamilyProcessor.sessionEnded("s-1", Cause.NODE_LEFT, now)).result();
    assertThat(applied.errno()).isZero();
    assertThat(map.get("merged").event("IN").chain).isEmpty();
  }

  @Test
  void theOwnerAloneDecidesTheBackupAppliesWhatItApplied() {
    IMap<String, FamilyState> map = family("backup");
    byte[] stored = stored(map, "backup");
    long soon = hazelcast.getCluster().getClusterTime() + 300;
    FamilyProcessor owner = FamilyProcessor.command(register("backup", "h"), Owner.node(NODE), context(soon));
    owner.setHazelcastInstance(hazelcast);
    Map.Entry<String, FamilyState> primary = new SimpleEntry<>("backup", decoded(stored));
    assertThat(owner.process(primary).result().errno()).isZero();
    EntryProcessor<String, FamilyState, FamilyProcessor.Answer> backup = owner.getBackupProcessor();
    assertThat(backup).isNotNull().isNotSameAs(owner);
    Await.until("the deadline to pass", Duration.ofSeconds(5),
        () -> hazelcast.getCluster().getClusterTime() > soon);
    if (backup instanceof FamilyProcessor) {
      ((FamilyProcessor) backup).setHazelcastInstance(hazelcast);
    }
    Map.Entry<String, FamilyState> replica = new SimpleEntry<>("backup", decoded(stored));
    backup.process(replica);
    assertThat(Mapping.toCborBytes(replica.getValue())).isEqualTo(Mapping.toCborBytes(primary.getValue()))
        .isNotEqualTo(stored);

    // Past its deadline the owner refuses, and its backup is told nothing.
    FamilyProcessor late = FamilyProcessor.command(register("backup", "h2"), Owner.node(NODE), context(soon));
    late.setHazelcastInstance(hazelcast);
    byte[] applied = Mapping.toCborBytes(primary.getValue());
    Map.Entry<String, FamilyState> untouched = new SimpleEntry<>("backup", decoded(applied));
    assertThat(late.process(untouched).result().errno())
        .isEqualTo(Errno.ETIMEDOUT.number());
    assertThat(Mapping.toCborBytes(untouched.getValue())).isEqualTo(applied);
    assertThat(late.getBackupProcessor()).isNull();
  }
}
