package io.hooknet.hooks.impl;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.hooknet.codec.HookCommand;
import io.hooknet.codec.HookEvent;
import io.hooknet.codec.impl.Mapping;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A family as the cluster stores it: one Hazelcast map entry per family, changed only by entry processors, so
 * that each change to a family and its events is atomic cluster-wide. Mutable on purpose: the map keeps it as an
 * object ({@code in-memory-format OBJECT}), and a processor changes it where it lies, on the family's partition
 * thread, without decoding or encoding it. It crosses the network (reads, backups' first copy, migration, merge)
 * as Hazelcast data holding its CBOR.
 */
public final class FamilyState implements DataSerializable {

  /**
   * A notify callback: where it is told, its owner, and the node that delivers its notices in order ({@code node}:
   * the owning node, or the node the owning session is anchored at).
   */
  public record Callback(String address, String node, String session, long registeredAt) {

    Owner owner() {
      return new Owner(node, session);
    }

    Callback anchoredAt(String deliverer) {
      return new Callback(address, deliverer, session, registeredAt);
    }
  }

  /** An event of the family: its chain, callbacks, changes and counters. */
  public static final class EventState {
    public String event;
    public Changes changes = new Changes();
    /** Removed while callbacks were registered: it takes no hook or callback and goes with the last callback. */
    public boolean shutdown;
    public List<HookChain.Link> chain = new ArrayList<>();
    public List<Callback> callbacks = new ArrayList<>();
    public long hooksAdded;
    public long hooksRemoved;
    public long runs;
    public Map<String, Long> hits = new TreeMap<>();
    /** The chain's index, built when first needed; not stored. */
    private HookChain.Index index;

    public EventState() {
    }

    /**
     * What a read of the event uses: its chain, counts and latest change, without the changes it keeps for resuming
     * callbacks and without its callbacks. Shares the chain and the hits; encode it before the event changes again.
     */
    EventState summary() {
      EventState summary = new EventState();
      summary.event = event;
      summary.shutdown = shutdown;
      summary.chain = chain;
      summary.hooksAdded = hooksAdded;
      summary.hooksRemoved = hooksRemoved;
      summary.runs = runs;
      summary.hits = hits;
      summary.changes.epoch = changes.epoch;
      summary.changes.seq = changes.seq;
      return summary;
    }

    /** The chain under its rules, changed where it is stored. */
    HookChain hooks() {
      if (index == null) {
        index = new HookChain.Index(chain);
      }
      return HookChain.over(chain, index);
    }

    EventState(String event, ChangeContext context) {
      this.event = event;
      this.changes = Changes.start(context);
    }
  }

  /**
   * A registration ({@code added}) or unregistration made by the command whose context had {@code nonce}, answered
   * with {@code seq}; kept until the command's {@code deadline} (Hazelcast's cluster time) for {@link Applied#find}.
   */
  public record Applied(long nonce, HookCommand.Registration registration, boolean added, long seq, long deadline) {

    /** How many a family keeps at most, the oldest forgotten first. */
    static final int LIMIT = 256;

    /** The seq {@code made} by the command of {@code context} was answered with, if it was applied here. */
    static OptionalLong find(FamilyState family, HookOps.Made made, ChangeContext context) {
      for (int i = family.applied.size() - 1; i >= 0; i--) {
        Applied applied = family.applied.get(i);
        if (applied.nonce == context.nonce() && applied.added == made.added()
            && applied.registration.equals(made.registration())) {
          return OptionalLong.of(applied.seq);
        }
      }
      return OptionalLong.empty();
    }

    /**
     * Keeps {@code made} as applied by the command of {@code context} with {@code seq}, forgetting those whose
     * command is past its deadline at that command's time, and the oldest beyond {@link #LIMIT}.
     */
    static void keep(FamilyState family, HookOps.Made made, long seq, ChangeContext context) {
      List<Applied> applied = family.applied;
      applied.removeIf(old -> old.deadline != 0 && old.deadline < context.now());
      while (applied.size() >= LIMIT) {
        applied.remove(0);
      }
      applied.add(new Applied(context.nonce(), made.registration(), made.added(), seq, context.deadline()));
    }
  }

  /**
   * A hook that went for good: unregistered, by its owner or another client ({@code UNREGISTERED}), or taken out by
   * the clean-up after its session, whose client went ({@code CLIENT_LEFT}). Kept with its owner, where it was and when it was
   * registered ({@code registeredAt}, by the registering node's clock) and removed ({@code at}, by the clock of the
   * node that asked), so that no node's assertion of what it owns puts it back: one asked before the removal and
   * applied after it (its owner moved to another node and unregistered it there, say), or the withdrawal of an
   * ended session that comes after another node's clean-up took the hook out; the node that asserted it forgets it.
   * A removal for a node gone from a view ({@code NODE_LEFT}) or for a merge conflict is not kept: a merge may
   * rightly assert that hook again.
   */
  public record Removed(Owner owner, String event, String hook, long registeredAt, long at, HookEvent.Cause cause) {

    /** How many a family keeps at most, the oldest forgotten first. */
    static final int LIMIT = 256;
    /** How long one is kept: far longer than an assertion takes from its node to the family. */
    static final long KEPT_MILLIS = 10 * 60 * 1000L;

    /** How {@code link}, of event {@code event}, went for good in {@code family}; null if it did not. */
    static Removed find(FamilyState family, String event, HookChain.Link link) {
      for (Removed removed : family.removed) {
        if (removed.registeredAt == link.registeredAt() && removed.hook.equals(link.hook())
            && removed.event.equals(event) && removed.owner.same(link.owner())) {
          return removed;
        }
      }
      return null;
    }

    /**
     * Keeps {@code link}, of event {@code event}, as gone for good with {@code cause} at {@code now}, forgetting
     * the old and the oldest.
     */
    static void keep(FamilyState family, String event, HookChain.Link link, HookEvent.Cause cause, long now) {
      List<Removed> removed = family.removed;
      // Kept in the order they were made: the old ones are first (on every unregistration, so no scan of the rest).
      int forgotten = Math.max(0, removed.size() + 1 - LIMIT);
      while (forgotten < removed.size() && removed.get(forgotten).at < now - KEPT_MILLIS) {
        forgotten++;
      }
      removed.subList(0, forgotten).clear();
      removed.add(new Removed(link.owner(), event, link.hook(), link.registeredAt(), now, cause));
    }
  }

  public String family;
  /**
   * The hook and callback registrations of the commands applied lately: a command Hazelcast runs again where the
   * family is then (its member died, or merged back, before answering) finds its change made and is answered as the
   * first time.
   */
  public List<Applied> applied = new ArrayList<>();
  /** The hooks that went for good lately. */
  public List<Removed> removed = new ArrayList<>();
  /** Events added to or removed from the family: what protocol callbacks are told. */
  public Changes changes = new Changes();
  public List<Callback> callbacks = new ArrayList<>();
  public List<EventState> events = new ArrayList<>();
  /** The events' index; not stored. */
  private Map<String, EventState> byName;

  public FamilyState() {
  }

  FamilyState(String family, ChangeContext context) {
    this.family = family;
    this.changes = Changes.start(context);
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByteArray(Mapping.toCborBytes(this));
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    FamilyState read = Mapping.fromCborBytes(in.readByteArray(), FamilyState.class);
    family = read.family;
    changes = read.changes;
    callbacks = read.callbacks;
    events = read.events;
    applied = read.applied;
    removed = read.removed;
    byName = null;
  }

  EventState event(String name) {
    return eventsByName().get(name);
  }

  void addEvent(EventState event) {
    events.add(event);
    eventsByName().put(event.event, event);
  }

  void removeEvent(EventState event) {
    events.remove(event);
    eventsByName().remove(event.event);
  }

  /** The events by name, built when first needed and kept by {@link #addEvent} and {@link #removeEvent}. */
  private Map<String, EventState> eventsByName() {
    if (byName == null) {
      byName = new HashMap<>();
      events.forEach(event -> byName.put(event.event, event));
    }
    return byName;
  }
}
