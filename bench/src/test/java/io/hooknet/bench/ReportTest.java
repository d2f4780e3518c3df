package io.hooknet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  @TempDir
  Path dir;

  @Test
  void percentilesAreNearestRank() {
    long[] values = new long[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = values.length - i;
    }
    assertThat(Stats.percentile(values, 50)).isEqualTo(500);
    assertThat(Stats.percentile(values, 99)).isEqualTo(990);
    assertThat(Stats.percentile(values, 99.9)).isEqualTo(999);
    assertThat(Stats.percentile(values, 100)).isEqualTo(1000);
    assertThat(Stats.percentile(new long[] {7}, 99.9)).isEqualTo(7);
  }

  @Test
  void aWaitThatTimesOutSaysWhatItWaitedFor() {
    assertThatThrownBy(() -> Stats.awaitQuickly(() -> false, 0, () -> "3 of 5 arrived"))
        .isInstanceOf(IllegalStateException.class).hasMessage("gave up after 0 s: 3 of 5 arrived");
  }

  @Test
  void rowsCarryTheirRatioAndDirection() {
    Row rate = Row.rate("switch", "64 B packets, packets/s", 30_000, "libknet", 60_000);
    Row cost = Row.cost("faults", "p50 us", 300, "raw publish", 150);
    assertThat(rate.ratio()).isEqualTo(0.5);
    assertThat(rate.better()).isEqualTo("higher");
    assertThat(cost.ratio()).isEqualTo(2.0);
    assertThat(cost.better()).isEqualTo("lower");
  }

  @Test
  void theJsonAndThePageHoldEveryRowCheckAndDetail() throws Exception {
    Report report = new Report();
    report.add(Row.rate("switch", "64 B packets, packets/s", 30_000, "libknet", 60_000));
    report.add(Row.cost("faults", "p50 us", 300, "raw publish", 150));
    report.checked("switch", "every packet arrived in order");
    report.say("switch", "%8s %9d", "size", 64);
    Map<String, String> machine = Map.of("cores", "2");

    report.writeJson(dir.resolve("results.json"), "bench/run", machine);
    report.writeMarkdown(dir.resolve("RESULTS.md"), "bench/run", machine);

    JsonNode json = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
    assertThat(json.get("command").asText()).isEqualTo("bench/run");
    assertThat(json.get("machine").get("cores").asText()).isEqualTo("2");
    assertThat(json.get("rows")).hasSize(2);
    assertThat(json.get("rows").get(0).get("ratio").asDouble()).isEqualTo(0.5);
    assertThat(json.get("rows").get(1).get("baselineName").asText()).isEqualTo("raw publish");
    assertThat(json.get("checks").get("switch").get(0).asText()).isEqualTo("every packet arrived in order");

    String page = Files.readString(dir.resolve("RESULTS.md"));
    assertThat(page).contains("- cores: 2")
        .contains("| switch | 64 B packets, packets/s |  30,000 | libknet     |         60,000 | 0.500 | higher |")
        .contains("| faults | p50 us                  |     300 | raw publish |            150 | 2.000 | lower  |")
        .contains("- switch: every packet arrived in order")
        .contains("### switch\n\n```\n    size        64\n```");
  }

  @Test
  void numbersKeepThreeSignificantDigits() {
    assertThat(Report.number(6_575_305)).isEqualTo("6,575,305");
    assertThat(Report.number(298)).isEqualTo("298");
    assertThat(Report.number(11.34)).isEqualTo("11.3");
    assertThat(Report.number(3.7)).isEqualTo("3.70");
    assertThat(Report.number(Double.NaN)).isEqualTo("-");
  }
}
