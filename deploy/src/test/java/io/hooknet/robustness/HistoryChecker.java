package io.hooknet.robustness;

import io.hooknet.codec.Errno;
import io.hooknet.robustness.History.Chain;
import io.hooknet.robustness.History.Delivery;
import io.hooknet.robustness.History.Op;
import io.hooknet.robustness.History.SessionEnd;
import io.hooknet.robustness.History.SockEvent;
import io.hooknet.robustness.History.StreamEnd;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Checks a {@link History} against the rules of {@code docs/guarantees.md}, one method per rule, each named as
 * there. A violation carries the smallest part of the history that shows it, so that it can be read without the
 * rest, and the report names the seed that replays the run.
 */
public final class HistoryChecker {

  /** Changes a callback is told when a hook goes, other than at a replay's start. */
  static final Set<String> REMOVAL_CAUSES = Set.of("UNREGISTERED", "CLIENT_LEFT", "NODE_LEFT", "MERGE_CONFLICT");
  /** The removals after which a hook does not come back unless its owner registers it again. */
  static final Set<String> GONE_FOR_GOOD = Set.of("UNREGISTERED", "CLIENT_LEFT");
  /** How long after its grace period a departed session's hooks may still be seen (its node's death detected). */
  static final long OWNER_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(15);

  /** The stream name prefix of what an owner is told on {@code hooknet.session.<id>}. */
  public static final String OWNER_NOTICES = "owner:";

  /** A broken rule, and the records that show it. */
  public record Violation(String rule, String message, List<String> excerpt) {
    @Override
    public String toString() {
      return "VIOLATION " + rule + ": " + message + excerpt.stream().map(line -> "\n    " + line)
          .collect(Collectors.joining());
    }
  }

  private final History history;
  private final List<Violation> violations = new ArrayList<>();

  /** By stream, where its replays were cut with their connection ({@link History.ReplayCut}), in order. */
  private final Map<String, List<Long>> cuts = new HashMap<>();

  private HistoryChecker(History history) {
    this.history = history;
    history.replayCuts().forEach(cut -> cuts.computeIfAbsent(cut.stream(), s -> new ArrayList<>()).add(cut.index()));
  }

  /**
   * Whether {@code d}'s stream had a replay cut with its connection after {@code previous} (the stream's delivery
   * before {@code d}; null for none) and before {@code d}: what came of that replay is void.
   */
  private boolean cutBefore(Delivery previous, Delivery d) {
    long after = previous == null ? -1 : previous.index();
    return cuts.getOrDefault(d.stream(), List.of()).stream().anyMatch(cut -> cut > after && cut < d.index());
  }

  /** Every rule broken in {@code history}; empty when it keeps them all. */
  public static List<Violation> check(History history) {
    HistoryChecker checker = new HistoryChecker(history);
    checker.streamOrder();
    checker.oneIdentity();
    checker.converged();
    checker.acknowledged();
    checker.fold();
    checker.teardown();
    checker.ownerGone();
    checker.goneForGood();
    checker.sockEvents();
    return List.copyOf(checker.violations);
  }

  /**
   * Checks a history a run wrote ({@code deploy/target/robustness-<seed>.history}) again, as
   * {@code bin/hooknet-robustness --check <file>} does: prints the report; exits 1 on a violation.
   */
  public static void main(String[] args) throws java.io.IOException {
    if (args.length != 1) {
      System.err.println("usage: HistoryChecker <history file>");
      System.exit(2);
    }
    History history = History.load(java.nio.file.Path.of(args[0]));
    List<Violation> violations = check(history);
    System.out.print(report(history, violations));
    System.exit(violations.isEmpty() ? 0 : 1);
  }

  /** The report of {@link #check}: the violations, and how to replay the run. */
  public static String report(History history, List<Violation> violations) {
    StringBuilder report = new StringBuilder();
    violations.forEach(violation -> report.append(violation).append('\n'));
    report.append(violations.size()).append(" violation(s); replay with: bin/hooknet-robustness --seed ")
        .append(history.seed()).append('\n');
    return report.toString();
  }

  private void violation(String rule, String message, List<?> records) {
    violations.add(new Violation(rule, message, records.stream().map(String::valueOf).toList()));
  }

  /** The callback streams; an owner's notices of hooks it lost ({@code owner:<session>}) are not one. */
  private Map<String, List<Delivery>> streams() {
    Map<String, List<Delivery>> streams = new LinkedHashMap<>();
    history.deliveries().stream().filter(d -> !d.stream().startsWith(OWNER_NOTICES))
        .forEach(d -> streams.computeIfAbsent(d.stream(), s -> new ArrayList<>()).add(d));
    return streams;
  }

  /**
   * stream-order: after each HN_SYNCED a stream's changes follow its seq one by one — no gap, no duplicate (the
   * epoch may change with a change that continues the numbering) — no HN_SYNCED is behind the last change seen in
   * its epoch, a catch-up (HN_SYNCED marked REPLAY after the first, with no replayed chain) ahead of it in its epoch
   * gives the changes between, and a replay ends with HN_SYNCED before any live change (unless its connection ended
   * first: that voids it).
   */
  private void streamOrder() {
    streams().forEach((stream, events) -> {
      Delivery last = null;
      boolean inReplay = false;
      boolean replayed = false;
      List<Delivery> recent = new ArrayList<>();
      Delivery previous = null;
      for (Delivery d : events) {
        if (cutBefore(previous, d)) {
          inReplay = false;
          replayed = false;
        }
        previous = d;
        recent.add(d);
        if (recent.size() > 4) {
          recent.remove(0);
        }
        if ("HN_SYNCED".equals(d.cmd())) {
          if (last != null && d.epoch() == last.epoch() && d.seq() < last.seq()) {
            violation("stream-order", stream + ": HN_SYNCED at seq " + d.seq() + " after seq " + last.seq()
                + " was seen (travelling back)", recent);
          } else if (last != null && d.epoch() == last.epoch() && d.seq() > last.seq() && !replayed
              && "REPLAY".equals(d.cause())) {
            violation("stream-order", stream + ": gap: a catch-up to seq " + d.seq() + " after seq " + last.seq()
                + " gave none of the changes between", recent);
          }
          inReplay = false;
          replayed = false;
          last = d;
        } else if (d.replay()) {
          inReplay = true;
          replayed = true;
        } else if (inReplay) {
          violation("stream-order", stream + ": a live change inside a replay that never ended", recent);
        } else if (last == null) {
          violation("stream-order", stream + ": a live change before the first HN_SYNCED", recent);
        } else if (d.seq() <= last.seq()) {
          violation("stream-order", stream + ": duplicate: seq " + d.seq() + " after seq " + last.seq(), recent);
        } else if (d.seq() > last.seq() + 1) {
          violation("stream-order", stream + ": gap: seq " + d.seq() + " after seq " + last.seq() + " (missing "
              + (d.seq() - last.seq() - 1) + ")", recent);
          last = d;
        } else {
          last = d;
        }
      }
    });
  }

  /** one-identity: an (event, epoch, seq) stands for one change, in every stream. */
  private void oneIdentity() {
    Map<String, Delivery> seen = new HashMap<>();
    Set<String> reported = new HashSet<>();
    for (Delivery d : history.deliveries()) {
      if (d.replay() || "HN_SYNCED".equals(d.cmd()) || d.stream().startsWith(OWNER_NOTICES)) {
        continue;
      }
      String identity = d.event() + "@" + d.epoch() + "." + d.seq();
      Delivery first = seen.putIfAbsent(identity, d);
      if (first != null && !(first.cmd().equals(d.cmd()) && Objects.equals(first.hook(), d.hook())
          && Objects.equals(first.owner(), d.owner())) && reported.add(identity)) {
        violation("one-identity", identity + " stands for two changes", List.of(first, d));
      }
    }
  }

  /** converged: every node lists the same chain of each event, with one owner per name. */
  private void converged() {
    Map<String, List<Chain>> byEvent = new TreeMap<>();
    history.chains().forEach(chain -> byEvent.computeIfAbsent(chain.event(), e -> new ArrayList<>()).add(chain));
    byEvent.forEach((event, chains) -> {
      Chain first = chains.get(0);
      for (Chain chain : chains) {
        if (!chain.hooks().equals(first.hooks()) || !chain.owners().equals(first.owners())) {
          violation("converged", event + ": nodes " + first.node() + " and " + chain.node()
              + " list different chains", List.of(first, chain));
        }
        Set<String> names = new HashSet<>(chain.hooks());
        if (names.size() != chain.hooks().size()) {
          violation("converged", event + ": node " + chain.node() + " lists a name twice", List.of(chain));
        }
      }
    });
  }

  /**
   * acknowledged: each registration that was answered with a seq is in the final chain with its owner, or its
   * removal was told to a callback (or to its owner) with a typed cause. A registration whose streams all ended
   * while it was there (made on a side of a split whose callbacks all went before the merge, and lost at the merge)
   * is accounted for by what became of its owner afterwards: its session was not resumed (the other side ended it),
   * its own unregistration of the name was answered, or its client went away; what the callbacks were told of is
   * checked stream by stream (fold).
   */
  private void acknowledged() {
    Map<String, List<Op>> acked = new LinkedHashMap<>();
    for (Op op : history.ops()) {
      if (op.ok() && "hook.register".equals(op.op())) {
        acked.computeIfAbsent(key(op.event(), op.hook(), History.owner(op.node(), op.session())),
            k -> new ArrayList<>()).add(op);
      }
    }
    Map<String, Set<String>> removals = new HashMap<>();
    for (Delivery d : history.deliveries()) {
      if ("HN_UNREGISTER".equals(d.cmd()) && REMOVAL_CAUSES.contains(d.cause())) {
        removals.computeIfAbsent(key(d.event(), d.hook(), d.owner()), k -> new HashSet<>())
            .add(d.epoch() + "." + d.seq() + "." + d.cause());
      }
    }
    resyncedAway(removals);
    Map<String, Chain> finalChains = new HashMap<>();
    history.chains().forEach(chain -> finalChains.putIfAbsent(chain.event(), chain));
    acked.forEach((key, ops) -> {
      Op op = ops.get(0);
      Chain chain = finalChains.get(op.event());
      boolean present = false;
      if (chain != null) {
        int at = chain.hooks().indexOf(op.hook());
        present = at >= 0 && chain.owners().get(at).equals(History.owner(op.node(), op.session()));
      }
      int removed = removals.getOrDefault(key, Set.of()).size();
      int registrations = ops.size() - remadeAcrossASplit(key, ops) - goneToItsOwner(key, ops);
      if (registrations > (present ? 1 : 0) + removed) {
        List<Object> excerpt = new ArrayList<>(ops);
        if (chain != null) {
          excerpt.add(chain);
        }
        excerpt.addAll(whatBecameOf(key, op));
        violation("acknowledged", key + ": " + ops.size() + " acknowledged registration(s), "
            + (present ? "1 in the final chain" : "none in the final chain") + ", " + removed
            + " removal(s) told", excerpt);
      }
    });
  }

  /**
   * What the history tells of registration {@code op} and its owner after it, in short lines, so that a failed run's
   * output alone shows what became of it: the faults from 20 s before it on, the owner's later operations on the
   * name, every delivery of the registration and of the seq it was answered with, and the ends of the owner's
   * session and of the streams told of it.
   */
  private List<String> whatBecameOf(String key, Op op) {
    String owner = History.owner(op.node(), op.session());
    long from = op.startNanos() - TimeUnit.SECONDS.toNanos(20);
    List<String> lines = new ArrayList<>();
    history.faults().stream().filter(f -> f.endNanos() >= from && (f.target().startsWith("n")
        || f.target().equals(op.client()))).forEach(f -> lines.add(String.format("fault %s %s %.2f-%.2f s",
            f.kind(), f.target(), seconds(f.startNanos()), seconds(f.endNanos()))));
    history.ops().stream().filter(o -> o.index() != op.index() && o.startNanos() >= op.startNanos()
        && owner.equals(History.owner(o.node(), o.session())) && op.hook().equals(o.hook())
        && op.event().equals(o.event())).forEach(o -> lines.add(String.format("then %s by %s at %s %.2f-%.2f s: "
            + "errno %d, seq %s", o.op(), o.client(), o.node(), seconds(o.startNanos()), seconds(o.endNanos()),
            o.errno(), o.seq())));
    Set<String> told = new HashSet<>();
    history.deliveries().stream().filter(d -> d.event().equals(op.event()) && (key.equals(key(d.event(), d.hook(),
        d.owner())) || op.seq() != null && d.seq() == op.seq() && !"HN_SYNCED".equals(d.cmd())))
        .forEach(d -> {
          told.add(d.stream());
          lines.add(String.format("told %s %s/%s %d.%d%s%s at %.2f s to %s", d.cmd(), d.hook(), d.owner(),
              d.epoch(), d.seq(), d.replay() ? " replay" : "", d.cause() == null ? "" : " " + d.cause(),
              seconds(d.atNanos()), d.stream()));
        });
    history.sessionEnds().stream().filter(end -> end.session().equals(owner)).forEach(end -> lines.add(
        String.format("session ended %s at %.2f s", end.byCluster() ? "by the cluster" : "by its client",
            seconds(end.endedNanos()))));
    history.streamEnds().stream().filter(end -> told.contains(end.stream())).forEach(end -> lines.add(
        String.format("stream ended at %.2f s: %s", seconds(end.endedNanos()), end.stream())));
    return lines;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /**
   * Adds to {@code removals} the hooks a stream held that a replay marked RESYNC, given in their place, lacks: a
   * callback resumed on a node that never delivered it (its client came back elsewhere) has no view there to tell
   * the hooks gone from, and the replay replaces its view ({@code docs/guarantees.md}).
   */
  private void resyncedAway(Map<String, Set<String>> removals) {
    streams().values().forEach(events -> held(events, (synced, gone) -> gone.forEach(entry -> removals
        .computeIfAbsent(synced.event() + "/" + entry, k -> new HashSet<>())
        .add(synced.epoch() + "." + synced.seq() + ".RESYNC"))));
  }

  /**
   * The chain a stream's callback holds after {@code events}, as {@code hook/owner} entries in order: each replay,
   * ended by HN_SYNCED, replaces it (one cut with its connection changes nothing); {@code resynced} is given the end of each replay marked RESYNC with the
   * entries held before it that the replay lacks.
   */
  private List<String> held(List<Delivery> events, BiConsumer<Delivery, List<String>> resynced) {
    List<String> view = new ArrayList<>();
    List<String> replaying = null;
    /** The view before the replay under way: a replay cut with its connection leaves it as it was. */
    List<String> beforeReplay = null;
    boolean started = false;
    Delivery previous = null;
    for (Delivery d : events) {
      if (previous != null && cutBefore(previous, d) && beforeReplay != null) {
        view = beforeReplay;
        replaying = null;
        beforeReplay = null;
      }
      previous = d;
      String entry = d.hook() + "/" + d.owner();
      if (d.replay() && beforeReplay == null && !"HN_SYNCED".equals(d.cmd())) {
        beforeReplay = new ArrayList<>(view);
      }
      if ("HN_SYNCED".equals(d.cmd())) {
        beforeReplay = null;
        if (replaying != null || "RESYNC".equals(d.cause()) || !started) {
          List<String> replay = replaying == null ? new ArrayList<>() : replaying;
          if ("RESYNC".equals(d.cause())) {
            resynced.accept(d, view.stream().filter(held -> !replay.contains(held)).toList());
          }
          view = replay;
        }
        replaying = null;
        started = true;
      } else if (d.replay() && "HN_REGISTER".equals(d.cmd())) {
        if (replaying == null) {
          replaying = new ArrayList<>();
        }
        replaying.add(entry);
      } else if ("HN_REGISTER".equals(d.cmd())) {
        view.add(Math.max(0, Math.min(d.position(), view.size())), entry);
      } else {
        view.remove(entry);
      }
    }
    return view;
  }


  /**
   * How many of {@code ops} (acknowledged registrations of one name by one owner) are owed to nobody: every stream
   * told of the registration ended (with its session, or by its teardown while the registration was there), and
   * its client afterwards found the session ended by the cluster, had its own unregistration of the name
   * answered, or went away. Only the owner could have been told what became of it then (a registration made on a
   * side of a split whose callbacks all went before the merge, lost at the merge: {@code MERGE_CONFLICT} on the
   * session's notices, or nothing to a client gone). Observers, subscribed from start to end, are told every change
   * of their lineage, so a registration they knew of is never owed to nobody.
   */
  private int goneToItsOwner(String key, List<Op> ops) {
    Set<String> endedStreams = new HashSet<>();
    history.streamEnds().forEach(end -> endedStreams.add(end.stream()));
    int ended = 0;
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      // What streams were told of the owner's next registration of the name is that registration's.
      Long until = i + 1 < ops.size() && ops.get(i + 1).seq() != null && op.seq() != null
          && ops.get(i + 1).seq() > op.seq() ? ops.get(i + 1).seq() : null;
      boolean foundEnded = op.session() != null && history.sessionEnds().stream().anyMatch(end -> end.byCluster()
          && end.session().equals(op.session()) && end.endedNanos() > op.endNanos());
      boolean unregistered = history.ops().stream().anyMatch(other -> other.ok()
          && "hook.unregister".equals(other.op()) && other.hook().equals(op.hook())
          && other.event().equals(op.event()) && other.startNanos() > op.endNanos()
          && History.owner(other.node(), other.session()).equals(History.owner(op.node(), op.session())));
      // Its client went away (or its node was killed) after it was made where no observer saw it: on a side of a
      // split no stream watched, or one whose streams all ended (observers, there from start to end, would have
      // been told otherwise).
      String owner = History.owner(op.node(), op.session());
      boolean left = (onASideOfASplit(key, op) || toldToAStream(key, op)) && history.sessionEnds().stream()
          .anyMatch(end -> end.session().equals(owner) && end.endedNanos() > op.endNanos());
      if ((foundEnded || unregistered || left) && toldOnlyToEndedStreams(key, op, until, endedStreams)) {
        ended++;
      }
    }
    return ended;
  }

  /**
   * Whether registration {@code op} was made on a side of a split no stream watched: its seq numbers another change
   * that a stream was told. If it then loses its name at the merge, only its owner is told ({@code MERGE_CONFLICT}
   * on the session's notices), and an owner whose client has gone by then is told nothing.
   */
  private boolean onASideOfASplit(String key, Op op) {
    return op.seq() != null && history.deliveries().stream().anyMatch(d -> !d.replay()
        && !"HN_SYNCED".equals(d.cmd()) && d.event().equals(op.event()) && d.seq() == op.seq()
        && !key.equals(key(d.event(), d.hook(), d.owner())));
  }

  private boolean toldToAStream(String key, Op op) {
    return op.seq() != null && history.deliveries().stream().anyMatch(d -> "HN_REGISTER".equals(d.cmd())
        && key.equals(key(d.event(), d.hook(), d.owner())) && d.seq() >= op.seq());
  }

  /**
   * Whether every stream told of registration {@code op} (before seq {@code until}, the owner's next registration
   * of the name, when known) ended: with its session, or by its own teardown while the registration was still
   * there (the teardown names it). A callback unregistered is owed nothing after its
   * teardown; one whose teardown lacks the registration was not told of its removal. A stream told of the name
   * under an epoch that numbers {@code op}'s seq another change follows another lineage: what it holds is an
   * earlier registration of the name that lineage kept, not {@code op} — unless that lineage registered the name
   * after {@code op}'s seq (a merge putting {@code op} back), which may be {@code op}.
   */
  private boolean toldOnlyToEndedStreams(String key, Op op, Long until, Set<String> endedStreams) {
    Set<String> tornDownWithIt = new HashSet<>();
    history.deliveries().stream().filter(d -> "TEARDOWN".equals(d.cause())
        && key.equals(key(d.event(), d.hook(), d.owner()))).forEach(d -> tornDownWithIt.add(d.stream()));
    return history.deliveries().stream().noneMatch(d -> "HN_REGISTER".equals(d.cmd())
        && key.equals(key(d.event(), d.hook(), d.owner())) && op.seq() != null && d.seq() >= op.seq()
        && (until == null || d.seq() < until) && !endedStreams.contains(d.stream())
        && !tornDownWithIt.contains(d.stream()) && !ofAnotherLineage(d, op.seq(), key));
  }

  /**
   * Whether {@code d}, a stream told of {@code key} under its epoch at its seq, is told of a registration other
   * than the one answered with {@code seq}: the epoch numbers {@code seq} another change, and no registration of
   * {@code key} it numbers after {@code seq}, up to {@code d}, was told.
   */
  private boolean ofAnotherLineage(Delivery d, long seq, String key) {
    return anotherChange(d.event(), d.epoch(), seq, key) && history.deliveries().stream().noneMatch(r -> !r.replay()
        && "HN_REGISTER".equals(r.cmd()) && r.event().equals(d.event()) && r.epoch() == d.epoch() && r.seq() > seq
        && r.seq() <= d.seq() && key.equals(key(r.event(), r.hook(), r.owner())));
  }

  /**
   * Whether a stream was told change {@code (epoch, seq)} of {@code event} live and it was not a registration of
   * {@code key}: the lineage numbering under {@code epoch} gave {@code seq} to another change ({@code one-identity}).
   */
  private boolean anotherChange(String event, long epoch, long seq, String key) {
    return history.deliveries().stream().anyMatch(d -> !d.replay() && !"HN_SYNCED".equals(d.cmd())
        && !d.stream().startsWith(OWNER_NOTICES) && d.event().equals(event) && d.epoch() == epoch
        && d.seq() == seq && !("HN_REGISTER".equals(d.cmd()) && key.equals(key(d.event(), d.hook(), d.owner()))));
  }

  /**
   * How many of {@code ops} (acknowledged registrations of one name by one owner) were made on a side of a split
   * and made again by the same owner, on the other side, before any removal of it was told: the merge keeps one
   * registration of the two, and one removal accounts for both. A registration was made on a side of a split when
   * its seq also numbers another change, under another epoch, that a callback was told, or when the owner's next
   * registration of the name, made later, was numbered lower.
   */
  private int remadeAcrossASplit(String key, List<Op> ops) {
    Map<Long, Set<Long>> epochsOfSeq = new HashMap<>();
    Map<Long, Long> epochOfAck = new HashMap<>();
    for (Delivery d : history.deliveries()) {
      if (!d.replay() && !"HN_SYNCED".equals(d.cmd())) {
        epochsOfSeq.computeIfAbsent(d.seq(), seq -> new HashSet<>()).add(d.epoch());
        if ("HN_REGISTER".equals(d.cmd()) && key.equals(key(d.event(), d.hook(), d.owner()))) {
          epochOfAck.putIfAbsent(d.seq(), d.epoch());
        }
      }
    }
    int remade = 0;
    for (int i = 0; i + 1 < ops.size(); i++) {
      Op op = ops.get(i);
      Op next = ops.get(i + 1);
      Long epoch = op.seq() == null ? null : epochOfAck.get(op.seq());
      // Within one lineage a later change has a higher seq: a later registration numbered lower, or an answer to
      // the owner between the two below the first's seq, is from another side.
      boolean numberedBack = op.seq() != null && next.seq() != null && next.seq() <= op.seq()
          && next.startNanos() > op.endNanos() || answeredBelow(key, op, next);
      if ((numberedBack || epoch != null && epochsOfSeq.getOrDefault(op.seq(), Set.of()).stream()
          .anyMatch(e -> !e.equals(epoch))) && !removalToldBetween(key, op, next)) {
        remade++;
      }
    }
    return remade;
  }

  /**
   * Whether the owner of registration {@code op} was answered, after it and before its next registration of the
   * name {@code next}, with a seq below {@code op}'s: it was then served by a lineage without {@code op}.
   */
  private boolean answeredBelow(String key, Op op, Op next) {
    String owner = History.owner(op.node(), op.session());
    return op.seq() != null && history.ops().stream().anyMatch(other -> other.seq() != null
        && other.seq() < op.seq() && other.startNanos() > op.endNanos() && other.endNanos() < next.startNanos()
        && other.event().equals(op.event()) && History.owner(other.node(), other.session()).equals(owner));
  }

  /** Whether a stream was told a removal of {@code key} between {@code first}'s registration and {@code next}'s. */
  private boolean removalToldBetween(String key, Op first, Op next) {
    Map<String, List<Delivery>> streams = streams();
    for (List<Delivery> events : streams.values()) {
      boolean afterFirst = false;
      for (Delivery d : events) {
        boolean ours = key.equals(key(d.event(), d.hook(), d.owner())) && !d.replay();
        if (ours && "HN_REGISTER".equals(d.cmd()) && Objects.equals(d.seq(), first.seq())) {
          afterFirst = true;
        } else if (ours && "HN_REGISTER".equals(d.cmd()) && Objects.equals(d.seq(), next.seq())) {
          break;
        } else if (afterFirst && ours && "HN_UNREGISTER".equals(d.cmd()) && REMOVAL_CAUSES.contains(d.cause())
            && (next.seq() == null || d.seq() < next.seq())) {
          return true;
        }
      }
    }
    return false;
  }

  /** fold: a callback registered at the end, having seen its replay and every change, holds the final chain. */
  private void fold() {
    Map<String, List<Delivery>> streams = streams();
    Map<String, Chain> finalChains = new HashMap<>();
    history.chains().forEach(chain -> finalChains.putIfAbsent(chain.event(), chain));
    for (String stream : history.liveStreams()) {
      List<Delivery> events = streams.getOrDefault(stream, List.of());
      if (events.isEmpty()) {
        continue;
      }
      List<String> view = held(events, (synced, gone) -> { });
      Chain chain = finalChains.get(events.get(0).event());
      List<String> expected = new ArrayList<>();
      if (chain != null) {
        for (int i = 0; i < chain.hooks().size(); i++) {
          expected.add(chain.hooks().get(i) + "/" + chain.owners().get(i));
        }
      }
      if (!view.equals(expected)) {
        List<Object> excerpt = new ArrayList<>(events.subList(Math.max(0, events.size() - 6), events.size()));
        excerpt.add(chain);
        violation("fold", stream + " folds to " + view + ", the final chain is " + expected, excerpt);
      }
    }
  }

  /**
   * teardown: a callback's teardown names every hook it holds: one whose removal never reached it is told gone
   * first ({@code MERGE_CONFLICT}), so that the callback misses no removal.
   */
  private void teardown() {
    Set<String> cut = new HashSet<>();
    history.streamEnds().stream().filter(StreamEnd::unanswered).forEach(end -> cut.add(end.stream()));
    streams().forEach((stream, events) -> {
      int from = 0;
      for (int i = 0; i < events.size(); i++) {
        if (!"TEARDOWN".equals(events.get(i).cause()) || i > 0 && "TEARDOWN".equals(events.get(i - 1).cause())) {
          continue;
        }
        int end = i;
        Set<String> torn = new HashSet<>();
        while (end < events.size() && "TEARDOWN".equals(events.get(end).cause())) {
          torn.add(events.get(end).hook() + "/" + events.get(end).owner());
          end++;
        }
        List<String> held = held(events.subList(from, i), (synced, gone) -> { });
        held.removeAll(torn);
        // A teardown that ends a stream whose unregistration got no answer may have been cut short with the
        // connection (its node killed while sending it): the client never learnt the callback was gone that way.
        boolean cutShort = end == events.size() && cut.contains(stream);
        if (!held.isEmpty() && !cutShort) {
          List<Object> excerpt = new ArrayList<>(events.subList(Math.max(from, i - 3), end));
          violation("teardown", stream + ": torn down at seq " + events.get(i).seq() + " without " + held
              + ", which it held and was not told gone", excerpt);
        }
        from = end;
      }
    });
  }

  /** owner-gone: no hook outlives its session by more than the grace period (and the detection of a death). */
  private void ownerGone() {
    for (SessionEnd end : history.sessionEnds()) {
      if (history.endNanos() - end.endedNanos() < history.graceNanos() + OWNER_MARGIN_NANOS) {
        continue;
      }
      for (Chain chain : history.chains()) {
        if (chain.owners().contains(end.session())) {
          violation("owner-gone", "session " + end.session() + " ended "
              + TimeUnit.NANOSECONDS.toSeconds(history.endNanos() - end.endedNanos()) + " s before the end, yet "
              + chain.node() + " lists its hook", List.of(end, chain));
        }
      }
    }
  }

  /**
   * gone-for-good: a stream told that a hook went with its client ({@code CLIENT_LEFT}) or was unregistered (by its
   * owner or another client: {@code UNREGISTERED}) is not told it registered again unless its owner registered it
   * again: an ended session registers nothing more, each node that cleans up after it reports each hook once, and
   * an unregistered hook is asserted again by no one. So an owner that asked to register the name once (a register
   * refused with {@code EEXIST} made nothing) must not be told registered after such a removal. Replays do not count
   * (a merge may give back a lineage that still has the hook, which then goes again), nor do removals for a node
   * gone from a view or a merge conflict, after which a merge may rightly assert the hook again.
   */
  private void goneForGood() {
    Map<String, Long> registers = new HashMap<>();
    for (Op op : history.ops()) {
      // A register refused with EEXIST made nothing; any other may have made a registration (one unanswered too).
      if ("hook.register".equals(op.op()) && op.errno() != Errno.EEXIST.number()) {
        registers.merge(key(op.event(), op.hook(), History.owner(op.node(), op.session())), 1L, Long::sum);
      }
    }
    streams().forEach((stream, deliveries) -> {
      Map<String, Delivery> gone = new HashMap<>();
      for (Delivery d : deliveries) {
        if (d.replay() || d.hook() == null || d.owner() == null) {
          continue;
        }
        String key = key(d.event(), d.hook(), d.owner());
        if ("HN_UNREGISTER".equals(d.cmd()) && GONE_FOR_GOOD.contains(d.cause())) {
          gone.putIfAbsent(key, d);
        } else if ("HN_REGISTER".equals(d.cmd()) && gone.containsKey(key) && registers.getOrDefault(key, 0L) <= 1) {
          Delivery removal = gone.remove(key);
          violation("gone-for-good", stream + ": " + d.hook() + " of " + d.owner() + " registered again at seq "
              + d.seq() + " after it went (" + removal.cause() + ") at seq " + removal.seq() + "; its owner asked to "
              + "register it (other than refused with EEXIST) " + registers.getOrDefault(key, 0L) + " time(s)",
              List.of(removal, d));
        }
      }
    });
  }

  /**
   * sock-events: one event per faulted datafd (one seq for it, and one datafd per seq, whoever received it), and
   * each pool's seq increasing over each connection a consumer received them through. A client that moved to
   * another node may hear a publication again from there (event bus publications reach each node on their own).
   */
  private void sockEvents() {
    Map<String, SockEvent> byDatafd = new HashMap<>();
    Map<String, SockEvent> bySeq = new HashMap<>();
    Map<String, SockEvent> lastOverConnection = new HashMap<>();
    for (SockEvent event : history.sockEvents()) {
      String pool = event.node() + "/" + event.pool();
      SockEvent first = byDatafd.putIfAbsent(pool + "/" + event.datafd(), event);
      if (first != null && first.seq() != event.seq()) {
        violation("sock-events", "datafd " + event.datafd() + " of " + pool + " reported twice, as seq "
            + first.seq() + " and " + event.seq(), List.of(first, event));
      }
      SockEvent numbered = bySeq.putIfAbsent(pool + "#" + event.seq(), event);
      if (numbered != null && numbered.datafd() != event.datafd()) {
        violation("sock-events", pool + ": seq " + event.seq() + " numbers datafd " + numbered.datafd() + " and "
            + event.datafd(), List.of(numbered, event));
      }
      SockEvent previous = lastOverConnection.put(pool + "@" + event.receiver() + "/" + event.via(), event);
      if (previous != null && event.seq() <= previous.seq()) {
        violation("sock-events", pool + " to " + event.receiver() + " over " + event.via() + ": seq "
            + event.seq() + " after " + previous.seq(), List.of(previous, event));
      }
    }
  }

  private static String key(String event, String hook, String owner) {
    return event + "/" + hook + "/" + owner;
  }
}
