package io.hooknet.codec;

import static io.hooknet.codec.impl.Check.name;
import static io.hooknet.codec.impl.Check.optionalName;
import static io.hooknet.codec.impl.Check.required;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A request to the hook registry on {@code hooknet.hooks.cmd}: a JSON object whose {@code op} names the
 * operation. Each operation is a record here; its JSON name is the {@code op} value.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = HookCommand.FamilyAdd.class, name = "family.add"),
    @JsonSubTypes.Type(value = HookCommand.FamilyRemove.class, name = "family.remove"),
    @JsonSubTypes.Type(value = HookCommand.EventAdd.class, name = "event.add"),
    @JsonSubTypes.Type(value = HookCommand.EventRemove.class, name = "event.remove"),
    @JsonSubTypes.Type(value = HookCommand.HookRegister.class, name = "hook.register"),
    @JsonSubTypes.Type(value = HookCommand.HookUnregister.class, name = "hook.unregister"),
    @JsonSubTypes.Type(value = HookCommand.NotifyRegister.class, name = "notify.register"),
    @JsonSubTypes.Type(value = HookCommand.NotifyUnregister.class, name = "notify.unregister"),
    @JsonSubTypes.Type(value = HookCommand.ProtocolNotifyRegister.class, name = "protocol.notify.register"),
    @JsonSubTypes.Type(value = HookCommand.ProtocolNotifyUnregister.class, name = "protocol.notify.unregister"),
    @JsonSubTypes.Type(value = HookCommand.ListHooks.class, name = "list"),
    @JsonSubTypes.Type(value = HookCommand.Run.class, name = "run"),
    @JsonSubTypes.Type(value = HookCommand.Stats.class, name = "stats"),
})
public sealed interface HookCommand extends HooknetMessage {

  /** The family the operation is about; {@code null} only for a {@code list} of every family. */
  String family();

  /** Adds a family (protocol). */
  record FamilyAdd(@JsonProperty(required = true) String family) implements HookCommand {
    public FamilyAdd {
      name("family", family);
    }
  }

  /** Removes a family and, with it, its events. */
  record FamilyRemove(@JsonProperty(required = true) String family) implements HookCommand {
    public FamilyRemove {
      name("family", family);
    }
  }

  /** Adds an event to a family. */
  record EventAdd(@JsonProperty(required = true) String family, @JsonProperty(required = true) String event)
      implements HookCommand {
    public EventAdd {
      name("family", family);
      name("event", event);
    }
  }

  /** Removes an event; its hooks go with it. */
  record EventRemove(@JsonProperty(required = true) String family, @JsonProperty(required = true) String event)
      implements HookCommand {
    public EventRemove {
      name("family", family);
      name("event", event);
    }
  }

  /**
   * Registers a hook ({@code net_hook_register}); {@code hint} defaults to {@link Hint#NONE}, and
   * {@code address} is where {@code run} calls it.
   */
  record HookRegister(
      @JsonProperty(required = true) String family,
      @JsonProperty(required = true) String event,
      @JsonProperty(required = true) String hook,
      Hint hint,
      String hintValue,
      @JsonProperty(required = true) String address) implements HookCommand {
    public HookRegister {
      name("family", family);
      name("event", event);
      name("hook", hook);
      hint = hint == null ? Hint.NONE : hint;
      optionalName("hintValue", hintValue);
      name("address", address);
    }
  }

  /** Unregisters a hook by name ({@code net_hook_unregister}). */
  record HookUnregister(
      @JsonProperty(required = true) String family,
      @JsonProperty(required = true) String event,
      @JsonProperty(required = true) String hook) implements HookCommand {
    public HookUnregister {
      name("family", family);
      name("event", event);
      name("hook", hook);
    }
  }

  /** Registers the callback at {@code address} for changes to an event ({@code net_event_notify_register}). */
  record NotifyRegister(
      @JsonProperty(required = true) String family,
      @JsonProperty(required = true) String event,
      @JsonProperty(required = true) String address) implements HookCommand {
    public NotifyRegister {
      name("family", family);
      name("event", event);
      name("address", address);
    }
  }

  /** Unregisters an event's callback ({@code net_event_notify_unregister}). */
  record NotifyUnregister(
      @JsonProperty(required = true) String family,
      @JsonProperty(required = true) String event,
      @JsonProperty(required = true) String address) implements HookCommand {
    public NotifyUnregister {
      name("family", family);
      name("event", event);
      name("address", address);
    }
  }

  /** Registers the callback at {@code address} for events added to or removed from a family. */
  record ProtocolNotifyRegister(
      @JsonProperty(required = true) String family,
      @JsonProperty(required = true) String address) implements HookCommand {
    public ProtocolNotifyRegister {
      name("family", family);
      name("address", address);
    }
  }

  /** Unregisters a family's callback. */
  record ProtocolNotifyUnregister(
      @JsonProperty(required = true) String family,
      @JsonProperty(required = true) String address) implements HookCommand {
    public ProtocolNotifyUnregister {
      name("family", family);
      name("address", address);
    }
  }

  /** Lists the hook chains, of all families, one family, or one event. */
  record ListHooks(String family, String event) implements HookCommand {
    public ListHooks {
      optionalName("family", family);
      optionalName("event", event);
      if (event != null) {
        required("family", family);
      }
    }
  }

  /** Runs an event's hook chain with a payload ({@code hook_run}). */
  record Run(
      @JsonProperty(required = true) String family,
      @JsonProperty(required = true) String event,
      JsonNode payload) implements HookCommand {
    public Run {
      name("family", family);
      name("event", event);
    }
  }

  /** An event's counters. */
  record Stats(@JsonProperty(required = true) String family, @JsonProperty(required = true) String event)
      implements HookCommand {
    public Stats {
      name("family", family);
      name("event", event);
    }
  }
}
