package io.hooknet.robustness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a robustness run saw, in the order it saw it: the registry operations clients issued with their
 * answers, the events every callback stream received, the faults the nemesis made, the socket events, and the
 * chains every node lists at the end. Thread-safe: clients record from their own threads.
 */
public final class History {

  /** An owner as the registry names it: a session id, or {@code node:<name>} for a node. */
  public static String owner(String node, String session) {
    return session != null ? session : "node:" + node;
  }

  /** A registry operation on {@code event} by a client of {@code session} at {@code node}, and its answer. */
  public record Op(long index, String client, String node, String session, String op, String event, String hook,
      long startNanos, long endNanos, int errno, Long epoch, Long seq) {
    public boolean ok() {
      return errno == 0;
    }
  }

  /** One event a callback stream received. */
  public record Delivery(long index, String stream, String event, String cmd, String hook, String owner, long epoch,
      long seq, boolean replay, String cause, int position, long atNanos) {
  }

  /** A fault the nemesis made, or a client's own disconnect. */
  public record Fault(long index, String kind, String target, long startNanos, long endNanos) {
  }

  /**
   * A session that ended at {@code endedNanos}: closed or abandoned by its client, or, {@code byCluster}, ended by
   * the cluster while its client was away or cut off with its node (found when the client came back and the
   * session was not resumed).
   */
  public record SessionEnd(long index, String session, long endedNanos, boolean byCluster) {
  }

  /**
   * A callback stream that ended with its client's session at {@code endedNanos}: the client went away, or came
   * back and found the session ended, or unregistered the callback. Its callback went; nothing more is owed to it.
   * {@code unanswered}: the client's unregistration got no answer (its connection or node went meanwhile), or its
   * process was killed right after the answer, so its teardown may have been cut short.
   */
  public record StreamEnd(long index, String stream, long endedNanos, boolean unanswered) {
  }

  /**
   * The connection a stream's replay came on ended before the replay's HN_SYNCED: what came of that replay is void,
   * and the client resumes after the last change or HN_SYNCED it saw, as the clients do.
   */
  public record ReplayCut(long index, String stream) {
  }

  /**
   * A socket event of pool {@code pool} of node incarnation {@code node} as consumer {@code receiver} received it,
   * through its connection {@code via} (a node and the client's count of its connections).
   */
  public record SockEvent(long index, String node, String pool, long datafd, long seq, String receiver,
      String via) {
  }

  /** The chain of {@code event} as {@code node} lists it at the end: hook and owner, in order. */
  public record Chain(String node, String event, List<String> hooks, List<String> owners) {
  }

  private final long seed;
  private long next;
  private final List<Op> ops = new ArrayList<>();
  private final List<Delivery> deliveries = new ArrayList<>();
  private final List<Fault> faults = new ArrayList<>();
  private final List<SessionEnd> sessionEnds = new ArrayList<>();
  private final List<StreamEnd> streamEnds = new ArrayList<>();
  private final List<ReplayCut> replayCuts = new ArrayList<>();
  private final List<SockEvent> sockEvents = new ArrayList<>();
  private final List<Chain> chains = new ArrayList<>();
  private final List<String> liveStreams = new ArrayList<>();
  private long endNanos;
  private long graceNanos;

  public History(long seed) {
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  public synchronized Op op(String client, String node, String session, String op, String event, String hook,
      long startNanos, long endNanos, int errno, Long epoch, Long seq) {
    Op recorded = new Op(next++, client, node, session, op, event, hook, startNanos, endNanos, errno, epoch, seq);
    ops.add(recorded);
    return recorded;
  }

  public synchronized void delivery(String stream, String event, String cmd, String hook, String owner, long epoch,
      long seq, boolean replay, String cause, int position, long atNanos) {
    deliveries.add(new Delivery(next++, stream, event, cmd, hook, owner, epoch, seq, replay, cause, position,
        atNanos));
  }

  /** The connection {@code stream}'s replay came on ended before the replay did. */
  public synchronized void replayCut(String stream) {
    replayCuts.add(new ReplayCut(next++, stream));
  }

  public synchronized void fault(String kind, String target, long startNanos, long endNanos) {
    faults.add(new Fault(next++, kind, target, startNanos, endNanos));
  }

  /** Its client closed or abandoned {@code session}. */
  public synchronized void sessionEnded(String session, long endedNanos) {
    sessionEnds.add(new SessionEnd(next++, session, endedNanos, false));
  }

  /** The client of {@code session} came back and found that the cluster had ended it. */
  public synchronized void sessionFoundEnded(String session, long endedNanos) {
    sessionEnds.add(new SessionEnd(next++, session, endedNanos, true));
  }

  public synchronized void streamEnded(String stream, long endedNanos) {
    streamEnded(stream, endedNanos, false);
  }

  /** As above; {@code unanswered}: the stream ended with an unregistration that got no answer. */
  public synchronized void streamEnded(String stream, long endedNanos, boolean unanswered) {
    streamEnds.add(new StreamEnd(next++, stream, endedNanos, unanswered));
  }

  public synchronized void sockEvent(String node, String pool, long datafd, long seq, String receiver,
      String via) {
    sockEvents.add(new SockEvent(next++, node, pool, datafd, seq, receiver, via));
  }

  public synchronized void chain(String node, String event, List<String> hooks, List<String> owners) {
    chains.add(new Chain(node, event, List.copyOf(hooks), List.copyOf(owners)));
  }

  /** A stream whose callback was still registered at the end: its events must fold to the final chain. */
  public synchronized void liveAtEnd(String stream) {
    liveStreams.add(stream);
  }

  /** The run ended at {@code endNanos}, with sessions outliving their connection by {@code graceNanos}. */
  public synchronized void end(long endNanos, long graceNanos) {
    this.endNanos = endNanos;
    this.graceNanos = graceNanos;
  }

  /** How the run went: its seed, end and grace period, and the streams live at its end; first line of a dump. */
  record Run(long seed, long endNanos, long graceNanos, List<String> liveStreams) {
  }

  /**
   * Every record, one per line, for reading a failed run in full and checking it again ({@link #load}): the run,
   * then the records of each kind in the order they were made.
   */
  public synchronized void dump(java.nio.file.Path file) throws java.io.IOException {
    List<Object> all = new ArrayList<>();
    all.add(new Run(seed, endNanos, graceNanos, List.copyOf(liveStreams)));
    all.addAll(ops);
    all.addAll(deliveries);
    all.addAll(faults);
    all.addAll(sessionEnds);
    all.addAll(streamEnds);
    all.addAll(replayCuts);
    all.addAll(sockEvents);
    all.addAll(chains);
    java.nio.file.Files.write(file, all.stream().map(String::valueOf).toList());
  }

  /** A history as {@link #dump} wrote it. */
  public static History load(java.nio.file.Path file) throws java.io.IOException {
    List<String> lines = java.nio.file.Files.readAllLines(file);
    Map<String, String> run = fields(lines.get(0), "Run");
    History history = new History(Long.parseLong(run.get("seed")));
    history.end(Long.parseLong(run.get("endNanos")), Long.parseLong(run.get("graceNanos")));
    history.liveStreams.addAll(list(run.get("liveStreams")));
    for (String line : lines.subList(1, lines.size())) {
      String kind = line.substring(0, line.indexOf('['));
      Map<String, String> f = fields(line, kind);
      long index = f.containsKey("index") ? Long.parseLong(f.get("index")) : -1;
      history.next = Math.max(history.next, index + 1);
      switch (kind) {
        case "Op" -> history.ops.add(new Op(index, text(f, "client"), text(f, "node"), text(f, "session"),
            text(f, "op"), text(f, "event"), text(f, "hook"), number(f, "startNanos"), number(f, "endNanos"),
            (int) number(f, "errno"), optional(f, "epoch"), optional(f, "seq")));
        case "Delivery" -> history.deliveries.add(new Delivery(index, text(f, "stream"), text(f, "event"),
            text(f, "cmd"), text(f, "hook"), text(f, "owner"), number(f, "epoch"), number(f, "seq"),
            Boolean.parseBoolean(f.get("replay")), text(f, "cause"), (int) number(f, "position"),
            number(f, "atNanos")));
        case "Fault" -> history.faults.add(new Fault(index, text(f, "kind"), text(f, "target"),
            number(f, "startNanos"), number(f, "endNanos")));
        case "SessionEnd" -> history.sessionEnds.add(new SessionEnd(index, text(f, "session"),
            number(f, "endedNanos"), Boolean.parseBoolean(f.get("byCluster"))));
        case "StreamEnd" -> history.streamEnds.add(new StreamEnd(index, text(f, "stream"), number(f, "endedNanos"),
            Boolean.parseBoolean(f.get("unanswered"))));
        case "ReplayCut" -> history.replayCuts.add(new ReplayCut(index, text(f, "stream")));
        case "SockEvent" -> history.sockEvents.add(new SockEvent(index, text(f, "node"), text(f, "pool"),
            number(f, "datafd"), number(f, "seq"), text(f, "receiver"), text(f, "via")));
        case "Chain" -> history.chains.add(new Chain(text(f, "node"), text(f, "event"), list(f.get("hooks")),
            list(f.get("owners"))));
        default -> throw new IllegalArgumentException("not a history record: " + line);
      }
    }
    return history;
  }

  /** The fields of a record as its {@code toString} writes them: {@code Kind[name=value, name=[a, b], ...]}. */
  private static Map<String, String> fields(String line, String kind) {
    if (!line.startsWith(kind + "[") || !line.endsWith("]")) {
      throw new IllegalArgumentException("not a " + kind + " record: " + line);
    }
    String body = line.substring(kind.length() + 1, line.length() - 1);
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    int depth = 0;
    int from = 0;
    for (int i = 0; i <= body.length(); i++) {
      char c = i < body.length() ? body.charAt(i) : ',';
      depth += c == '[' ? 1 : c == ']' ? -1 : 0;
      if (c == ',' && depth == 0 && (i == body.length() || body.startsWith(", ", i))) {
        String field = body.substring(from, i);
        int equals = field.indexOf('=');
        fields.put(field.substring(0, equals), field.substring(equals + 1));
        from = i + 2;
      }
    }
    return fields;
  }

  private static String text(Map<String, String> fields, String name) {
    String value = fields.get(name);
    return "null".equals(value) ? null : value;
  }

  private static long number(Map<String, String> fields, String name) {
    return Long.parseLong(fields.get(name));
  }

  private static Long optional(Map<String, String> fields, String name) {
    String value = text(fields, name);
    return value == null ? null : Long.valueOf(value);
  }

  private static List<String> list(String value) {
    String items = value.substring(1, value.length() - 1);
    return items.isEmpty() ? List.of() : List.of(items.split(", "));
  }

  synchronized List<Op> ops() {
    return Collections.unmodifiableList(new ArrayList<>(ops));
  }

  synchronized List<Delivery> deliveries() {
    return Collections.unmodifiableList(new ArrayList<>(deliveries));
  }

  synchronized List<Fault> faults() {
    return Collections.unmodifiableList(new ArrayList<>(faults));
  }

  /** The sessions that ended, by their clients or by the cluster. */
  public synchronized Set<String> endedSessions() {
    Set<String> ended = new HashSet<>();
    sessionEnds.forEach(end -> ended.add(end.session()));
    return ended;
  }

  synchronized List<SessionEnd> sessionEnds() {
    return Collections.unmodifiableList(new ArrayList<>(sessionEnds));
  }

  synchronized List<ReplayCut> replayCuts() {
    return Collections.unmodifiableList(new ArrayList<>(replayCuts));
  }

  synchronized List<StreamEnd> streamEnds() {
    return Collections.unmodifiableList(new ArrayList<>(streamEnds));
  }

  synchronized List<SockEvent> sockEvents() {
    return Collections.unmodifiableList(new ArrayList<>(sockEvents));
  }

  synchronized List<Chain> chains() {
    return Collections.unmodifiableList(new ArrayList<>(chains));
  }

  synchronized List<String> liveStreams() {
    return Collections.unmodifiableList(new ArrayList<>(liveStreams));
  }

  synchronized long endNanos() {
    return endNanos;
  }

  synchronized long graceNanos() {
    return graceNanos;
  }
}
