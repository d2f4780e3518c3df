package io.hooknet.hooks.impl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps that keep only their latest entries: what a node remembers of what it no longer tracks (streams stopped,
 * registrations unregistered, losses told) is bounded, the oldest forgotten first. Not thread-safe; each is used on
 * one context.
 */
final class BoundedMaps {

  private BoundedMaps() {
  }

  /** At most {@code limit} entries; the one put longest ago goes first. */
  static <K, V> Map<K, V> latestPut(int limit) {
    return bounded(limit, false);
  }

  /** At most {@code limit} entries; the one read or put longest ago goes first. */
  static <K, V> Map<K, V> latestUsed(int limit) {
    return bounded(limit, true);
  }

  private static <K, V> Map<K, V> bounded(int limit, boolean accessOrder) {
    return new LinkedHashMap<>(16, 0.75f, accessOrder) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > limit;
      }
    };
  }
}
