package io.hooknet.cluster.impl;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import java.util.UUID;

/**
 * Node names, unique in a cluster. A name is claimed in the replicated map {@value #MAP} with the claiming
 * member's UUID: {@code putIfAbsent} makes two nodes racing for one name end with exactly one winner. A claim
 * left by a member that is gone (crash, kill) is taken over, so a node restarted under its name can join.
 * Blocking: call off the event loop.
 */
public final class NodeNames {

  public static final String MAP = "hooknet.nodes";
  private static final int ATTEMPTS = 10;

  private NodeNames() {
  }

  public static void claim(HazelcastInstance hazelcast, String nodeName) {
    IMap<String, String> names = hazelcast.getMap(MAP);
    String mine = hazelcast.getCluster().getLocalMember().getUuid().toString();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      String holder = names.putIfAbsent(nodeName, mine);
      if (holder == null || holder.equals(mine)) {
        return;
      }
      Member live = liveMember(hazelcast, holder);
      if (live != null) {
        throw new HooknetException(Errno.EEXIST, "node name '" + nodeName + "' is already taken in cluster '"
            + hazelcast.getConfig().getClusterName() + "' by the member at " + live.getAddress().getHost() + ":"
            + live.getAddress().getPort());
      }
      if (names.replace(nodeName, holder, mine)) {
        return;
      }
    }
    throw new HooknetException(Errno.EAGAIN, "node name '" + nodeName + "' is contended; try again");
  }

  public static void release(HazelcastInstance hazelcast, String nodeName) {
    hazelcast.getMap(MAP).remove(nodeName, hazelcast.getCluster().getLocalMember().getUuid().toString());
  }

  private static Member liveMember(HazelcastInstance hazelcast, String uuid) {
    UUID holder = UUID.fromString(uuid);
    return hazelcast.getCluster().getMembers().stream()
        .filter(member -> member.getUuid().equals(holder))
        .findFirst().orElse(null);
  }
}
