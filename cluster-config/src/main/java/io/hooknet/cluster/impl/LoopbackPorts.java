package io.hooknet.cluster.impl;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free TCP ports on 127.0.0.1 for nodes started in one JVM (the tests, the benchmarks). They lie below the
 * kernel's ephemeral range (32768 up), where the nodes' own event buses and outgoing connections take theirs, so a
 * port chosen here cannot be taken by them before its node binds it; and each is handed out once per JVM, so two
 * calls made before either node binds cannot collide.
 */
public final class LoopbackPorts {

  /** Lowest and one past the highest port handed out. */
  private static final int FIRST_PORT = 20_000;
  private static final int PORT_SPAN = 12_000;
  private static final AtomicInteger NEXT_PORT = new AtomicInteger(ThreadLocalRandom.current().nextInt(PORT_SPAN));

  private LoopbackPorts() {
  }

  /** {@code count} free ports, distinct from each other and from every port handed out before in this JVM. */
  public static List<Integer> free(int count) {
    List<Integer> ports = new ArrayList<>();
    for (int tried = 0; ports.size() < count; tried++) {
      if (tried == PORT_SPAN) {
        throw new IllegalStateException("no free port in " + FIRST_PORT + ".." + (FIRST_PORT + PORT_SPAN));
      }
      int port = FIRST_PORT + Math.floorMod(NEXT_PORT.getAndIncrement(), PORT_SPAN);
      try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        ports.add(probe.getLocalPort());
      } catch (BindException taken) {
        // in use: the next one
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return ports;
  }

  /** The first of {@code count} consecutive free ports, handed out like {@link #free}. */
  public static int consecutive(int count) {
    while (true) {
      List<Integer> ports = free(count);
      if (ports.get(count - 1) - ports.get(0) == count - 1) {
        return ports.get(0);
      }
    }
  }
}
