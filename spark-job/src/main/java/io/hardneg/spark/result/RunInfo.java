package io.hardneg.spark.result;

import java.util.List;
import java.util.Map;

/**
 * A run's provenance ({@code run.json}), written once when the run starts.
 *
 * @param started when, ISO-8601
 * @param seed the run's seed
 * @param config the configuration as given
 * @param input the input, described
 * @param itemsTrain items in the training split
 * @param itemsEval items in the test set (the held-out split or {@code eval.input.*})
 * @param itemsValidation items in the validation split (carved from the training side; 0 = none)
 * @param model the network built
 * @param versions hardneg, Spark, Java and DL4J versions
 * @param sparkMaster the Spark master URL
 */
public record RunInfo(
    String started,
    long seed,
    Map<String, String> config,
    String input,
    long itemsTrain,
    long itemsEval,
    long itemsValidation,
    Model model,
    Versions versions,
    String sparkMaster) {

  /** The network: architecture, sizes, learning rate and the loss's margin. */
  public record Model(
      String architecture,
      int inputDim,
      List<Integer> hidden,
      int embeddingDim,
      double learningRate,
      double margin) {}

  /** Versions of what ran. */
  public record Versions(String hardneg, String spark, String java, String dl4j) {}
}
