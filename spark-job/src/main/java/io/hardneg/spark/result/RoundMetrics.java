package io.hardneg.spark.result;

import io.hardneg.core.util.JsonShape;
import java.util.List;

/**
 * A committed round's {@code metrics.json}: the retrieval metrics of the evaluation split, then
 * what the round did.
 *
 * @param retrieval the evaluation's metrics (written at the top level)
 * @param round the round's number
 * @param trainScores DL4J's score after each training step
 * @param trainLosses the loss at each parameter averaging, per triplet
 * @param trainLoss the last step's loss per triplet; null when the round had no triplet
 * @param triplets triplets mined
 * @param trainRows rows fitted
 * @param trainWorkers where training ran
 * @param model the {@link io.hardneg.core.model.ModelId} of the round's model
 * @param timings seconds per stage
 */
public record RoundMetrics(
    @JsonShape.Inline Retrieval retrieval,
    int round,
    List<Double> trainScores,
    List<Double> trainLosses,
    Double trainLoss,
    long triplets,
    long trainRows,
    List<WorkerCount> trainWorkers,
    String model,
    Timings timings) {}
