package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * A bridge for DL4J 1.0.0-M2's oneDNN layer helpers, which look for this class by name.
 *
 * <p>Why it exists: {@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()}
 * asks {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()} by reflection,
 * but ND4J M2 moved that class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and
 * renamed the method {@code isUseONEDNN}. The lookup fails (DL4J logs "Cannot find class
 * [org.nd4j.nativeblas.Nd4jCpu$Environment]"), so every convolution and pooling layer falls back to
 * DL4J's Java im2col + GEMM path, about 4x slower on a CPU for the project's CNN (see {@code
 * io.hardneg.core.model.NativeHelpers}). This class answers under the old name by delegating to the
 * new one. It is reflective so the CUDA build, which has no CPU bindings, still compiles and simply
 * answers {@code false}.
 */
public final class Nd4jCpu {
  private Nd4jCpu() {}

  /** The old name of ND4J's native environment, as DL4J M2's helpers look it up. */
  public static final class Environment {
    private static final Environment INSTANCE = new Environment();

    private Environment() {}

    /** The single instance, as the native class exposes it. */
    public static Environment getInstance() {
      return INSTANCE;
    }

    /** Whether the loaded libnd4j was built with oneDNN and allows it. */
    public boolean isUseMKLDNN() {
      try {
        Class<?> env = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
        Object instance = env.getMethod("getInstance").invoke(null);
        Method use = env.getMethod("isUseONEDNN");
        return (Boolean) use.invoke(instance);
      } catch (ReflectiveOperationException | LinkageError e) {
        return false;
      }
    }
  }
}
