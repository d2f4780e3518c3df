package io.hooknet.hooks.impl;

import com.hazelcast.core.HazelcastInstance;
import io.hooknet.codec.impl.Mapping;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The families a member changed last, kept decoded beside the bytes stored for them: the next change to a family
 * on that member finds the state it left instead of decoding the whole family (its chains, callbacks and change
 * history) again, which was most of a change's cost. A kept state is handed to one processor at a time (taking it
 * removes it), and kept again only with the bytes the processor stored for it; a processor that fails or changes
 * nothing does not give it back. A state is used only for bytes equal to those it was kept with, so a family
 * changed elsewhere (migrated, merged, restored from a backup) is decoded afresh. One per member, in its user
 * context; at most {@link #MAX_BYTES} bytes of families are kept.
 */
final class DecodedFamilies {

  private static final String KEY = DecodedFamilies.class.getName();
  /**
   * At most 64 MiB of stored bytes, and a 32nd of the heap: decoded, a family takes several times its bytes.
   */
  static final long MAX_BYTES = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 32);

  private record Decoded(byte[] bytes, FamilyState state) {
  }

  private final ConcurrentMap<String, Decoded> kept = new ConcurrentHashMap<>();
  private final AtomicLong size = new AtomicLong();
  private final long maxBytes;

  DecodedFamilies() {
    this(MAX_BYTES);
  }

  DecodedFamilies(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The member's families, or none when the processor runs outside a member (tests). */
  static DecodedFamilies of(HazelcastInstance member) {
    return member == null ? null
        : (DecodedFamilies) member.getUserContext().computeIfAbsent(KEY, key -> new DecodedFamilies());
  }

  /** Family {@code family} as stored in {@code bytes}, decoded or as kept; {@code null} for no bytes. */
  FamilyState take(String family, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    Decoded decoded = kept.remove(family);
    if (decoded != null) {
      size.addAndGet(-decoded.bytes().length);
      if (Arrays.equals(decoded.bytes(), bytes)) {
        return decoded.state();
      }
    }
    return Mapping.fromCborBytes(bytes, FamilyState.class);
  }

  /** Keeps {@code state}, which {@code bytes} (not to be changed any more) now store, for the next change. */
  void keep(String family, byte[] bytes, FamilyState state) {
    if (size.addAndGet(bytes.length) > maxBytes) {
      kept.clear();
      size.set(bytes.length);
    }
    Decoded before = kept.put(family, new Decoded(bytes, state));
    if (before != null) {
      size.addAndGet(-before.bytes().length);
    }
  }
}
