package io.hardneg.spark.result;

/**
 * Minibatches one executor JVM fitted in a round ({@code metrics.json} → {@code train_workers}).
 *
 * @param executor Spark's executor id
 * @param host the JVM's host
 * @param pid the JVM's process id
 * @param minibatches minibatch updates counted there (per task attempt)
 */
public record WorkerCount(String executor, String host, long pid, long minibatches) {}
