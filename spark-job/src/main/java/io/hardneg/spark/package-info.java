/**
 * The hardneg Spark job: rounds of EMBED → MINE → TRAIN → EVALUATE → COMMIT (docs/architecture.md).
 * The driver loops and broadcasts small state; executors embed, search and train. Entry points:
 * {@link io.hardneg.spark.Main} (CLI and spark-submit main class).
 */
package io.hardneg.spark;
