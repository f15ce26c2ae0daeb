package io.hardneg.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession with the settings hardneg relies on; each one says why. */
public final class SparkSessions {
  /** DL4J-Spark's stats timer queries a public NTP pool unless told to use the system clock. */
  public static final String TIME_SOURCE_PROPERTY = "org.deeplearning4j.spark.time.TimeSource";

  public static final String SYSTEM_CLOCK = "org.deeplearning4j.spark.time.SystemClockTimeSource";

  private SparkSessions() {}

  /** Settings applied on top of whatever spark-submit or the caller set. */
  public static SparkConf defaults(SparkConf conf, int partitions) {
    System.setProperty(TIME_SOURCE_PROPERTY, SYSTEM_CLOCK);
    // ND4J arrays and DL4J DataSets cross the wire; Java serialisation of them is slow and large
    conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.setIfMissing("spark.kryo.registrator", HardnegKryoRegistrator.class.getName());
    // every class hardneg sends is registered; an unregistered one is a bug, not a slow path
    // (the whole test suite runs with this, see HardnegKryoRegistrator)
    conf.setIfMissing("spark.kryo.registrationRequired", "true");
    // a minibatch DataSet of CNN inputs exceeds Kryo's default 64 MiB buffer ceiling easily
    conf.setIfMissing("spark.kryoserializer.buffer.max", "512m");
    // joins of triplets with features shuffle; keep the task count tied to the job's setting
    conf.setIfMissing("spark.sql.shuffle.partitions", String.valueOf(partitions));
    // adaptive execution would coalesce the seeded shuffle of training data unpredictably
    conf.setIfMissing("spark.sql.adaptive.enabled", "false");
    conf.setIfMissing(
        "spark.executor.extraJavaOptions",
        "-D" + TIME_SOURCE_PROPERTY + "=" + SYSTEM_CLOCK + " " + VECTOR_MODULE);
    conf.setIfMissing("spark.app.name", "hardneg");
    return conf;
  }

  /** Lets the kNN kernel's score scan use SIMD compares on executors (io.hardneg.core.knn). */
  static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";

  /** A session; {@code master} may be null to keep spark-submit's. */
  public static SparkSession create(String master, int partitions) {
    SparkConf conf = defaults(new SparkConf(), partitions);
    if (master != null) {
      conf.setMaster(master);
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
