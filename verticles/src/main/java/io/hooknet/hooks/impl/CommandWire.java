package io.hooknet.hooks.impl;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookCommand;
import io.hooknet.hooks.impl.FamilyProcessor.Command;
import java.io.IOException;

/**
 * The registry's most frequent changes, a hook's register and unregister, as Hazelcast data of their own: their
 * fields one after another. They cross the cluster three times a change (to the family's owner and to each of its
 * two backups), and read through the CBOR mapping each read took longer than applying the change's rules (the
 * throughput benchmark's profile: 122 samples decoding, 103 applying). Everything else a
 * {@link FamilyProcessor} carries stays CBOR. Read only by members of the same version, like the cluster codecs: the
 * fields are written in the records' order ({@code ProcessorWireTest} keeps the two in step).
 */
final class CommandWire {

  private static final byte REGISTER = 1;
  private static final byte UNREGISTER = 2;
  private static final Hint[] HINTS = Hint.values();

  private CommandWire() {
  }

  /** Whether {@code request} is written by this class. */
  static boolean writes(Object request) {
    return request instanceof Command command && (command.command() instanceof HookCommand.HookRegister
        || command.command() instanceof HookCommand.HookUnregister);
  }

  static void write(Command request, ObjectDataOutput out) throws IOException {
    if (request.command() instanceof HookCommand.HookRegister register) {
      out.writeByte(REGISTER);
      out.writeString(register.family());
      out.writeString(register.event());
      out.writeString(register.hook());
      out.writeByte(register.hint().ordinal());
      out.writeString(register.hintValue());
      out.writeString(register.address());
    } else {
      HookCommand.HookUnregister unregister = (HookCommand.HookUnregister) request.command();
      out.writeByte(UNREGISTER);
      out.writeString(unregister.family());
      out.writeString(unregister.event());
      out.writeString(unregister.hook());
    }
    out.writeString(request.owner().node());
    out.writeString(request.owner().session());
    ChangeContext context = request.context();
    out.writeLong(context.view());
    out.writeLong(context.nonce());
    out.writeInt(context.historyLimit());
    out.writeLong(context.now());
    out.writeLong(context.deadline());
  }

  /** A command {@link #write} wrote, checked by its records' constructors as any decoded command is. */
  static Command read(ObjectDataInput in) throws IOException {
    byte type = in.readByte();
    HookCommand<?> command;
    if (type == REGISTER) {
      command = new HookCommand.HookRegister(in.readString(), in.readString(), in.readString(), HINTS[in.readByte()],
          in.readString(), in.readString());
    } else if (type == UNREGISTER) {
      command = new HookCommand.HookUnregister(in.readString(), in.readString(), in.readString());
    } else {
      throw new IOException("unknown registry command type " + type);
    }
    Owner owner = new Owner(in.readString(), in.readString());
    return new Command(command, owner, new ChangeContext(in.readLong(), in.readLong(), in.readInt(), in.readLong(),
        in.readLong()));
  }
}
