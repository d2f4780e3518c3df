package io.hooknet.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs the libknet baseline program, {@code bench/knet/knet_switch.c}: the same numbered packets between two
 * knet handles linked over UDP on loopback. The program checks each packet's number and length itself and
 * exits non-zero on a reordering, a duplicate or over 1% loss.
 */
final class Knet {

  private static final Pattern LINE =
      Pattern.compile("knet size=(\\d+) packets=(\\d+) pps=([0-9.]+) lost=(\\d+)");

  private Knet() {
  }

  /** Packets per second by size. */
  static Map<Integer, Double> run(Path program, List<Integer> sizes, int megabytes, int maxPackets, int runs,
      Report report)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(program)) {
      throw new IllegalArgumentException("the libknet baseline " + program + " is missing; bench/run builds it"
          + " (it needs Debian's libknet-dev)");
    }
    Process process = new ProcessBuilder(program.toString(),
        sizes.stream().map(String::valueOf).collect(Collectors.joining(",")), Integer.toString(megabytes),
        Integer.toString(maxPackets), Integer.toString(runs)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Map<Integer, Double> rates = new LinkedHashMap<>();
    List<String> losses = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        report.say(SwitchBench.BENCH, "%s", line);
        Matcher m = LINE.matcher(line);
        if (m.matches()) {
          int size = Integer.parseInt(m.group(1));
          int expected = SwitchBench.packets(size, megabytes, maxPackets);
          if (Integer.parseInt(m.group(2)) != expected) {
            throw new IllegalStateException("libknet sent " + m.group(2) + " packets of " + size + " bytes, not "
                + expected);
          }
          rates.put(size, Double.parseDouble(m.group(3)));
          losses.add(size + " B: " + m.group(4));
        }
      }
    }
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("the libknet baseline did not finish in 10 minutes");
    }
    if (process.exitValue() != 0 || !rates.keySet().containsAll(sizes)) {
      throw new IllegalStateException("the libknet baseline failed (exit " + process.exitValue() + ", sizes "
          + rates.keySet() + ")");
    }
    report.checked(SwitchBench.BENCH, "libknet: every packet read was whole and in order; packets lost over UDP in " + runs + " runs by size: "
        + String.join(", ", losses) + " (a run with over 1% lost fails)");
    return rates;
  }
}
