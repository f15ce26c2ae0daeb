package io.hardneg.spark.stage;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;

/**
 * A {@link SparkDl4jMultiLayer} that keeps the score of every parameter averaging. DL4J's {@code
 * ParameterAveragingTrainingMaster.processResults} sets the averaged score (sum of the workers'
 * last minibatch scores / workers) through {@link #setScore} once per averaging step and keeps only
 * the last; recording it here gives the training curve without DL4J's training stats collection
 * (whose timer needs NTP, docs/stack-notes.md P2) and without extra passes.
 */
final class AveragingScores extends SparkDl4jMultiLayer {
  private final List<Double> scores = new ArrayList<>();

  AveragingScores(JavaSparkContext sc, MultiLayerNetwork net, TrainingMaster<?, ?> tm) {
    super(sc, net, tm);
  }

  @Override
  public synchronized void setScore(double score) {
    super.setScore(score);
    scores.add(score);
  }

  /** The scores recorded since the last call, in order; clears them. */
  synchronized List<Double> drain() {
    List<Double> out = new ArrayList<>(scores);
    scores.clear();
    return out;
  }
}
