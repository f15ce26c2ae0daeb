package io.hardneg.spark.result;

import io.hardneg.core.util.JsonShape;
import java.util.List;

/**
 * A committed round's {@code metrics.json}: the retrieval metrics of the test set (the held-out
 * split or {@code eval.input.*}; at the top level, where every earlier version wrote the
 * evaluation), then what the round did, then the validation split's metrics (the ones {@code
 * best.json} selects on).
 *
 * @param retrieval the test set's metrics (written at the top level); never used for selection
 * @param round the round's number
 * @param trainScores DL4J's score after each training step
 * @param trainLosses the loss at each parameter averaging, per triplet
 * @param trainLoss the last step's loss per triplet; null when the round had no triplet
 * @param triplets triplets mined
 * @param trainRows rows fitted
 * @param learningRate the round's learning rate ({@code train.lr.*})
 * @param trainWorkers where training ran
 * @param model the {@link io.hardneg.core.model.ModelId} of the round's model
 * @param timings seconds per stage
 * @param validation the validation split's metrics, without the per-class breakdown; absent when
 *     {@code eval.validation.fraction = 0}
 */
public record RoundMetrics(
    @JsonShape.Inline Retrieval retrieval,
    int round,
    List<Double> trainScores,
    List<Double> trainLosses,
    Double trainLoss,
    long triplets,
    long trainRows,
    double learningRate,
    List<WorkerCount> trainWorkers,
    String model,
    Timings timings,
    @JsonShape.OmitNull Retrieval validation) {}
