package io.hardneg.spark.result;

import io.hardneg.core.util.JsonShape;

/**
 * {@code hardneg evaluate}'s result ({@code evaluation.json}, also printed).
 *
 * @param model the model file, or {@code raw features}
 * @param modelHash the model's {@link io.hardneg.core.model.ModelId}, or {@code raw}
 * @param input the input, described
 * @param metrics the retrieval metrics (written at the top level)
 */
public record EvaluationReport(
    String model, String modelHash, String input, @JsonShape.Inline Retrieval metrics) {}
