package io.hooknet.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A private network for fault injection: one network namespace per host, each with a veth into a switch namespace
 * that bridges them, on one /24 of the test range 198.18.0.0/15 and no other network. This process reaches every
 * host through a veth of its own at {@code .254}, which no cut touches, so a test can watch both sides of a split.
 *
 * <p>A cut between two hosts is a pair of blackhole routes, one in each namespace: the kernel drops what either
 * sends to the other, and open connections fail at their next write. Needs root ({@code ip netns}).
 */
final class NetNamespaces implements AutoCloseable {

  private final String prefix;
  private final int subnet;
  private final int hosts;
  private final List<String> cuts = new ArrayList<>();
  private final Set<Integer> shaped = new TreeSet<>();
  private boolean up;

  private NetNamespaces(int hosts) {
    this.prefix = "hn" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    this.subnet = ThreadLocalRandom.current().nextInt(1, 255);
    this.hosts = hosts;
  }

  /** Whether this process may create network namespaces (root with iproute2). */
  static boolean available() {
    return "root".equals(System.getProperty("user.name")) && run(false, "ip", "netns", "list").isEmpty();
  }

  /** Creates {@code hosts} namespaces, each at {@link #address}, all reachable from this process. */
  static NetNamespaces create(int hosts) {
    NetNamespaces net = new NetNamespaces(hosts);
    try {
      net.build();
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
    return net;
  }

  private void build() {
    String sw = prefix + "sw";
    ip("netns", "add", sw);
    up = true;
    ip("-n", sw, "link", "add", "br0", "type", "bridge");
    ip("-n", sw, "link", "set", "br0", "up");
    for (int i = 0; i < hosts; i++) {
      String ns = namespace(i);
      ip("netns", "add", ns);
      ip("-n", ns, "link", "set", "lo", "up");
      ip("link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", "p" + i, "netns", sw);
      ip("-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
      ip("-n", ns, "link", "set", "eth0", "up");
      plug(sw, "p" + i);
    }
    ip("link", "add", prefix + "h", "type", "veth", "peer", "name", "ph", "netns", sw);
    ip("addr", "add", "198.18." + subnet + ".254/24", "dev", prefix + "h");
    ip("link", "set", prefix + "h", "up");
    plug(sw, "ph");
  }

  private void plug(String sw, String port) {
    ip("-n", sw, "link", "set", port, "master", "br0");
    ip("-n", sw, "link", "set", port, "up");
  }

  /** How many hosts there are. */
  int size() {
    return hosts;
  }

  /** Host {@code index}'s namespace. */
  String namespace(int index) {
    return prefix + "n" + index;
  }

  /** Host {@code index}'s address, {@code 198.18.<subnet>.<index + 1>}. */
  String address(int index) {
    return "198.18." + subnet + "." + (index + 1);
  }

  /** {@code command} run in host {@code index}'s namespace. */
  List<String> inside(int index, List<String> command) {
    List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace(index)));
    wrapped.addAll(command);
    return wrapped;
  }

  /** Cuts every host of {@code side} off from every host not in it. */
  void split(List<Integer> side) {
    for (int a : side) {
      for (int b = 0; b < hosts; b++) {
        if (!side.contains(b)) {
          cut(a, b);
        }
      }
    }
  }

  /** Drops all traffic between hosts {@code a} and {@code b}, both ways. */
  void cut(int a, int b) {
    blackhole("add", a, b);
    blackhole("add", b, a);
  }

  /** Drops what host {@code from} sends to host {@code to}, but not the other way: a one-way partition. */
  void cutOneWay(int from, int to) {
    blackhole("add", from, to);
  }

  /**
   * Drops what host {@code from} sends to host {@code to} except TCP to or from port {@code kept} (Hazelcast's): the
   * event bus between them is cut one way while the cluster still sees both members (nftables, in {@code from}'s
   * namespace).
   */
  void cutAllBut(int from, int to, int kept) {
    String ns = namespace(from);
    run(true, "ip", "netns", "exec", ns, "nft", "add", "table", "inet", "hooknet_cut");
    run(true, "ip", "netns", "exec", ns, "nft", "add", "chain", "inet", "hooknet_cut", "out",
        "{ type filter hook output priority 0 ; }");
    // (Two "!=" matches in one rule drop the kept port too with this nftables; ranges around it do not.)
    String others = "{ 0-" + (kept - 1) + ", " + (kept + 1) + "-65535 }";
    run(true, "ip", "netns", "exec", ns, "nft", "add", "rule", "inet", "hooknet_cut", "out", "ip", "daddr",
        address(to), "tcp", "dport", others, "tcp", "sport", others, "drop");
    shaped.add(from);
  }

  /**
   * Makes host {@code index}'s link lossy: it drops {@code percent} % of the packets it receives from the other
   * hosts, at random (nftables {@code numgen random}).
   */
  void lossy(int index, int percent) {
    String ns = namespace(index);
    run(true, "ip", "netns", "exec", ns, "nft", "add", "table", "inet", "hooknet_loss");
    run(true, "ip", "netns", "exec", ns, "nft", "add", "chain", "inet", "hooknet_loss", "in",
        "{ type filter hook input priority 0 ; }");
    run(true, "ip", "netns", "exec", ns, "nft", "add", "rule", "inet", "hooknet_loss", "in", "ip", "saddr",
        "198.18." + subnet + ".0/24", "ip", "saddr", "!=", "198.18." + subnet + ".254", "numgen", "random", "mod",
        "100", "<", Integer.toString(percent), "drop");
    shaped.add(index);
  }

  /** Makes host {@code index}'s outgoing link slow: a token bucket of {@code kbit} kbit/s ({@code tc tbf}). */
  void slow(int index, int kbit) {
    run(true, "ip", "netns", "exec", namespace(index), "tc", "qdisc", "add", "dev", "eth0", "root", "tbf", "rate",
        kbit + "kbit", "burst", "32kbit", "latency", "400ms");
    shaped.add(index);
  }

  /** Removes every cut, loss and shaping. */
  void heal() {
    for (String cut : List.copyOf(cuts)) {
      String[] parts = cut.split(" ");
      blackhole("del", Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }
    for (int index : List.copyOf(shaped)) {
      run(false, "ip", "netns", "exec", namespace(index), "nft", "delete", "table", "inet", "hooknet_loss");
      run(false, "ip", "netns", "exec", namespace(index), "nft", "delete", "table", "inet", "hooknet_cut");
      run(false, "ip", "netns", "exec", namespace(index), "tc", "qdisc", "del", "dev", "eth0", "root");
    }
    shaped.clear();
  }

  private void blackhole(String action, int from, int to) {
    String cut = from + " " + to;
    if (action.equals("add") == cuts.contains(cut)) {
      return;
    }
    ip("-n", namespace(from), "route", action, "blackhole", address(to) + "/32");
    if (action.equals("add")) {
      cuts.add(cut);
    } else {
      cuts.remove(cut);
    }
  }

  @Override
  public void close() {
    if (!up) {
      return;
    }
    run(false, "ip", "link", "del", prefix + "h");
    for (int i = 0; i < hosts; i++) {
      run(false, "ip", "netns", "del", namespace(i));
    }
    run(false, "ip", "netns", "del", prefix + "sw");
    up = false;
  }

  private static void ip(String... args) {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    run(true, command.toArray(String[]::new));
  }

  /** Runs a command; gives its error output (empty when it succeeded), or throws when {@code check} and it failed. */
  private static String run(boolean check, String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int rc = process.waitFor();
      if (rc == 0) {
        return "";
      }
      if (check) {
        throw new IllegalStateException(String.join(" ", command) + " failed (" + rc + "): " + output);
      }
      return output.isEmpty() ? "exit " + rc : output;
    } catch (IOException e) {
      if (check) {
        throw new IllegalStateException("cannot run " + String.join(" ", command), e);
      }
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
