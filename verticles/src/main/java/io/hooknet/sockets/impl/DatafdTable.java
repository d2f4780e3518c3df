package io.hooknet.sockets.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The datafd table of one pool: which socket sits on which channel under which datafd, with the rules of
 * libknet's {@code knet_handle_add_datafd}, {@code remove_datafd}, {@code get_datafd} and {@code get_channel}.
 *
 * <p>A datafd is a pool-assigned id, counted up from 1 and never reused, so a late event cannot name a newer
 * socket. The same socket twice is {@code EEXIST}, checked before the channel as libknet does; a channel out of
 * range is {@code EINVAL}; a busy channel, or no free channel for {@code -1}, is {@code EBUSY}; an unknown
 * datafd is {@code EINVAL} (libknet has no {@code ENOENT} here). Not thread-safe: the pool uses it from its
 * event loop only.
 */
public final class DatafdTable<S> {

  /** A socket in the table. */
  public record Entry<S>(long datafd, int channel, S socket) {
  }

  private final int maxChannels;
  private final Object[] byChannel;
  private final Map<Long, Entry<S>> byDatafd = new TreeMap<>();
  private final Map<S, Entry<S>> bySocket = new IdentityHashMap<>();
  private long lastDatafd;

  public DatafdTable(int maxChannels) {
    if (maxChannels < 1) {
      throw new IllegalArgumentException("maxChannels must be positive, not " + maxChannels);
    }
    this.maxChannels = maxChannels;
    this.byChannel = new Object[maxChannels];
  }

  /** Adds {@code socket} on {@code channel}, or on the lowest free channel when {@code channel} is -1. */
  public Entry<S> add(S socket, int channel) {
    requireAbsent(socket);
    int slot = channel == -1 ? lowestFree() : requireFree(channel);
    Entry<S> entry = new Entry<>(++lastDatafd, slot, socket);
    put(entry);
    return entry;
  }

  /**
   * Swaps the socket on a busy channel for {@code socket} in one step: the channel is never free in between.
   * The new socket gets a new datafd.
   */
  public Entry<S> replace(int channel, S socket) {
    requireAbsent(socket);
    Entry<S> old = byChannel(channel);
    drop(old);
    Entry<S> entry = new Entry<>(++lastDatafd, channel, socket);
    put(entry);
    return entry;
  }

  /** Removes the socket with this datafd and returns it. */
  public Entry<S> remove(long datafd) {
    Entry<S> entry = byDatafd(datafd);
    drop(entry);
    return entry;
  }

  /** The socket with this datafd ({@code knet_handle_get_channel}). */
  public Entry<S> byDatafd(long datafd) {
    Entry<S> entry = byDatafd.get(datafd);
    if (entry == null) {
      throw HooknetException.of(Errno.EINVAL, "datafd %d is not in the pool", datafd);
    }
    return entry;
  }

  /** The socket on this channel ({@code knet_handle_get_datafd}). */
  @SuppressWarnings("unchecked")
  public Entry<S> byChannel(int channel) {
    requireInRange(channel);
    Entry<S> entry = (Entry<S>) byChannel[channel];
    if (entry == null) {
      throw HooknetException.of(Errno.EINVAL, "channel %d has no socket", channel);
    }
    return entry;
  }

  /** The socket on this channel, or null when the channel is empty or out of range. */
  @SuppressWarnings("unchecked")
  public Entry<S> atChannel(int channel) {
    return channel < 0 || channel >= maxChannels ? null : (Entry<S>) byChannel[channel];
  }

  /** Whether a socket with this datafd is in the table. */
  public boolean contains(long datafd) {
    return byDatafd.containsKey(datafd);
  }

  /** The entry of {@code socket}, or null when it is not in the table. */
  public Entry<S> find(S socket) {
    return bySocket.get(socket);
  }

  /** Every entry, by datafd. */
  public List<Entry<S>> entries() {
    return Collections.unmodifiableList(new ArrayList<>(byDatafd.values()));
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
    Entry<S> present = bySocket.get(socket);
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
    Entry<S> busy = (Entry<S>) byChannel[channel];
    if (busy != null) {
      throw HooknetException.of(Errno.EBUSY, "channel %d is in use by datafd %d", channel, busy.datafd());
    }
    return channel;
  }

  private int lowestFree() {
    for (int channel = 0; channel < maxChannels; channel++) {
      if (byChannel[channel] == null) {
        return channel;
      }
    }
    throw HooknetException.of(Errno.EBUSY, "all %d channels are in use", maxChannels);
  }

  private void put(Entry<S> entry) {
    byChannel[entry.channel()] = entry;
    byDatafd.put(entry.datafd(), entry);
    bySocket.put(entry.socket(), entry);
  }

  private void drop(Entry<S> entry) {
    byChannel[entry.channel()] = null;
    byDatafd.remove(entry.datafd());
    bySocket.remove(entry.socket());
  }
}
