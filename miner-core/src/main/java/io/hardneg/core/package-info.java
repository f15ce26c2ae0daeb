/**
 * hardneg's metric-learning library. It has no Spark dependency (the build enforces it): the Spark
 * job in {@code spark-job} calls these kernels from executors.
 *
 * <p>Distances throughout are Euclidean; for unit vectors {@code d in [0, 2]} and the cosine
 * similarity is {@code s = 1 - d^2/2}. Everything "nearest" means smallest distance.
 */
package io.hardneg.core;
