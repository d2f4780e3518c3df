package io.hooknet.codec;

import static io.hooknet.codec.impl.Check.name;
import static io.hooknet.codec.impl.Check.optionalName;
import static io.hooknet.codec.impl.Check.required;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A request to the hook registry on {@code hooknet.hooks.cmd}: a JSON object whose {@code op} names the
 * operation. Each operation is a record here; its JSON name is the {@code op} value.
 *
 * <p>Each record is the one definition of its operation: the type of its successful reply ({@code R},
 * {@link #replyType()}), what it registers ({@link Registers}) or unregisters ({@link Unregisters}) and how that is
 * undone. Whoever runs the operations dispatches them with a {@link Visitor}, so a new operation is a compile
 * error wherever it is not handled.
 *
 * @param <R> the reply of a successful run
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
    @JsonSubTypes.Type(value = HookCommand.SessionOpen.class, name = "session"),
    @JsonSubTypes.Type(value = HookCommand.SessionClose.class, name = "session.close"),
})
public sealed interface HookCommand<R extends HooknetMessage> extends HooknetMessage {

  /** The family the operation is about; {@code null} for a {@code list} of every family and the session ops. */
  String family();

  /** The type of a successful reply. */
  @JsonIgnore
  Class<R> replyType();

  /** Calls the visitor's method for this operation. */
  <T> T accept(Visitor<T> visitor);

  /** One method per operation: how a registry runs them, checked complete by the compiler. */
  interface Visitor<T> {
    T familyAdd(FamilyAdd command);

    T familyRemove(FamilyRemove command);

    T eventAdd(EventAdd command);

    T eventRemove(EventRemove command);

    T hookRegister(HookRegister command);

    T hookUnregister(HookUnregister command);

    T notifyRegister(NotifyRegister command);

    T notifyUnregister(NotifyUnregister command);

    T protocolNotifyRegister(ProtocolNotifyRegister command);

    T protocolNotifyUnregister(ProtocolNotifyUnregister command);

    T list(ListHooks command);

    T run(Run command);

    T stats(Stats command);

    T session(SessionOpen command);

    T sessionClose(SessionClose command);
  }

  /**
   * What a registration is, by its identity: a hook by name on an event, a callback by address on an event, a
   * protocol callback by address on a family ({@code event} null).
   */
  record Registration(Kind kind, String family, String event, String name) {

    /** The three kinds of registration an owner can hold. */
    public enum Kind { HOOK, CALLBACK, PROTOCOL_CALLBACK }

    @Override
    public String toString() {
      return kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + name + "' on " + family
          + (event == null ? "" : "/" + event);
    }
  }

  /**
   * An operation that makes a registration its sender owns; {@link #undo()} removes it again. {@link #address()}
   * is where the registration is told or called.
   */
  interface Registers {
    @JsonIgnore
    Registration registration();

    String address();

    @JsonIgnore
    HookCommand<Replies.Ack> undo();
  }

  /** An operation that removes a registration. */
  interface Unregisters {
    @JsonIgnore
    Registration registration();
  }

  /** Adds a family (protocol). */
  record FamilyAdd(@JsonProperty(required = true) String family) implements HookCommand<Replies.Ack> {
    public FamilyAdd {
      name("family", family);
    }

    @Override
    public Class<Replies.Ack> replyType() {
      return Replies.Ack.class;
    }

    @Override
    public <T> T accept(Visitor<T> visitor) {
      return visitor.familyAdd(this);
    }
  }

  /** Removes a family and, with it, its events. */
  record FamilyRemove(@JsonProperty(required = true) String family) implements HookCommand<Replies.Ack> {
    public FamilyRemove {
      name("family", family);
    }

    @Override
    public Class<Replies.Ack> replyType() {
      return Replies.Ack.class;
    }

    @Override
    public <T> T accept(Visitor<T> visitor) {
      return visitor.familyRemove(this);
    }
  }

  /** Adds an event to a family. */
  record EventAdd(@JsonProperty(required = true) String family, @JsonProperty(required = true) String event)
      implements HookCommand<Replies.Ack> {
    public EventAdd {
      name("family", family);
      name("event", event);
    }

    @Override
    public Class<Replies.Ack> replyType() {
      return Replies.Ack.class;
    }

    @Override
    public <T> T accept(Visitor<T> visitor) {
      return visitor.eventAdd(this);
    }
  }

  /** Removes an event; its hooks go with it. */
  record EventRemove(@JsonProperty(required = true) String family, @JsonProperty(required = true) String event)
      implements HookCommand<Replies.Ack> {
    public EventRemove {
      name("family", family);
      name("event", event);
    }

    @Override
    public Class<Replies.Ack> replyType() {
      return Replies.Ack.class;
    }

    @Override
    public <T> T accept(Visitor<T> visitor) {
      return visitor.eventRemove(this);
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
      @JsonProperty(required = true) String address) implements HookCommand<Replies.Ack>, Registers {
    public HookRegister {
      name("family", family);
      name("event", event);
      name("hook", hook);
      hint = hint == null ? Hint.NONE : hint;
      optionalName("hintValue", hintValue);
      name("address", address);
    }

    @Override
    public Class<Replies.Ack> replyType() {
      return Replies.Ack.class;
    }

    @Override
    public <T> T accept(Visitor<T> visitor) {
      return visitor.hookRegister(this);
    }

    @Override
    public Registration registration() {
      return new Registration(Registration.Kind.HOOK, family, event, hook);
    }

    @Override
    public HookCommand<Replies.Ack> undo() {
      return new HookUnregister(family, event, hook);
    }
  }

  /** Unregisters a hook by name ({@code net_hook_unregister}). */
  record HookUnregister(
      @JsonProperty(required = true) String family,
      @JsonProperty(required = true) String event,
      @JsonProperty(required = true) String hook) implements HookCommand<Replies.Ack>, Unregisters {
    public HookUnregister {
      name("family", family);
      name("event", event);
      name("hook", hook);
    }

    @Override
    public Class<Replies.Ack> replyType() {
      return Replies.Ack.class;
    }

    @Override
    public <T> T accept(Visitor<T> visitor) {
      return visitor.hookUnregister(this);
    }

    @Override
    public Registration registration() {
      return new Registration(Registration.Kind.HOOK, family, event, hook);
    }
  }

  /**
   * Registers the callback at {@code address} for changes to an event ({@code net_event_notify_register}). With
   * {@code since}, the last change the callback saw: a callback its session already has there resumes with the
   * changes after it (or a replay marked {@code RESYNC} when they are no longer kept); a callback that is not
   * there is registered with its replay marked {@code RESYNC}.
   */
  record NotifyRegister(
      @JsonProperty(required = true) String family,
      @JsonProperty(required = true) String event,
      @JsonProperty(required = true) String address,
      ChangeId since) implements HookCommand<Replies.Ack>, Registers {
    public NotifyRegister {
      name("family", family);
      name("event", event);
      name("address", address);
    }

    public NotifyRegister(String family, String event, String address) {
      this(family, event, address, null);
    }

    @Override
    public Class<Replies.Ack> replyType() {
      return Replies.Ack.class;
    }

    @Override
    public <T> T accept(Visitor<T> visitor) {
      return visitor.notifyRegister(this);
    }

    @Override
    public Registration registration() {
      return new Registration(Registration.Kind.CALLBACK, family, event, address);
    }

    @Override
    public HookCommand<Replies.Ack> undo() {
      return new NotifyUnregister(family, event, address);
    }
  }

  /** Unregisters an event's callback ({@code net_event_notify_unregister}). */
  record NotifyUnregister(
      @JsonProperty(required = true) String family,
      @JsonProperty(required = true) String event,
      @JsonProperty(required = true) String address) implements HookCommand<Replies.Ack>, Unregisters {
    public NotifyUnregister {
      name("family", family);
      name("event", event);
      name("address", address);
    }

    @Override
    public Class<Replies.Ack> replyType() {
      return Replies.Ack.class;
    }

    @Override
    public <T> T accept(Visitor<T> visitor) {
      return visitor.notifyUnregister(this);
    }

    @Override
    public Registration registration() {
      return new Registration(Registration.Kind.CALLBACK, family, event, address);
    }
  }

  /**
   * Registers the callback at {@code address} for events added to or removed from a family; {@code since} as for
   * {@link NotifyRegister}.
   */
  record ProtocolNotifyRegister(
      @JsonProperty(required = true) String family,
      @JsonProperty(required = true) String address,
      ChangeId since) implements HookCommand<Replies.Ack>, Registers {
    public ProtocolNotifyRegister {
      name("family", family);
      name("address", address);
    }

    public ProtocolNotifyRegister(String family, String address) {
      this(family, address, null);
    }

    @Override
    public Class<Replies.Ack> replyType() {
      return Replies.Ack.class;
    }

    @Override
    public <T> T accept(Visitor<T> visitor) {
      return visitor.protocolNotifyRegister(this);
    }

    @Override
    public Registration registration() {
      return new Registration(Registration.Kind.PROTOCOL_CALLBACK, family, null, address);
    }

    @Override
    public HookCommand<Replies.Ack> undo() {
      return new ProtocolNotifyUnregister(family, address);
    }
  }

  /** Unregisters a family's callback. */
  record ProtocolNotifyUnregister(
      @JsonProperty(required = true) String family,
      @JsonProperty(required = true) String address) implements HookCommand<Replies.Ack>, Unregisters {
    public ProtocolNotifyUnregister {
      name("family", family);
      name("address", address);
    }

    @Override
    public Class<Replies.Ack> replyType() {
      return Replies.Ack.class;
    }

    @Override
    public <T> T accept(Visitor<T> visitor) {
      return visitor.protocolNotifyUnregister(this);
    }

    @Override
    public Registration registration() {
      return new Registration(Registration.Kind.PROTOCOL_CALLBACK, family, null, address);
    }
  }

  /** Lists the hook chains, of all families, one family, or one event. */
  record ListHooks(String family, String event) implements HookCommand<Replies.HookChains> {
    public ListHooks {
      optionalName("family", family);
      optionalName("event", event);
      if (event != null) {
        required("family", family);
      }
    }

    @Override
    public Class<Replies.HookChains> replyType() {
      return Replies.HookChains.class;
    }

    @Override
    public <T> T accept(Visitor<T> visitor) {
      return visitor.list(this);
    }
  }

  /** Runs an event's hook chain with a payload ({@code hook_run}). */
  record Run(
      @JsonProperty(required = true) String family,
      @JsonProperty(required = true) String event,
      JsonNode payload) implements HookCommand<Replies.RunResult> {
    public Run {
      name("family", family);
      name("event", event);
    }

    @Override
    public Class<Replies.RunResult> replyType() {
      return Replies.RunResult.class;
    }

    @Override
    public <T> T accept(Visitor<T> visitor) {
      return visitor.run(this);
    }
  }

  /** An event's counters. */
  record Stats(@JsonProperty(required = true) String family, @JsonProperty(required = true) String event)
      implements HookCommand<Replies.EventStats> {
    public Stats {
      name("family", family);
      name("event", event);
    }

    @Override
    public Class<Replies.EventStats> replyType() {
      return Replies.EventStats.class;
    }

    @Override
    public <T> T accept(Visitor<T> visitor) {
      return visitor.stats(this);
    }
  }

  /**
   * The bridge session of the connection that sends it: opened (or resumed) when the connection first needed one,
   * as the answer tells. Only bridged clients have sessions.
   */
  record SessionOpen() implements HookCommand<Replies.SessionInfo> {
    @Override
    public String family() {
      return null;
    }

    @Override
    public Class<Replies.SessionInfo> replyType() {
      return Replies.SessionInfo.class;
    }

    @Override
    public <T> T accept(Visitor<T> visitor) {
      return visitor.session(this);
    }
  }

  /**
   * Ends the session of the connection that sends it now, without waiting for the grace period: its hooks go
   * with cause {@code CLIENT_LEFT} and its callbacks are removed.
   */
  record SessionClose() implements HookCommand<Replies.Ack> {
    @Override
    public String family() {
      return null;
    }

    @Override
    public Class<Replies.Ack> replyType() {
      return Replies.Ack.class;
    }

    @Override
    public <T> T accept(Visitor<T> visitor) {
      return visitor.sessionClose(this);
    }
  }
}
