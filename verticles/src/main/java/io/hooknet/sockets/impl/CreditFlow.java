package io.hooknet.sockets.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Credit-based flow control of one link, per channel, in one place. The sender may have {@code window} packets of
 * a channel unanswered on the link; each DATA frame takes a credit, and the receiver gives credits back (CREDIT
 * frames) as it writes (or drops) the packets, a quarter of the window at a time. A source socket whose packet
 * took a channel's last credit is held (it stops being read, so a slow receiver pushes back on the application
 * through TCP and memory stays bounded) until half of the window is back. Used on the pool's event loop.
 *
 * @param <S> what a source is: the pool's socket
 */
final class CreditFlow<S> {

  private final int window;
  private final Map<Integer, Integer> credits = new HashMap<>();
  private final Map<Integer, Set<S>> held = new HashMap<>();

  CreditFlow(int window) {
    this.window = window;
  }

  /** The credits of {@code channel} left. */
  int credits(int channel) {
    return credits.getOrDefault(channel, window);
  }

  /**
   * A packet of {@code channel} from {@code source} (null: from the application's code, which is never held) is
   * sent: true when the source must be held now.
   */
  boolean take(int channel, S source) {
    int left = credits.getOrDefault(channel, window) - 1;
    credits.put(channel, left);
    if (left > 0 || source == null) {
      return false;
    }
    return held.computeIfAbsent(channel, c -> new LinkedHashSet<>()).add(source);
  }

  /** The receiver gave back {@code packets} credits of {@code channel}: the sources to let go, if any. */
  List<S> give(int channel, int packets) {
    int now = credits.getOrDefault(channel, window) + packets;
    credits.put(channel, Math.min(now, window));
    Set<S> waiting = held.get(channel);
    if (waiting == null || now < window / 2 + window % 2) {
      return List.of();
    }
    held.remove(channel);
    return new ArrayList<>(waiting);
  }

  /** Packets sent and not answered yet, by channel (those with any). */
  Map<Integer, Long> unansweredByChannel() {
    Map<Integer, Long> unanswered = new HashMap<>();
    credits.forEach((channel, left) -> {
      if (left < window) {
        unanswered.put(channel, (long) (window - left));
      }
    });
    return unanswered;
  }

  /** The link went down: every credit is back, and every held source is let go (given). */
  List<S> reset() {
    List<S> waiting = new ArrayList<>();
    held.values().forEach(waiting::addAll);
    held.clear();
    credits.clear();
    return waiting;
  }

  /** The receiving side of a link: counts what it wrote of each channel and says when to give credits back. */
  static final class Returns {
    private final int batch;
    private final Map<Integer, Integer> pending = new HashMap<>();

    /** For a sender's {@code window}: credits go back a quarter of it at a time, at least one. */
    Returns(int window) {
      this.batch = Math.max(1, window / 4);
    }

    /** One packet of {@code channel} written or dropped: the credits to give back now, or 0. */
    int done(int channel) {
      int count = pending.getOrDefault(channel, 0) + 1;
      if (count >= batch) {
        pending.remove(channel);
        return count;
      }
      pending.put(channel, count);
      return 0;
    }
  }
}
