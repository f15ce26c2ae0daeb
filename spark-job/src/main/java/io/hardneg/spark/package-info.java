/**
 * The hardneg Spark job: rounds of EMBED → MINE → TRAIN → EVALUATE → COMMIT (DESIGN §2). The
 * driver loops and broadcasts small state; executors embed, search and train. Entry points:
 * {@link io.hardneg.spark.Main} (CLI and spark-submit main class).
 */
package io.hardneg.spark;
