package io.hooknet.hooks.impl;

import io.hooknet.codec.ChangeId;
import io.hooknet.codec.HookEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The changes of one event's chain (or of a family's events): numbered one by one by {@code seq}, in epochs, with
 * the latest {@code historyLimit} kept so that a callback that missed some can be given exactly those.
 *
 * <p>The epoch changes at the first change made in a cluster view other than the previous change's. The two sides
 * of a split each see their own view, so they start different (random) epochs and never give one
 * {@code (epoch, seq)} to two different changes; a view that changes back (a merge) starts yet another epoch.
 * Mutable and stored with the family, like {@link FamilyState}.
 */
public final class Changes {

  public long epoch;
  public long seq;
  /** The cluster view the latest change was made in. */
  public long view;
  /** The latest changes, oldest first. */
  public List<HookEvent> history = new ArrayList<>();
  /** The change just before the oldest kept one: a callback that saw it misses nothing that is kept. */
  public long fromEpoch;
  public long fromSeq;

  public Changes() {
  }

  static Changes start(ChangeContext context) {
    Changes changes = new Changes();
    changes.epoch = context.nonce();
    changes.view = context.view();
    changes.fromEpoch = changes.epoch;
    return changes;
  }

  /** The identity of the next change. */
  ChangeId next(ChangeContext context) {
    if (view != context.view()) {
      view = context.view();
      epoch = context.nonce();
    }
    seq++;
    return current();
  }

  /**
   * A callback was given changes up to {@code since} that this lineage does not have: they were made on a side of a
   * split, or in a copy of the family lost with its member before its backup had them. The numbering goes on
   * after them, under a new epoch, so that nothing told from now on is numbered below what a callback has seen;
   * the kept changes no longer lead up to the numbering, so a callback behind it gets a replay.
   */
  void overtake(ChangeId since, ChangeContext context) {
    if (since == null || since.seq() <= seq) {
      return;
    }
    epoch = context.nonce();
    view = context.view();
    seq = since.seq();
    history.clear();
    fromEpoch = epoch;
    fromSeq = seq;
  }

  ChangeId current() {
    return new ChangeId(epoch, seq);
  }

  /** Keeps a change made with {@link #next}, forgetting the oldest beyond {@code limit}. */
  void keep(HookEvent change, int limit) {
    history.add(change);
    while (history.size() > Math.max(0, limit)) {
      HookEvent forgotten = history.remove(0);
      fromEpoch = forgotten.epoch();
      fromSeq = forgotten.seq();
    }
  }

  /**
   * The changes made after {@code since}, oldest first; {@code null} when they are not all kept, or when
   * {@code since} is no change of this lineage (another side of a split, or older than what is kept).
   */
  List<HookEvent> after(ChangeId since) {
    if (since.equals(current())) {
      return List.of();
    }
    if (since.epoch() == fromEpoch && since.seq() == fromSeq) {
      return List.copyOf(history);
    }
    for (int i = 0; i < history.size(); i++) {
      if (history.get(i).change().equals(since)) {
        return List.copyOf(history.subList(i + 1, history.size()));
      }
    }
    return null;
  }
}
