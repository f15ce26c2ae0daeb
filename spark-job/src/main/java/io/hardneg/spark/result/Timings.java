package io.hardneg.spark.result;

/** Seconds a round spent in each stage ({@code metrics.json} → {@code timings}). */
public record Timings(
    double embedS, double mineS, double trainS, double evaluateS, double roundS) {}
