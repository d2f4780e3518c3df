package io.hooknet.hooks.impl;

import java.util.ArrayList;
import java.util.List;

/**
 * A family as the cluster stores it: one Hazelcast map entry per family, changed only by entry processors, so
 * that each change to a family and its events is atomic cluster-wide. Mutable on purpose: a processor decodes
 * it, changes it and writes it back.
 */
public final class FamilyState {

  /** A notify callback: where it is told, and the node that registered it and delivers to it in order. */
  public record Callback(String address, String node) {
  }

  /** An event of the family: its chain, callbacks and counters. */
  public static final class EventState {
    public String event;
    /** Changes to the chain so far; every change notice carries the new value. */
    public long seq;
    /** Removed while callbacks were registered: it takes no hook or callback and goes with the last callback. */
    public boolean shutdown;
    public List<HookChain.Link> chain = new ArrayList<>();
    public List<Callback> callbacks = new ArrayList<>();
    public long hooksAdded;
    public long hooksRemoved;
    public long runs;
    public java.util.Map<String, Long> hits = new java.util.TreeMap<>();

    public EventState() {
    }

    EventState(String event) {
      this.event = event;
    }
  }

  public String family;
  /** Events added to or removed from the family so far. */
  public long seq;
  public List<Callback> callbacks = new ArrayList<>();
  public List<EventState> events = new ArrayList<>();

  public FamilyState() {
  }

  FamilyState(String family) {
    this.family = family;
  }

  EventState event(String name) {
    for (EventState event : events) {
      if (event.event.equals(name)) {
        return event;
      }
    }
    return null;
  }
}
