package io.hardneg.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One local[2,4] SparkSession for the whole test JVM (surefire reuses one fork per module): Spark
 * and ND4J start once. Two task threads; a failed task is retried up to 4 times, as on a cluster,
 * so fault-injection tests can check that retries change nothing. UI off, loopback. Kryo runs with
 * {@code registrationRequired}: an unregistered class fails the test using it.
 */
public final class SharedSpark {
  private static SparkSession session;

  private SharedSpark() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      System.setProperty("spark.ui.enabled", "false");
      System.setProperty("spark.driver.host", "127.0.0.1");
      System.setProperty("spark.driver.bindAddress", "127.0.0.1");
      // every class that crosses the wire in any test must be registered with Kryo
      // (docs/reliability.md)
      System.setProperty("spark.kryo.registrationRequired", "true");
      session = SparkSessions.create("local[2,4]", 2);
    }
    return session;
  }
}
