package io.hooknet.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hooknet.codec.HookEvent.Cause;
import io.hooknet.codec.HookEvent.Cmd;
import io.hooknet.codec.Replies.SocketState;
import java.util.List;
import java.util.Map;

/** One representative instance of every hooknet message type, with non-default values in every field. */
public final class Samples {

  private Samples() {
  }

  public static final JsonNode PAYLOAD = payload("{\"src\":\"198.18.0.1\",\"len\":1500,\"flags\":[\"syn\",\"ack\"]}");

  private static final Replies.HookInfo HOOK =
      new Replies.HookInfo("ipf", Hint.BEFORE, "nat", "hooknet.client.7.ipf", "n2", "s-7", 1, 42);

  public static List<HooknetMessage> all() {
    return List.of(
        SockEvent.of("n1", "default", 7, 3, SockEvent.TX, -1, Errno.ECONNRESET.number(), 0, 12, 1_763_798_400_123_456L),
        new LinkEvent("n1", "default", "n2", LinkEvent.Status.UP, 184, 3, 1_763_798_400_123_456L),
        new HookEvent(Cmd.HN_UNREGISTER, "inet", "PHYSICAL_IN", "ipf", "n2", "s-7", Hint.AFTER, "nat", 2, 4096, 19,
            false, Cause.CLIENT_LEFT),
        new HookCall("inet", "PHYSICAL_IN", "ipf", PAYLOAD),
        new HookCall.Result(-13),
        new HookCommand.FamilyAdd("inet"),
        new HookCommand.FamilyRemove("inet6"),
        new HookCommand.EventAdd("inet", "PHYSICAL_IN"),
        new HookCommand.EventRemove("inet", "PHYSICAL_OUT"),
        new HookCommand.HookRegister("inet", "PHYSICAL_IN", "ipf", Hint.BEFORE, "nat", "hooknet.client.7.ipf"),
        new HookCommand.HookUnregister("inet", "PHYSICAL_IN", "ipf"),
        new HookCommand.NotifyRegister("inet", "PHYSICAL_IN", "hooknet.client.7.cb", new ChangeId(4096, 17)),
        new HookCommand.NotifyUnregister("inet", "PHYSICAL_IN", "hooknet.client.7.cb"),
        new HookCommand.ProtocolNotifyRegister("inet", "hooknet.client.7.proto", new ChangeId(77, 3)),
        new HookCommand.ProtocolNotifyUnregister("inet", "hooknet.client.7.proto"),
        new HookCommand.ListHooks("inet", "PHYSICAL_IN"),
        new HookCommand.Run("inet", "PHYSICAL_IN", PAYLOAD),
        new HookCommand.Stats("inet", "PHYSICAL_IN"),
        new HookCommand.SessionOpen(),
        new HookCommand.SessionClose(),
        new PoolCommand.Add("edge", 5, PoolCommand.Endpoint.UNIX),
        new PoolCommand.Remove("edge", 9),
        new PoolCommand.Get("edge", 5),
        new PoolCommand.ListSockets("edge"),
        new PoolCommand.Stats("edge"),
        new PoolCommand.SetFwd("edge", true),
        new Replies.Ack(19),
        HOOK,
        new Replies.EventChain("inet", "PHYSICAL_IN", 4096, 19, List.of(HOOK)),
        new Replies.HookChains(List.of(new Replies.EventChain("inet", "PHYSICAL_IN", 4096, 19, List.of(HOOK)))),
        new Replies.RunResult(110, 2, "ipf", 110, "ETIMEDOUT"),
        new Replies.SessionInfo("s-8", "n2", true, 10, List.of(new HookEvent(Cmd.HN_UNREGISTER, "inet", "PHYSICAL_IN",
            "ipf", "n3", "s-8", Hint.NONE, null, 0, 4097, 20, false, Cause.MERGE_CONFLICT))),
        new Replies.EventStats("inet", "PHYSICAL_IN", 5, 3, 1000, List.of(HOOK)),
        new Replies.EndpointInfo(9, 5, "/run/hooknet/edge-5.sock"),
        new Replies.SocketInfo(9, 5, "unix-endpoint", SocketState.ERROR, "/run/hooknet/edge-5.sock"),
        new Replies.PoolSockets("n1", "edge",
            List.of(new Replies.SocketInfo(9, 5, "tcp", SocketState.ACTIVE, null))),
        new Replies.ChannelStats(5, 10, 1000, 20, 2000, 1, 2, Map.of("noSocket", 1L)),
        new Replies.PoolStats("n1", "edge", List.of(new Replies.ChannelStats(5, 10, 1000, 20, 2000, 1, 2, Map.of("noSocket", 1L)))));
  }

  private static JsonNode payload(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
