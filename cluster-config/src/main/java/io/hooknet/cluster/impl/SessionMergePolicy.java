package io.hooknet.cluster.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import java.io.IOException;

/**
 * How the registry's sessions ({@code hooknet.sessions}: CBOR maps with the fields of a session's state) of two
 * sides of a split merge: a session that ended on either side stays ended, disconnected, with its clean-up to run
 * again over the merged registry unless both sides had done it (a tombstone from one side and a live session from
 * the other, whose registrations the other side kept) — except a session a side ended only because its node was
 * gone from that side's view ({@code NODE_LEFT}), which the other side has connected, as of the same or a later
 * attachment (a connection is numbered by when it resumed the session): its client stayed with its node, and the
 * session goes on. Otherwise the cluster's own entry stays,
 * and a session only the merging side knows is taken in. Hazelcast's default, put-if-absent, would bring an ended
 * session back to life with the registrations it held on the other side. It reads the entries as CBOR trees, so
 * that every member can load it whatever else it runs.
 */
public final class SessionMergePolicy implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object> {

  private static final ObjectMapper CBOR = new CBORMapper();

  public SessionMergePolicy() {
  }

  @Override
  public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
    if (existing == null) {
      return merging.getRawValue();
    }
    ObjectNode theirs = tree(existing);
    ObjectNode ours = tree(merging);
    if (theirs == null || ours == null) {
      return existing.getRawValue();
    }
    boolean theirsEnded = theirs.path("ending").asBoolean();
    boolean oursEnded = ours.path("ending").asBoolean();
    if (!theirsEnded && !oursEnded) {
      return existing.getRawValue();
    }
    if (theirsEnded != oursEnded && stayedConnected(theirsEnded ? ours : theirs, theirsEnded ? theirs : ours)) {
      return (theirsEnded ? merging : existing).getRawValue();
    }
    ObjectNode ended = (theirsEnded ? theirs : ours).deepCopy();
    ended.put("connected", false);
    ended.put("ending", true);
    ended.putArray("lost");
    ended.put("cleaned", theirs.path("cleaned").asBoolean() && ours.path("cleaned").asBoolean());
    try {
      return CBOR.writeValueAsBytes(ended);
    } catch (IOException e) {
      return existing.getRawValue();
    }
  }

  /** Whether {@code live} has the session connected, which {@code ended} ended only for its node's absence. */
  private static boolean stayedConnected(ObjectNode live, ObjectNode ended) {
    return live.path("connected").asBoolean() && "NODE_LEFT".equals(ended.path("cause").asText())
        && live.path("attachment").asLong() >= ended.path("attachment").asLong();
  }

  private static ObjectNode tree(MergingValue<Object> value) {
    Object bytes = value.getDeserializedValue();
    if (!(bytes instanceof byte[])) {
      return null;
    }
    try {
      JsonNode node = CBOR.readTree((byte[]) bytes);
      return node instanceof ObjectNode ? (ObjectNode) node : null;
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void writeData(ObjectDataOutput out) {
  }

  @Override
  public void readData(ObjectDataInput in) {
  }
}
