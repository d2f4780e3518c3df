package io.hooknet.hooks.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.nio.BufferObjectDataOutput;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import io.hooknet.codec.Errno;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HooknetException;
import io.hooknet.codec.Replies;
import io.hooknet.hooks.impl.FamilyProcessor.Command;
import io.hooknet.hooks.impl.FamilyProcessor.Result;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a {@link FamilyProcessor} carries across the cluster comes back as it was sent: a hook's register and
 * unregister as {@link CommandWire} writes them (for both roles of the processor, and the records still have exactly
 * the fields it writes), other requests as CBOR, and the answers, plain or not.
 */
class ProcessorWireTest {

  private final InternalSerializationService serialization = new DefaultSerializationServiceBuilder().build();

  private static final ChangeContext CONTEXT = new ChangeContext(-3_141_592_653L, 281_474_976_710_655L, 250,
      1_764_979_200_123L, 1_764_979_230_123L);

  /** {@code processor} as another member reads it: written to Hazelcast data and read back. */
  private FamilyProcessor across(FamilyProcessor processor) {
    Data data = serialization.toData(processor);
    return serialization.toObject(data);
  }

  private static Object requestOf(FamilyProcessor processor) throws ReflectiveOperationException {
    Field request = FamilyProcessor.class.getDeclaredField("request");
    request.setAccessible(true);
    return request.get(processor);
  }

  /**
   * A family crosses the cluster whole when a partition migrates, a backup takes its first copy or a merge brings it:
   * what it keeps for commands run again and the hooks that went for good come with it, or an assertion after the
   * move would put such a hook back.
   */
  @Test
  void aFamilyComesBackWithWhatItKeeps() {
    FamilyState family = new FamilyState("inet", CONTEXT);
    HookChain.Link link = new HookChain.Link("ipf", Hint.NONE, null, "addr.ipf", "n2", "s1", 1_764_979_200_000L);
    FamilyState.Removed.keep(family, "PHYSICAL_IN", link, Cause.UNREGISTERED, CONTEXT.now());
    FamilyState.Applied.keep(family, new HookOps.Made(new HookCommand.Registration(
        HookCommand.Registration.Kind.HOOK, "inet", "PHYSICAL_IN", "ipf"), false), 7, CONTEXT);

    FamilyState read = serialization.toObject(serialization.toData(family));

    assertThat(read.removed).containsExactly(new FamilyState.Removed(new Owner("n2", "s1"), "PHYSICAL_IN", "ipf",
        1_764_979_200_000L, CONTEXT.now(), Cause.UNREGISTERED));
    assertThat(FamilyState.Removed.find(read, "PHYSICAL_IN", link)).isEqualTo(read.removed.get(0));
    assertThat(read.applied).isEqualTo(family.applied);
  }

  @Test
  void aRegisterWithEveryFieldSetComesBackEqual() throws Exception {
    HookCommand.HookRegister register = new HookCommand.HookRegister("inet", "PHYSICAL_IN", "ipf", Hint.BEFORE,
        "nat", "hooknet.session.s1.hooks");
    Command sent = new Command(register, new Owner("n2", "s1"), CONTEXT);

    Object read = requestOf(across(FamilyProcessor.command(register, sent.owner(), CONTEXT)));

    assertThat(read).isEqualTo(sent);
  }

  @Test
  void aRegisterWithoutHintValueOrSessionAndAnUnregisterComeBackEqual() throws Exception {
    for (Hint hint : Hint.values()) {
      HookCommand.HookRegister register = new HookCommand.HookRegister("f", "e", "h", hint,
          hint == Hint.BEFORE || hint == Hint.AFTER ? "other" : null, "addr");
      assertThat(requestOf(across(FamilyProcessor.command(register, Owner.node("n1"), CONTEXT))))
          .isEqualTo(new Command(register, Owner.node("n1"), CONTEXT));
    }
    HookCommand.HookUnregister unregister = new HookCommand.HookUnregister("f", "e", "h");
    assertThat(requestOf(across(FamilyProcessor.resume(unregister, new Owner("n3", "s9"), CONTEXT))))
        .isEqualTo(new Command(unregister, new Owner("n3", "s9"), CONTEXT));
  }

  @Test
  void aBackupReadsTheCommandItsOwnerApplied() throws Exception {
    HookCommand.HookUnregister unregister = new HookCommand.HookUnregister("f", "e", "h");
    FamilyProcessor owner = across(FamilyProcessor.command(unregister, Owner.node("n1"), CONTEXT));

    FamilyProcessor backup = across((FamilyProcessor) owner.getBackupProcessor());

    assertThat(requestOf(backup)).isEqualTo(new Command(unregister, Owner.node("n1"), CONTEXT));
    assertThat(backup.getBackupProcessor()).isSameAs(backup);
  }

  @Test
  void otherCommandsStillTravelAsCbor() throws Exception {
    HookCommand.EventAdd add = new HookCommand.EventAdd("f", "e");
    FamilyProcessor read = across(FamilyProcessor.command(add, Owner.node("n1"), CONTEXT));

    // Read lazily: nothing is decoded before the owner runs it.
    assertThat(requestOf(read)).isNull();
    assertThat(requestOf(across(read))).isNull();
  }

  @Test
  void aNameTheRecordsRefuseIsRefusedWhenReadAndAnUnknownTypeIsAnError() throws Exception {
    for (byte type : new byte[] {2, 9}) {
      BufferObjectDataOutput out = serialization.createObjectDataOutput();
      out.writeByte(type);
      out.writeString("f");
      out.writeString("e");
      out.writeString(" ");
      out.writeString("n1");
      out.writeString(null);
      for (int i = 0; i < 5; i++) {
        out.writeLong(1);
      }
      byte[] written = out.toByteArray();
      if (type == 2) {
        assertThatThrownBy(() -> CommandWire.read(serialization.createObjectDataInput(written)))
            .isInstanceOfSatisfying(HooknetException.class,
                refused -> assertThat(refused.errno()).isEqualTo(Errno.EINVAL.number()))
            .hasMessageContaining("hook");
      } else {
        assertThatThrownBy(() -> CommandWire.read(serialization.createObjectDataInput(written)))
            .isInstanceOf(IOException.class).hasMessage("unknown registry command type 9");
      }
    }
  }

  @Test
  void theRecordsHaveExactlyTheFieldsTheWireWrites() {
    // A field added to one of these records must be added to CommandWire too: this fails until it is.
    assertThat(names(HookCommand.HookRegister.class))
        .containsExactly("family", "event", "hook", "hint", "hintValue", "address");
    assertThat(names(HookCommand.HookUnregister.class)).containsExactly("family", "event", "hook");
    assertThat(names(Owner.class)).containsExactly("node", "session");
    assertThat(names(ChangeContext.class)).containsExactly("view", "nonce", "historyLimit", "now", "deadline");
    assertThat(names(Command.class)).containsExactly("command", "owner", "context");
  }

  private static List<String> names(Class<? extends Record> type) {
    return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
  }

  @Test
  void answersComeBackEqualPlainOrNot() {
    List<Result> results = List.of(
        new Result(0, null, new Replies.Ack(0), List.of(), List.of(), List.of(), List.of()),
        new Result(0, null, new Replies.Ack(Long.MAX_VALUE), List.of(), List.of(), List.of(), List.of()),
        new Result(0, null, null, List.of(), List.of(), List.of(), List.of()),
        new Result(Errno.EEXIST.number(), "hook 'h' is already in the chain", null, List.of(), List.of(), List.of(),
            List.of()),
        new Result(0, null, new Replies.Ack(7), List.of(), List.of(HookEvent.synced("f", "e", "n1", 3, 7,
            Cause.REPLAY)), List.of(), List.of()));
    for (Result result : results) {
      FamilyProcessor.Answer read = serialization.toObject(serialization.toData(new FamilyProcessor.Answer(result)));
      assertThat(read.result()).isEqualTo(result);
    }
  }
}
