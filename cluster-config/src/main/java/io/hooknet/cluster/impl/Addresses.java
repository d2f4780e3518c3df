package io.hooknet.cluster.impl;

import io.hooknet.codec.Errno;
import io.hooknet.codec.HooknetException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Checks of the addresses in cluster settings; no name is resolved. */
public final class Addresses {

  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final Pattern HOSTNAME =
      Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  private Addresses() {
  }

  /** The host part of a member: {@code 10.0.0.1} of {@code 10.0.0.1:5701}, {@code ::1} of {@code [::1]:5701}. */
  public static String hostOf(String member) {
    if (member.startsWith("[")) {
      int close = member.indexOf(']');
      return close < 0 ? member : member.substring(1, close);
    }
    int colon = member.indexOf(':');
    return colon >= 0 && member.indexOf(':', colon + 1) < 0 ? member.substring(0, colon) : member;
  }

  /** The port of a member, -1 when it has none, 0 when it is not a number. */
  public static int portOf(String member) {
    String rest = member.startsWith("[") ? member.substring(member.indexOf(']') + 1) : member;
    int colon = rest.indexOf(':');
    if (colon < 0 || rest.indexOf(':', colon + 1) >= 0) {
      return -1;
    }
    try {
      return Integer.parseInt(rest.substring(colon + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public static void requireMember(String member) {
    if (member == null || member.isBlank()) {
      throw invalid("members", "an entry is empty");
    }
    if (member.startsWith("[") && member.indexOf(']') < 0) {
      throw invalid("members", "'" + member + "' has no closing ']'");
    }
    String host = hostOf(member);
    boolean looksNumeric = host.matches("[0-9.]+");
    if (!isIpLiteral(host) && (looksNumeric || !HOSTNAME.matcher(host).matches())) {
      throw invalid("members", "'" + member + "' is not an IP address or host name");
    }
    int port = portOf(member);
    if (port != -1 && (port < 1 || port > 65535)) {
      throw invalid("members", "'" + member + "' has a port outside 1-65535");
    }
  }

  public static void requireIpLiteral(String setting, String host) {
    if (host == null || !isIpLiteral(host)) {
      throw invalid(setting, "'" + host + "' is not an IP address");
    }
  }

  public static void requirePort(String setting, int port) {
    if (port < 1 || port > 65535) {
      throw invalid(setting, port + " is outside 1-65535");
    }
  }

  public static void requireLoopback(String setting, String host, String hint) {
    if (!"localhost".equals(host) && !(isIpLiteral(host) && literal(host).isLoopbackAddress())) {
      throw invalid(setting, "'" + host + "' is not a loopback address (" + hint + ")");
    }
  }

  public static boolean isIpLiteral(String host) {
    var v4 = IPV4.matcher(host);
    if (v4.matches()) {
      for (int group = 1; group <= 4; group++) {
        if (Integer.parseInt(v4.group(group)) > 255) {
          return false;
        }
      }
      return true;
    }
    return host.contains(":") && IPV6.matcher(host).matches() && literal(host) != null;
  }

  private static InetAddress literal(String host) {
    try {
      // Only literals reach here, so no lookup happens.
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** An {@code EINVAL} that names the cluster setting. */
  public static HooknetException invalid(String setting, String problem) {
    return new HooknetException(Errno.EINVAL, "cluster setting '" + setting + "': " + problem);
  }
}
