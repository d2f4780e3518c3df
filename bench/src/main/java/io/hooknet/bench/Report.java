package io.hooknet.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rows and correctness checks of a run, printed as a table and written as JSON and Markdown. A benchmark
 * adds a check only after it has verified it; a failed check throws instead, so a report never holds a figure
 * from a wrong run.
 */
final class Report {

  private final List<Row> rows = new ArrayList<>();
  /** Which table columns hold numbers, which are right-aligned: hooknet, baseline value, ratio. */
  private static final boolean[] NUMERIC = {false, false, true, false, true, true, false};

  private final Map<String, List<String>> checks = new LinkedHashMap<>();
  private final Map<String, StringBuilder> details = new LinkedHashMap<>();
  private final Instant started = Instant.now();

  synchronized void add(Row row) {
    rows.add(row);
  }

  /** Records what {@code bench} verified about its own run (counts, order, no gap). */
  synchronized void checked(String bench, String what) {
    checks.computeIfAbsent(bench, b -> new ArrayList<>()).add(what);
  }

  /** Prints a line of {@code bench}'s own output and keeps it for the results page. */
  void say(String bench, String format, Object... args) {
    String line = String.format(Locale.ROOT, format, args);
    System.out.println(line);
    synchronized (this) {
      details.computeIfAbsent(bench, b -> new StringBuilder()).append(line).append('\n');
    }
  }

  synchronized Map<String, List<String>> checks() {
    return Map.copyOf(checks);
  }

  synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  void print(PrintStream out) {
    out.println();
    out.println(table(false));
    out.println("ratio = hooknet / baseline; 'better' says whether higher or lower is good.");
  }

  /** Writes {@code {command, machine, started, finished, rows, checks}}. */
  void writeJson(Path file, String command, Map<String, String> machine) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", command);
    json.put("machine", machine);
    json.put("started", started.toString());
    json.put("finished", Instant.now().toString());
    json.put("rows", rows());
    synchronized (this) {
      json.put("checks", checks);
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
  }

  /** Writes the results page: the command, the machine, the table and what each benchmark checked. */
  void writeMarkdown(Path file, String command, Map<String, String> machine) throws IOException {
    StringBuilder page = new StringBuilder("# Benchmark results\n\n");
    page.append("The latest run of `").append(command).append("`, which wrote this file, started ")
        .append(started).append(". Every row is hooknet beside its baseline, both measured in that run on the")
        .append(" machine below. ratio = hooknet / baseline; *better* says whether higher or lower is good.")
        .append(" How each benchmark works: [bench/README.md](README.md).\n\n## Machine\n\n");
    machine.forEach((key, value) -> page.append("- ").append(key).append(": ").append(value).append('\n'));
    page.append("\n## Results\n\n").append(table(true)).append("\n## Checked in this run\n\n");
    synchronized (this) {
      checks.forEach((bench, list) -> list.forEach(what -> page.append("- ").append(bench).append(": ")
          .append(what).append('\n')));
      page.append("\n## What each benchmark printed\n");
      details.forEach((bench, text) -> page.append("\n### ").append(bench).append("\n\n```\n").append(text)
          .append("```\n"));
    }
    Files.writeString(file, page.toString());
  }

  private String table(boolean markdown) {
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"bench", "measure", "hooknet", "baseline", "baseline value", "ratio", "better"});
    for (Row row : rows()) {
      lines.add(new String[] {row.bench(), row.measure(), number(row.hooknet()), row.baselineName(),
          number(row.baseline()), String.format(Locale.ROOT, "%.3f", row.ratio()), row.better()});
    }
    int[] widths = new int[lines.get(0).length];
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int l = 0; l < lines.size(); l++) {
      String[] line = lines.get(l);
      for (int i = 0; i < line.length; i++) {
        out.append(markdown ? "| " : "").append(pad(line[i], widths[i], NUMERIC[i])).append(markdown ? " " : "  ");
      }
      out.append(markdown ? "|\n" : "\n");
      if (markdown && l == 0) {
        for (int i = 0; i < widths.length; i++) {
          out.append("|").append("-".repeat(widths[i] + 1)).append(NUMERIC[i] ? ":" : "-");
        }
        out.append("|\n");
      }
    }
    return out.toString();
  }

  private static String pad(String text, int width, boolean right) {
    String spaces = " ".repeat(width - text.length());
    return right ? spaces + text : text + spaces;
  }

  /** Three significant digits at least, with thousands separators, so that table cells stay readable. */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "-";
    }
    double magnitude = Math.abs(value);
    if (magnitude >= 1000 || value == Math.rint(value) && magnitude >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (magnitude >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
