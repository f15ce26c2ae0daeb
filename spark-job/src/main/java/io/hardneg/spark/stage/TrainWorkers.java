package io.hardneg.spark.stage;

import io.hardneg.spark.result.WorkerCount;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.util.AccumulatorV2;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Records which executor JVMs fitted training minibatches, so a run can show (and a cluster test
 * can assert) that training really ran on every executor and not only on one. A DL4J {@link
 * TrainingHook} runs inside the parameter-averaging worker on the executor after each minibatch
 * update and counts it under the executor's id, host and process id; a Spark accumulator brings the
 * counts back to the driver.
 *
 * <p>Counts are per task attempt: a retried task counts its minibatches again, so the numbers are a
 * record of where work ran, not an exact minibatch total.
 */
public final class TrainWorkers implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Counts counts = new Counts();

  /** Registers the accumulator with {@code sc}. */
  public TrainWorkers(SparkContext sc) {
    sc.register(counts, "hardneg.train.workers");
  }

  /** The hook to add to the training master. */
  public TrainingHook hook() {
    return new Hook(counts);
  }

  /**
   * What was recorded since the last call, then cleared: one entry per executor JVM, ordered by
   * executor id, host and process id.
   */
  public List<WorkerCount> drain() {
    List<WorkerCount> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : new TreeMap<>(counts.value()).entrySet()) {
      String[] k = e.getKey().split("\t", 3);
      out.add(new WorkerCount(k[0], k[1], Long.parseLong(k[2]), e.getValue()));
    }
    counts.reset();
    return out;
  }

  /** The key of the JVM this runs in: executor id, host, process id. */
  static String here() {
    SparkEnv env = SparkEnv.get();
    String id = env == null ? "unknown" : env.executorId();
    String host = ManagementFactory.getRuntimeMXBean().getName();
    int at = host.indexOf('@');
    return id
        + "\t"
        + (at < 0 ? host : host.substring(at + 1))
        + "\t"
        + ProcessHandle.current().pid();
  }

  /** Counts minibatch updates per JVM. */
  static final class Hook implements TrainingHook {
    private static final long serialVersionUID = 1L;
    private final Counts counts;

    Hook(Counts counts) {
      this.counts = counts;
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {}

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
      counts.add(here());
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {}

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
      counts.add(here());
    }
  }

  /** A map accumulator: key → number of times added. */
  static final class Counts extends AccumulatorV2<String, Map<String, Long>> {
    private static final long serialVersionUID = 1L;
    private final HashMap<String, Long> map = new HashMap<>();

    @Override
    public boolean isZero() {
      synchronized (map) {
        return map.isEmpty();
      }
    }

    @Override
    public AccumulatorV2<String, Map<String, Long>> copy() {
      Counts c = new Counts();
      synchronized (map) {
        c.map.putAll(map);
      }
      return c;
    }

    @Override
    public void reset() {
      synchronized (map) {
        map.clear();
      }
    }

    @Override
    public void add(String key) {
      synchronized (map) {
        map.merge(key, 1L, Long::sum);
      }
    }

    @Override
    public void merge(AccumulatorV2<String, Map<String, Long>> other) {
      Map<String, Long> o = other.value();
      synchronized (map) {
        o.forEach((k, v) -> map.merge(k, v, Long::sum));
      }
    }

    @Override
    public Map<String, Long> value() {
      synchronized (map) {
        return new HashMap<>(map);
      }
    }
  }
}
