package io.hooknet.cluster;

/** How a node finds the other members of its cluster; each mode has its Hazelcast configuration file. */
public enum JoinMode {
  /** Every member on this host, on 127.0.0.1, found by TCP-IP join: the embedded default. */
  LOOPBACK("hazelcast-loopback.xml"),
  /** TCP-IP join with an explicit member list. */
  TCP("hazelcast-tcp.xml"),
  /** Multicast discovery. */
  MULTICAST("hazelcast-multicast.xml"),
  /** Kubernetes discovery through the API server. */
  KUBERNETES("hazelcast-kubernetes.xml");

  private final String configFile;

  JoinMode(String configFile) {
    this.configFile = configFile;
  }

  /** The Hazelcast configuration this mode starts from, a resource beside this class. */
  public String configFile() {
    return configFile;
  }
}
