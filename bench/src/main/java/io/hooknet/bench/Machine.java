package io.hooknet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What the results were measured on, read from /proc, /etc/os-release and the running JVM. */
final class Machine {

  private Machine() {
  }

  static Map<String, String> describe(String knetVersion) {
    Map<String, String> machine = new LinkedHashMap<>();
    machine.put("cpu", field(Path.of("/proc/cpuinfo"), "model name", ':').orElse("unknown"));
    machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    machine.put("memory", field(Path.of("/proc/meminfo"), "MemTotal", ':').map(Machine::gibibytes).orElse("unknown"));
    machine.put("os", field(Path.of("/etc/os-release"), "PRETTY_NAME", '=').orElse(System.getProperty("os.name")));
    machine.put("kernel", read(Path.of("/proc/sys/kernel/osrelease")).orElse(System.getProperty("os.version")));
    machine.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
    machine.put("libknet", knetVersion == null ? "not used" : knetVersion);
    return machine;
  }

  private static String gibibytes(String meminfo) {
    long kib = Long.parseLong(meminfo.replaceAll("[^0-9]", ""));
    return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
  }

  /** The value of the first {@code key} line in {@code file}, whose key and value {@code separator} parts. */
  private static Optional<String> field(Path file, String key, char separator) {
    return read(file).flatMap(text -> text.lines()
        .filter(line -> line.startsWith(key) && line.indexOf(separator) > 0)
        .map(line -> line.substring(line.indexOf(separator) + 1).trim().replace("\"", ""))
        .findFirst());
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file).trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
