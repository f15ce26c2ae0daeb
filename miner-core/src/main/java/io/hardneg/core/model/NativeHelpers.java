package io.hardneg.core.model;

/**
 * Turns on DL4J's oneDNN helpers for convolution and pooling layers on the CPU backend.
 *
 * <p>DL4J 1.0.0-M2 creates layer helpers only when the system property {@value #DISABLE_PROPERTY}
 * is {@code false}, and it defaults to {@code true}. With the helpers off, {@code ConvolutionLayer}
 * runs im2col + GEMM from Java; with them on (and the {@code linux-x86_64-onednn} natives the build
 * ships, plus the {@link org.nd4j.nativeblas.Nd4jCpu} bridge) it runs libnd4j's oneDNN {@code
 * conv2d} and pooling kernels. Measured on 2 cores (bench/run.sh's TrainStepBench, 384 rows): the
 * CNN step went from 257 to 1052 rows/s; the MLP is unchanged (dense layers have no helper).
 *
 * <p>The property is read each time a layer is instantiated, so {@link #enable()} must run before a
 * network is built or restored in a JVM: {@link EmbeddingNetworks} calls it, and the Spark job
 * calls it on the driver and in its Kryo registrator, which runs on every executor before any task.
 * A value the user set (e.g. {@code -Dorg.eclipse.deeplearning4j.helpers.disable=true} to compare)
 * is left alone.
 */
public final class NativeHelpers {
  /** DL4J's switch; helpers are created only when it is {@code false}. */
  public static final String DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

  private NativeHelpers() {}

  /** Allows DL4J's layer helpers in this JVM unless the user decided otherwise. */
  public static void enable() {
    if (System.getProperty(DISABLE_PROPERTY) == null) {
      System.setProperty(DISABLE_PROPERTY, "false");
    }
  }
}
