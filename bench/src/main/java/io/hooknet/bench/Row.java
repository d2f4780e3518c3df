package io.hooknet.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One line of the results: a hooknet figure beside its baseline from the same run. {@code ratio} is hooknet
 * divided by the baseline, so for a rate above 1 is faster than the baseline and for a time or a size above 1
 * is slower or bigger; {@code better} says which way is good.
 *
 * @param bench the benchmark that measured it
 * @param measure what was measured, with its unit
 * @param hooknet hooknet's figure
 * @param baselineName what the baseline is
 * @param baseline the baseline's figure
 * @param better {@code "higher"} or {@code "lower"}
 */
@JsonPropertyOrder({"bench", "measure", "hooknet", "baselineName", "baseline", "ratio", "better"})
public record Row(String bench, String measure, double hooknet, String baselineName, double baseline,
    String better) {

  static Row rate(String bench, String measure, double hooknet, String baselineName, double baseline) {
    return new Row(bench, measure, hooknet, baselineName, baseline, "higher");
  }

  static Row cost(String bench, String measure, double hooknet, String baselineName, double baseline) {
    return new Row(bench, measure, hooknet, baselineName, baseline, "lower");
  }

  /** hooknet divided by the baseline. */
  @JsonProperty
  public double ratio() {
    return hooknet / baseline;
  }
}
