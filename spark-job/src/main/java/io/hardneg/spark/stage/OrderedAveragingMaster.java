package io.hardneg.spark.stage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import scala.Tuple2;

/**
 * DL4J's {@link ParameterAveragingTrainingMaster} made reproducible: the same data, seed and number
 * of workers give bit-identical parameters, whatever order the workers finish in.
 *
 * <p>Two changes, both about floating-point order. (1) DL4J sums worker parameters with {@code
 * treeAggregate}, whose last level combines partial sums on the driver in task completion order;
 * float addition is not associative, so with more than two workers the average depended on timing.
 * Here every worker's result is collected with its partition index and summed in index order. (2)
 * No repartitioning by DL4J ({@link Repartition#Never}): its balanced repartition is a shuffle, and
 * the order in which a shuffle delivers records from different map tasks is not fixed, which
 * reorders minibatches. The caller lays the data out instead, one partition per worker in a seeded
 * order ({@link TrainStage}).
 *
 * <p>Collecting the per-worker results costs what {@code treeAggregate} at depth 1 costs:
 * parameters and updater state of each worker reach the driver once per averaging step.
 *
 * <p>The epoch's DataSets are cached as objects, not serialised. DL4J splits an epoch into
 * averaging steps by filtering the cached RDD once per step, so each step reads every cached
 * DataSet of the epoch and keeps one in every {@code steps}: with DL4J's serialised cache that was
 * {@code steps} full Kryo deserialisations of the epoch's data (the cost grew with the square of
 * the epoch's size). Each step hands its worker fresh {@link DataSet} shells around the cached
 * arrays, because DL4J's prefetching iterator moves a DataSet's arrays into its workspace in place:
 * a retried task reads the cached DataSets again and must find them as they were. The split into
 * steps, and so the result, is the one DL4J's own {@code executeTrainingDirect} makes. Spark's
 * memory accounting sees only the objects' heap part; their arrays (one epoch's inputs) are ND4J's
 * off-heap memory, within its {@code maxbytes} limit; the cache is dropped when the epoch ends.
 */
public final class OrderedAveragingMaster extends ParameterAveragingTrainingMaster {

  /**
   * @param workers workers (partitions of the training RDD)
   * @param rows rows per DataSet object and per worker minibatch
   * @param averagingFrequency minibatches per worker between averagings
   * @param prefetch minibatches prefetched per worker
   * @param seed seeds DL4J's split of the data into averaging steps
   */
  public OrderedAveragingMaster(
      int workers, int rows, int averagingFrequency, int prefetch, long seed) {
    super(
        true,
        workers,
        rows,
        rows,
        averagingFrequency,
        1,
        prefetch,
        Repartition.Never,
        RepartitionStrategy.Balanced,
        StorageLevel.MEMORY_ONLY(),
        false);
    // Direct: no export directory, which clusters without shared storage need (docs/stack-notes.md
    // P3)
    this.rddTrainingApproach = RDDTrainingApproach.Direct;
    this.rng = new Random(seed);
  }

  /**
   * DL4J's {@code executeTrainingDirect} for a network, with the epoch's cache kept as objects,
   * fresh DataSet shells per averaging step, and the cache released at the end of the epoch.
   */
  @Override
  protected void executeTrainingDirect(SparkDl4jMultiLayer network, JavaRDD<DataSet> trainingData) {
    JavaRDD<DataSet> cached = trainingData.persist(storageLevel);
    try {
      int total = (int) getTotalDataSetObjectCount(cached);
      JavaRDD<DataSet>[] steps = getSplitRDDs(cached, total, rddDataSetNumExamples);
      for (int i = 0; i < steps.length; i++) {
        doIteration(network, steps[i].map(new Shell()), i + 1, steps.length);
      }
    } finally {
      cached.unpersist(false);
    }
  }

  @Override
  protected void processResults(
      SparkDl4jMultiLayer network,
      SparkComputationGraph graph,
      JavaRDD<ParameterAveragingTrainingResult> results,
      int splitNum,
      int totalSplits) {
    if (network == null) {
      super.processResults(network, graph, results, splitNum, totalSplits);
      return;
    }
    List<Tuple2<Integer, ParameterAveragingTrainingResult>> parts =
        new ArrayList<>(results.mapPartitionsWithIndex(new WithIndex(), true).collect());
    parts.sort(Comparator.comparing(Tuple2::_1));
    INDArray params = null;
    INDArray updater = null;
    double score = 0;
    int count = 0;
    for (Tuple2<Integer, ParameterAveragingTrainingResult> p : parts) {
      ParameterAveragingTrainingResult r = p._2();
      if (r.getParameters() == null) {
        continue; // a worker whose partition of this split was empty
      }
      params = params == null ? r.getParameters().dup() : params.addi(r.getParameters());
      if (r.getUpdaterState() != null) {
        updater = updater == null ? r.getUpdaterState().dup() : updater.addi(r.getUpdaterState());
      }
      score += r.getScore();
      count++;
    }
    if (count == 0) {
      return;
    }
    MultiLayerNetwork net = network.getNetwork();
    net.setParameters(params.divi(count));
    if (updater != null) {
      net.getUpdater().setStateViewArray(null, updater.divi(count), false);
    }
    network.setScore(score / count);
    // as DL4J does: the iteration count drives Adam's bias correction on the workers
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
    conf.setIterationCount(conf.getIterationCount() + averagingFrequency);
  }

  /** A new DataSet object around a cached one's arrays (see the class comment). */
  private static final class Shell implements Function<DataSet, DataSet> {
    @Override
    public DataSet call(DataSet d) {
      return new DataSet(
          d.getFeatures(), d.getLabels(), d.getFeaturesMaskArray(), d.getLabelsMaskArray());
    }
  }

  /** Tags each worker result with its partition index. */
  private static final class WithIndex
      implements Function2<
          Integer,
          Iterator<ParameterAveragingTrainingResult>,
          Iterator<Tuple2<Integer, ParameterAveragingTrainingResult>>> {
    @Override
    public Iterator<Tuple2<Integer, ParameterAveragingTrainingResult>> call(
        Integer index, Iterator<ParameterAveragingTrainingResult> it) {
      List<Tuple2<Integer, ParameterAveragingTrainingResult>> out = new ArrayList<>(1);
      it.forEachRemaining(r -> out.add(new Tuple2<>(index, r)));
      return out.iterator();
    }
  }
}
