package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.impl.Mapping;
import io.hooknet.hooks.impl.FamilyProcessor.Result;
import io.hooknet.testing.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hook's register or unregister that Hazelcast runs again where its change is already made (its member died or
 * merged back before answering) is answered as the first time and changes and tells nothing; a callback's
 * registration run again starts the callback's stream from the family as it is then; another command of the same
 * change is refused as ever.
 */
class CommandRunAgainTest {

  private static final String NODE = "n1";
  private static LocalCluster cluster;
  private static HazelcastInstance hazelcast;
  private static IMap<String, FamilyState> map;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(CommandRunAgainTest.class, 1);
    hazelcast = cluster.node(0).hazelcast();
    map = hazelcast.getMap(FamilyStore.MAP);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static ChangeContext context(long nonce) {
    return new ChangeContext(FamilyStore.view(hazelcast), nonce, 16, System.currentTimeMillis(),
        hazelcast.getCluster().getClusterTime() + 20_000);
  }

  private static Result run(String family, HookCommand<?> command, ChangeContext context) {
    return map.executeOnKey(family, FamilyProcessor.command(command, Owner.node(NODE), context)).result();
  }

  /** Runs {@code command}, which must be answered without an error and with {@code seq}. */
  private static Result ok(String family, HookCommand<?> command, ChangeContext context, long seq) {
    Result result = run(family, command, context);
    assertThat(result.errno()).as(result.message()).isZero();
    assertThat(result.ack().seq()).isEqualTo(seq);
    return result;
  }

  private static HookCommand.HookRegister register(String family, String hook) {
    return new HookCommand.HookRegister(family, "IN", hook, null, null, "hooknet.hook.n1." + hook);
  }

  private static void family(String family) {
    assertThat(run(family, new HookCommand.FamilyAdd(family), context(1)).errno()).isZero();
    assertThat(run(family, new HookCommand.EventAdd(family, "IN"), context(2)).errno()).isZero();
  }

  /** A family with event IN holding hook {@code hook} (seq 1). */
  private static void familyWith(String family, String hook) {
    family(family);
    ok(family, register(family, hook), context(1000 + family.hashCode()), 1);
  }

  private static byte[] stored(String family) {
    return Mapping.toCborBytes(map.get(family));
  }

  @Test
  void aRegisterRunAgainIsAnsweredWithItsSeqAndChangesNothing() {
    familyWith("again", "a");
    ChangeContext first = context(11);
    ok("again", register("again", "b"), first, 2);
    byte[] before = stored("again");

    Result again = ok("again", register("again", "b"), first, 2);
    assertThat(again.notices()).isEmpty();
    assertThat(again.published()).isEmpty();
    assertThat(stored("again")).isEqualTo(before);

    // Another command registering the same hook is a duplicate.
    Result duplicate = run("again", register("again", "b"), context(12));
    assertThat(duplicate.errno()).isEqualTo(Errno.EEXIST.number());
    assertThat(duplicate.message()).isEqualTo("on again/IN: hook 'b' is already in the chain");
    // The same nonce on another change is that change's own command.
    assertThat(run("again", register("again", "c"), first).ack().seq()).isEqualTo(3);
    assertThat(map.get("again").event("IN").chain).extracting(HookChain.Link::hook).containsExactly("a", "b", "c");
  }

  @Test
  void anUnregisterRunAgainIsAnsweredWithItsSeqNotEnxio() {
    familyWith("gone", "a");
    ChangeContext removal = context(21);
    HookCommand.HookUnregister unregister = new HookCommand.HookUnregister("gone", "IN", "a");
    assertThat(run("gone", unregister, removal).ack().seq()).isEqualTo(2);
    byte[] before = stored("gone");
    assertThat(ok("gone", unregister, removal, 2).notices()).isEmpty();
    assertThat(stored("gone")).isEqualTo(before);
    assertThat(run("gone", unregister, context(22)).errno()).isEqualTo(Errno.ENXIO.number());
  }

  @Test
  void aCallbackRegistrationRunAgainStartsItsStreamFromTheChainAsItIsThen() {
    familyWith("cb", "a");
    ChangeContext first = context(41);
    HookCommand.NotifyRegister notify = new HookCommand.NotifyRegister("cb", "IN", "hooknet.cb.n1.x");
    ok("cb", notify, first, 1);
    run("cb", register("cb", "b"), context(42));
    byte[] before = stored("cb");

    Result again = ok("cb", notify, first, 2);
    assertThat(again.notices()).isEmpty();
    assertThat(again.replays()).hasSize(1);
    Effects.Replay start = again.replays().get(0);
    assertThat(start.change()).isEqualTo(Effects.StreamChange.START);
    assertThat(start.deliverer()).isEqualTo(NODE);
    assertThat(start.at().seq()).isEqualTo(2);
    assertThat(start.events()).extracting(event -> event.cmd() + " " + event.hook() + " " + event.cause())
        .containsExactly("HN_REGISTER a REPLAY", "HN_REGISTER b REPLAY", "HN_SYNCED null REPLAY");
    assertThat(stored("cb")).isEqualTo(before);
    assertThat(map.get("cb").event("IN").callbacks).hasSize(1);

    // Another command registering the same callback is a duplicate; another owner's run of the same command finds
    // the callback not its own and is refused too.
    assertThat(run("cb", notify, context(43)).errno()).isEqualTo(Errno.EEXIST.number());
    Result other = map.executeOnKey("cb", FamilyProcessor.command(notify, Owner.node("n2"), first)).result();
    assertThat(other.errno()).isEqualTo(Errno.EEXIST.number());
  }

  @Test
  void aProtocolCallbackRegistrationRunAgainStartsItsStreamFromTheFamilyAsItIsThen() {
    String family = "pcb";
    assertThat(run(family, new HookCommand.FamilyAdd(family), context(50)).errno()).isZero();
    ChangeContext first = context(51);
    HookCommand.ProtocolNotifyRegister notify = new HookCommand.ProtocolNotifyRegister(family, "hooknet.cb.n1.p");
    assertThat(run(family, notify, first).errno()).isZero();
    assertThat(run(family, new HookCommand.EventAdd(family, "IN"), context(52)).errno()).isZero();

    Result again = ok(family, notify, first, 1);
    assertThat(again.replays()).singleElement().satisfies(start -> {
      assertThat(start.change()).isEqualTo(Effects.StreamChange.START);
      assertThat(start.events()).extracting(event -> event.cmd() + " " + event.event())
          .containsExactly("HN_REGISTER IN", "HN_SYNCED null");
    });
    assertThat(map.get(family).callbacks).hasSize(1);
  }

  @Test
  void aFamilyKeepsTheChangesOfCommandsWithinTheirDeadlineAndAtMostItsLimit() {
    family("kept");
    long now = System.currentTimeMillis();
    ChangeContext expired = new ChangeContext(FamilyStore.view(hazelcast), 30, 16, now, now - 1);
    assertThat(run("kept", register("kept", "old"), expired).errno()).isEqualTo(Errno.ETIMEDOUT.number());
    for (int i = 0; i < FamilyState.Applied.LIMIT + 10; i++) {
      assertThat(run("kept", register("kept", "h" + i), context(100 + i)).errno()).isZero();
    }
    FamilyState state = map.get("kept");
    assertThat(state.applied).hasSize(FamilyState.Applied.LIMIT);
    assertThat(state.applied.get(0).registration()).isEqualTo(hook("kept", "h10"));
    assertThat(state.applied.get(state.applied.size() - 1))
        .isEqualTo(new FamilyState.Applied(100 + FamilyState.Applied.LIMIT + 9, hook("kept", "h265"), true,
            FamilyState.Applied.LIMIT + 10, state.applied.get(state.applied.size() - 1).deadline()));
  }

  private static HookCommand.Registration hook(String family, String hook) {
    return new HookCommand.Registration(HookCommand.Registration.Kind.HOOK, family, "IN", hook);
  }
}
