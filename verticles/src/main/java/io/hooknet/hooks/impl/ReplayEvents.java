package io.hooknet.hooks.impl;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.hooknet.codec.Hint;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of a {@link Effects.Replay} between nodes: a replay is a whole chain told alike (one command, family,
 * event, change and cause), so an event that shares those with the one before it travels as only what differs:
 * {@code [hook, node, session, hint, hintValue, position]}. Any other is all thirteen fields in the record's order,
 * those seven first. A chain of 10,000 hooks so takes about a third of the bytes and of the decoding time of the
 * events written whole.
 */
final class ReplayEvents {

  private static final int OWN = 6;
  private static final int WHOLE = 13;

  private ReplayEvents() {
  }

  private static boolean sameChange(HookEvent a, HookEvent b) {
    return a.cmd() == b.cmd() && a.family().equals(b.family()) && java.util.Objects.equals(a.event(), b.event())
        && a.epoch() == b.epoch() && a.seq() == b.seq() && a.replay() == b.replay() && a.cause() == b.cause();
  }

  /** Writes a list of events as the class comment says. */
  static final class Writer extends StdSerializer<List<HookEvent>> {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings({"unchecked", "rawtypes"})
    Writer() {
      super((Class) List.class);
    }

    @Override
    public void serialize(List<HookEvent> events, JsonGenerator out, SerializerProvider provider)
        throws IOException {
      out.writeStartArray(events, events.size());
      HookEvent previous = null;
      for (HookEvent event : events) {
        boolean same = previous != null && sameChange(previous, event);
        out.writeStartArray(event, same ? OWN : WHOLE);
        if (!same) {
          out.writeString(event.cmd().name());
          out.writeString(event.family());
          out.writeString(event.event());
          out.writeNumber(event.epoch());
          out.writeNumber(event.seq());
          out.writeBoolean(event.replay());
          out.writeString(event.cause().name());
        }
        out.writeString(event.hook());
        out.writeString(event.node());
        out.writeString(event.session());
        out.writeString(event.hint() == null ? null : event.hint().name());
        out.writeString(event.hintValue());
        out.writeNumber(event.position());
        out.writeEndArray();
        previous = event;
      }
      out.writeEndArray();
    }
  }

  /** Reads what {@link Writer} wrote; each event is checked as any {@link HookEvent} is. */
  static final class Reader extends StdDeserializer<List<HookEvent>> {
    private static final long serialVersionUID = 1L;

    Reader() {
      super(List.class);
    }

    @Override
    public List<HookEvent> deserialize(JsonParser in, DeserializationContext context) throws IOException {
      if (!in.isExpectedStartArrayToken()) {
        return context.reportInputMismatch(this, "expected an array of replayed events");
      }
      List<HookEvent> events = new ArrayList<>();
      HookEvent previous = null;
      while (in.nextToken() == JsonToken.START_ARRAY) {
        List<Object> fields = new ArrayList<>(WHOLE);
        for (JsonToken token = in.nextToken(); token != JsonToken.END_ARRAY; token = in.nextToken()) {
          fields.add(token == JsonToken.VALUE_NULL ? null : token.isNumeric() ? in.getLongValue()
              : token.isBoolean() ? in.getBooleanValue() : in.getText());
        }
        int own = fields.size() - OWN;
        if ((fields.size() != WHOLE && fields.size() != OWN) || (own == 0 && previous == null)) {
          return context.reportInputMismatch(this, "a replayed event of %d fields", fields.size());
        }
        try {
          HookEvent change = own == 0 ? previous : null;
          Cmd cmd = change != null ? change.cmd() : Cmd.valueOf((String) fields.get(0));
          String family = change != null ? change.family() : (String) fields.get(1);
          String event = change != null ? change.event() : (String) fields.get(2);
          long epoch = change != null ? change.epoch() : (Long) fields.get(3);
          long seq = change != null ? change.seq() : (Long) fields.get(4);
          boolean replay = change != null ? change.replay() : (Boolean) fields.get(5);
          Cause cause = change != null ? change.cause() : Cause.valueOf((String) fields.get(6));
          String hint = (String) fields.get(own + 3);
          previous = new HookEvent(cmd, family, event, (String) fields.get(own), (String) fields.get(own + 1),
              (String) fields.get(own + 2), hint == null ? null : Hint.valueOf(hint), (String) fields.get(own + 4),
              Math.toIntExact((Long) fields.get(own + 5)), epoch, seq, replay, cause);
        } catch (ClassCastException | NullPointerException | IllegalArgumentException | ArithmeticException e) {
          return context.reportInputMismatch(this, "a replayed event that is not one: %s", e.getMessage());
        }
        events.add(previous);
      }
      if (in.currentToken() != JsonToken.END_ARRAY) {
        return context.reportInputMismatch(this, "expected an array of replayed events");
      }
      return events;
    }
  }
}
