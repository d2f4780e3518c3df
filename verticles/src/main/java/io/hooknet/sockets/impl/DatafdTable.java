package io.hooknet.sockets.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import io.netty.util.collection.LongObjectHashMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The datafd table of one pool, its one index of sockets: which socket sits on which channel under which datafd,
 * with the rules of libknet's {@code knet_handle_add_datafd}, {@code remove_datafd}, {@code get_datafd} and
 * {@code get_channel}. What the pool keeps for a socket ({@code V}, its {@link Slot}) is itself the table's entry.
 *
 * <p>A datafd is a pool-assigned id, counted up from 1 and never reused, so a late event cannot name a newer
 * socket. The same socket twice is {@code EEXIST}, checked before the channel as libknet does; a channel out of
 * range is {@code EINVAL}; a busy channel, or no free channel for {@code -1}, is {@code EBUSY}; an unknown
 * datafd is {@code EINVAL} (libknet has no {@code ENOENT} here). Not thread-safe: the pool uses it from its
 * event loop only.
 *
 * <p>A pool may watch a hundred thousand sockets, so the table keeps no more per socket than the entry and a slot
 * in each of its three indexes (datafds in a map of primitive keys).
 */
public final class DatafdTable<S, V extends DatafdTable.Slot<S>> {

  /** What the pool keeps for a socket, as the table knows it. */
  public interface Slot<S> {
    long datafd();

    int channel();

    /** The application's socket, by which a second add of it is refused; null for a socket the pool made. */
    S socket();
  }

  /** Makes what the pool keeps for a socket once its datafd and channel are known. */
  @FunctionalInterface
  public interface Maker<V> {
    V make(long datafd, int channel);
  }

  private final int maxChannels;
  private final Object[] byChannel;
  private final LongObjectHashMap<V> byDatafd = new LongObjectHashMap<>(8, 0.75f);
  private final Map<S, V> bySocket = new IdentityHashMap<>();
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
   * Adds the application's {@code socket} on {@code channel}, or on the lowest free channel when {@code channel}
   * is -1, as what {@code make} makes for it.
   */
  public V add(S socket, int channel, Maker<V> make) {
    requireAbsent(socket);
    int slot = channel == -1 ? lowestFree() : requireFree(channel);
    return put(requireSocket(make.make(++lastDatafd, slot), socket));
  }

  /** Adds a socket the pool made itself (its slot has no application socket), as {@link #add} does. */
  public V addOwn(int channel, Maker<V> make) {
    int slot = channel == -1 ? lowestFree() : requireFree(channel);
    return put(requireSocket(make.make(++lastDatafd, slot), null));
  }

  /**
   * Swaps the socket on a busy channel for {@code socket} in one step: the channel is never free in between.
   * The new socket gets a new datafd.
   */
  public V replace(int channel, S socket, Maker<V> make) {
    requireAbsent(socket);
    drop(byChannel(channel));
    return put(requireSocket(make.make(++lastDatafd, channel), socket));
  }

  /** Removes the socket with this datafd and returns it. */
  public V remove(long datafd) {
    V entry = byDatafd(datafd);
    drop(entry);
    return entry;
  }

  /** The socket with this datafd ({@code knet_handle_get_channel}). */
  public V byDatafd(long datafd) {
    V entry = byDatafd.get(datafd);
    if (entry == null) {
      throw HooknetException.of(Errno.EINVAL, "datafd %d is not in the pool", datafd);
    }
    return entry;
  }

  /** The socket on this channel ({@code knet_handle_get_datafd}). */
  public V byChannel(int channel) {
    requireInRange(channel);
    V entry = atChannel(channel);
    if (entry == null) {
      throw HooknetException.of(Errno.EINVAL, "channel %d has no socket", channel);
    }
    return entry;
  }

  /** The socket on this channel, or null when the channel is empty or out of range. */
  @SuppressWarnings("unchecked")
  public V atChannel(int channel) {
    return channel < 0 || channel >= maxChannels ? null : (V) byChannel[channel];
  }

  /** Whether a socket with this datafd is in the table. */
  public boolean contains(long datafd) {
    return byDatafd.containsKey(datafd);
  }

  /** The entry of the application's {@code socket}, or null when it is not in the table. */
  public V find(S socket) {
    return bySocket.get(socket);
  }

  /** Every entry, by datafd. */
  public List<V> entries() {
    List<V> entries = new ArrayList<>(byDatafd.values());
    entries.sort(Comparator.comparingLong(Slot::datafd));
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
    V present = bySocket.get(socket);
    if (present != null) {
      throw HooknetException.of(Errno.EEXIST, "the socket is already in the pool as datafd %d on channel %d",
          present.datafd(), present.channel());
    }
  }

  private V requireSocket(V made, S socket) {
    if (made.socket() != socket) {
      throw new IllegalStateException("datafd " + made.datafd() + " was made for another socket than the one added");
    }
    return made;
  }

  private void requireInRange(int channel) {
    if (channel < 0 || channel >= maxChannels) {
      throw HooknetException.of(Errno.EINVAL, "channel %d is out of range 0-%d", channel, maxChannels - 1);
    }
  }

  private int requireFree(int channel) {
    requireInRange(channel);
    V busy = atChannel(channel);
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

  private V put(V entry) {
    byChannel[entry.channel()] = entry;
    byDatafd.put(entry.datafd(), entry);
    if (entry.socket() != null) {
      bySocket.put(entry.socket(), entry);
    }
    return entry;
  }

  private void drop(V entry) {
    byChannel[entry.channel()] = null;
    freeFrom = Math.min(freeFrom, entry.channel());
    byDatafd.remove(entry.datafd());
    if (entry.socket() != null) {
      bySocket.remove(entry.socket());
    }
  }
}
