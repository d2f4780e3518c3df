package io.hooknet.sockets.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The datafd table of one pool, its one index of sockets: which socket sits on which channel under which datafd,
 * and what the pool keeps for it, with the rules of
 * libknet's {@code knet_handle_add_datafd}, {@code remove_datafd}, {@code get_datafd} and {@code get_channel}.
 *
 * <p>A datafd is a pool-assigned id, counted up from 1 and never reused, so a late event cannot name a newer
 * socket. The same socket twice is {@code EEXIST}, checked before the channel as libknet does; a channel out of
 * range is {@code EINVAL}; a busy channel, or no free channel for {@code -1}, is {@code EBUSY}; an unknown
 * datafd is {@code EINVAL} (libknet has no {@code ENOENT} here). Not thread-safe: the pool uses it from its
 * event loop only.
 */
public final class DatafdTable<S, V> {

  /** A socket in the table, and what the pool keeps for it ({@code value}), made as it was added. */
  public record Entry<S, V>(long datafd, int channel, S socket, V value) {
  }

  /** Makes what the pool keeps for a socket once its datafd and channel are known. */
  @FunctionalInterface
  public interface Maker<V> {
    V make(long datafd, int channel);
  }

  private final int maxChannels;
  private final Object[] byChannel;
  private final Map<Long, Entry<S, V>> byDatafd = new HashMap<>();
  private final Map<S, Entry<S, V>> bySocket = new IdentityHashMap<>();
  private long lastDatafd;
  /** No channel below this one is free: where the search for the lowest free channel starts. */
  private int freeFrom;

  public DatafdTable(int maxChannels) {
    if (maxChannels < 1) {
      throw new IllegalArgumentException("maxChannels must be positive, not " + maxChannels);
    }
    this.maxChannels = maxChannels;
    this.byChannel = new Object[maxChannels];
  }

  /**
   * Adds {@code socket} on {@code channel}, or on the lowest free channel when {@code channel} is -1, with what
   * {@code make} makes for it.
   */
  public Entry<S, V> add(S socket, int channel, Maker<V> make) {
    requireAbsent(socket);
    int slot = channel == -1 ? lowestFree() : requireFree(channel);
    long datafd = ++lastDatafd;
    Entry<S, V> entry = new Entry<>(datafd, slot, socket, make.make(datafd, slot));
    put(entry);
    return entry;
  }

  /**
   * Swaps the socket on a busy channel for {@code socket} in one step: the channel is never free in between.
   * The new socket gets a new datafd.
   */
  public Entry<S, V> replace(int channel, S socket, Maker<V> make) {
    requireAbsent(socket);
    Entry<S, V> old = byChannel(channel);
    drop(old);
    long datafd = ++lastDatafd;
    Entry<S, V> entry = new Entry<>(datafd, channel, socket, make.make(datafd, channel));
    put(entry);
    return entry;
  }

  /** Removes the socket with this datafd and returns it. */
  public Entry<S, V> remove(long datafd) {
    Entry<S, V> entry = byDatafd(datafd);
    drop(entry);
    return entry;
  }

  /** The socket with this datafd ({@code knet_handle_get_channel}). */
  public Entry<S, V> byDatafd(long datafd) {
    Entry<S, V> entry = byDatafd.get(datafd);
    if (entry == null) {
      throw HooknetException.of(Errno.EINVAL, "datafd %d is not in the pool", datafd);
    }
    return entry;
  }

  /** The socket on this channel ({@code knet_handle_get_datafd}). */
  @SuppressWarnings("unchecked")
  public Entry<S, V> byChannel(int channel) {
    requireInRange(channel);
    Entry<S, V> entry = (Entry<S, V>) byChannel[channel];
    if (entry == null) {
      throw HooknetException.of(Errno.EINVAL, "channel %d has no socket", channel);
    }
    return entry;
  }

  /** The socket on this channel, or null when the channel is empty or out of range. */
  @SuppressWarnings("unchecked")
  public Entry<S, V> atChannel(int channel) {
    return channel < 0 || channel >= maxChannels ? null : (Entry<S, V>) byChannel[channel];
  }

  /** Whether a socket with this datafd is in the table. */
  public boolean contains(long datafd) {
    return byDatafd.containsKey(datafd);
  }

  /** The entry of {@code socket}, or null when it is not in the table. */
  public Entry<S, V> find(S socket) {
    return bySocket.get(socket);
  }

  /** Every entry, by datafd. */
  public List<Entry<S, V>> entries() {
    List<Entry<S, V>> entries = new ArrayList<>(byDatafd.values());
    entries.sort(Comparator.comparingLong(Entry::datafd));
    return Collections.unmodifiableList(entries);
  }

  public int size() {
    return byDatafd.size();
  }

  public int maxChannels() {
    return maxChannels;
  }

  private void requireAbsent(S socket) {
    if (socket == null) {
      throw new HooknetException(Errno.EINVAL, "no socket given");
    }
    Entry<S, V> present = bySocket.get(socket);
    if (present != null) {
      throw HooknetException.of(Errno.EEXIST, "the socket is already in the pool as datafd %d on channel %d",
          present.datafd(), present.channel());
    }
  }

  private void requireInRange(int channel) {
    if (channel < 0 || channel >= maxChannels) {
      throw HooknetException.of(Errno.EINVAL, "channel %d is out of range 0-%d", channel, maxChannels - 1);
    }
  }

  @SuppressWarnings("unchecked")
  private int requireFree(int channel) {
    requireInRange(channel);
    Entry<S, V> busy = (Entry<S, V>) byChannel[channel];
    if (busy != null) {
      throw HooknetException.of(Errno.EBUSY, "channel %d is in use by datafd %d", channel, busy.datafd());
    }
    return channel;
  }

  private int lowestFree() {
    for (int channel = freeFrom; channel < maxChannels; channel++) {
      if (byChannel[channel] == null) {
        freeFrom = channel;
        return channel;
      }
    }
    freeFrom = maxChannels;
    throw HooknetException.of(Errno.EBUSY, "all %d channels are in use", maxChannels);
  }

  private void put(Entry<S, V> entry) {
    byChannel[entry.channel()] = entry;
    byDatafd.put(entry.datafd(), entry);
    bySocket.put(entry.socket(), entry);
  }

  private void drop(Entry<S, V> entry) {
    byChannel[entry.channel()] = null;
    freeFrom = Math.min(freeFrom, entry.channel());
    byDatafd.remove(entry.datafd());
    bySocket.remove(entry.socket());
  }
}
