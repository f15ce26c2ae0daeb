package io.hardneg.spark.config;

import io.hardneg.core.knn.KnnOptions;
import io.hardneg.core.loss.Layout;
import io.hardneg.core.loss.LossFactory;
import io.hardneg.core.loss.LossSpec;
import io.hardneg.core.loss.TripletMarginLoss;
import io.hardneg.core.mining.MiningConfig;
import io.hardneg.core.mining.SemiHardFallback;
import io.hardneg.core.model.Architecture;
import io.hardneg.core.model.ModelSpec;
import io.hardneg.spark.io.InputSpec;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The whole job configuration, validated. Keys, defaults and meanings are listed in {@code
 * conf/hardneg.conf}; a test keeps that file and {@link #from} in step.
 *
 * <p>Long on purpose: every key is read and range-checked here, in the order of {@code
 * conf/hardneg.conf}, so the file and the parser can be compared line by line.
 *
 * @param input where the items come from
 * @param evalInput a separate evaluation set (all of {@code input} then trains); null = hold out
 *     {@code evalFraction} of {@code input}
 * @param output run directory (Hadoop FileSystem path)
 * @param seed root of every random choice
 * @param rounds rounds of embed → mine → train → evaluate
 * @param evalFraction share of items held out for evaluation (seeded by id)
 * @param validation the validation split carved from the training side (model selection)
 * @param partitions Spark partitions of the item tables
 * @param model network to train
 * @param mining mining rules
 * @param search where and how the negative search runs
 * @param pairsPath known positive pairs (pair mode; empty = class mode)
 * @param pairsFormat parquet | csv (of both pairs tables)
 * @param evalPairsPath known positive pairs of a separate evaluation set ({@code eval.input.*},
 *     pair mode); empty = the pairs of {@code pairsPath} whose both ids are evaluation items
 * @param hardestPositive positive policy {@code hardest} (else {@code random}), class mode
 * @param knn search tiling
 * @param train training settings
 * @param loss the {@code loss.*} keys given, prefix stripped ({@link LossSpec#fromMap})
 * @param embedBatch items per inference batch
 * @param baselines whether and where the baselines are computed and cached
 * @param given the values as given (for run.json)
 */
public record JobConfig(
    InputSpec input,
    InputSpec evalInput,
    String output,
    long seed,
    int rounds,
    double evalFraction,
    Validation validation,
    int partitions,
    ModelSettings model,
    MiningConfig mining,
    SearchSettings search,
    String pairsPath,
    String pairsFormat,
    String evalPairsPath,
    boolean hardestPositive,
    KnnOptions knn,
    TrainSettings train,
    Map<String, String> loss,
    int embedBatch,
    BaselineSettings baselines,
    Map<String, String> given) {

  /**
   * The baselines (raw features, untrained model) measured before round 0.
   *
   * @param compute false = skipped: no {@code baselines.json}
   * @param cache the cache directory (Hadoop FileSystem path); empty = {@code .hardneg-cache}
   *     beside the run directory; {@code off} = no cache
   */
  public record BaselineSettings(boolean compute, String cache) {
    /** Whether computed baselines are looked up in and written to a cache. */
    public boolean cached() {
      return compute && !cache.equals("off");
    }
  }

  /**
   * Network settings; the input dimension comes from the data.
   *
   * @param architecture mlp or cnn
   * @param hidden hidden widths (cnn: one, the dense layer)
   * @param embeddingDim output dimension
   * @param learningRate Adam's learning rate
   */
  public record ModelSettings(
      Architecture architecture, int[] hidden, int embeddingDim, double learningRate) {}

  /**
   * The validation split: rows of the training side (the input less the held-out split, or all of
   * it with {@code eval.input.*}) that are never mined from nor trained on; every round is
   * evaluated on them and {@code best.json} selects on their MAP@R, so the test set is never used
   * for selection.
   *
   * @param fraction share of the training side (0 = no validation split: select on the test set)
   * @param by item (a hash of (seed, id)) | class (a hash of (seed, label): classes never trained
   *     on)
   */
  public record Validation(double fraction, By by) {
    /** Whether a validation split is carved at all. */
    public boolean enabled() {
      return fraction > 0;
    }
  }

  /** What the validation split draws: single items, or whole classes. */
  public enum By {
    /** Items, by a hash of (seed, id); their classes also train (a Fashion-MNIST style split). */
    ITEM,
    /** Whole classes, by a hash of (seed, label): classes never trained on (many classes). */
    CLASS;

    /** Parses {@code item | class}. */
    public static By parse(String s) {
      return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "item" -> ITEM;
        case "class" -> CLASS;
        default -> throw new IllegalArgumentException("expected item | class");
      };
    }
  }

  /** The network for inputs of {@code inputDim} features. */
  public ModelSpec modelSpec(int inputDim) {
    return build(
        "model",
        () ->
            new ModelSpec(
                model.architecture(),
                inputDim,
                model.hidden(),
                model.embeddingDim(),
                model.learningRate(),
                seed));
  }

  /**
   * Training settings.
   *
   * @param epochsPerRound passes over the round's triplets
   * @param batchTriplets triplets per worker minibatch (3x rows)
   * @param averagingFrequency minibatches between parameter averagings
   * @param prefetch minibatches prefetched per worker
   * @param featureTableMb largest feature table (MB of floats) that pk and mined modes broadcast
   *     once per run instead of joining and shuffling the features each epoch; 0 = never
   * @param mode triplets | pk | mined
   * @param pkClasses P: classes per PK batch (pk mode), anchors per batch (mined mode)
   * @param pkPerClass K: items per class in a PK batch (pk mode), rows per anchor (mined mode)
   * @param pkCompose how pk mode picks each batch's classes
   * @param lr the learning rate of each round
   * @param augment what pk and mined batches fit of each item: itself or a fresh view of it
   */
  public record TrainSettings(
      TrainMode mode,
      int epochsPerRound,
      int batchTriplets,
      int averagingFrequency,
      int prefetch,
      int featureTableMb,
      int pkClasses,
      int pkPerClass,
      PkCompose pkCompose,
      LrSchedule lr,
      Augment augment) {
    /** Whether minibatches are labels-in-batch (the loss sees class labels and mines inside). */
    public boolean labelsInBatch() {
      return mode != TrainMode.TRIPLETS;
    }
  }

  /** How pk mode picks the classes of each batch. */
  public enum PkCompose {
    /** From the round's mined class confusions (classes that are each other's hard negatives). */
    CONFUSIONS,
    /** Uniformly at random, seeded by (seed, round, epoch): the in-batch-only baseline. */
    RANDOM,
    /**
     * Each batch a neighbourhood of the mined confusion graph: a seed class, its confusers, theirs
     * (a random class only when the walk runs out), for many classes ({@code
     * PkPlan.neighbourhoods}).
     */
    NEIGHBOURHOODS;

    /** Parses {@code confusions | random | neighbourhoods}. */
    public static PkCompose parse(String s) {
      return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "confusions" -> CONFUSIONS;
        case "random" -> RANDOM;
        case "neighbourhoods" -> NEIGHBOURHOODS;
        default ->
            throw new IllegalArgumentException("expected confusions | random | neighbourhoods");
      };
    }
  }

  /** What a labels-in-batch minibatch fits of each item ({@code train.augment}). */
  public enum Augment {
    /** The item's features as they are. */
    OFF,
    /**
     * A fresh near-duplicate view of the item (an image) for every batch it enters: the many-class
     * generator's augmentations ({@code NearDuplicateViews}), seeded by the batch and row.
     */
    VIEWS;

    /** Parses {@code off | views}. */
    public static Augment parse(String s) {
      return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "off" -> OFF;
        case "views" -> VIEWS;
        default -> throw new IllegalArgumentException("expected off | views");
      };
    }
  }

  /** How mined results become minibatches. */
  public enum TrainMode {
    /** Mined triplets in the fixed a, p, n layout. */
    TRIPLETS,
    /** PK batches composed from the mined neighbourhoods; the loss mines inside each batch. */
    PK,
    /**
     * Batches of anchors, each with its positive and its globally mined negatives (the round's
     * triplets); the loss mines inside each batch, among the whole dataset's hardest candidates.
     */
    MINED;

    /**
     * Parses {@code auto | triplets | pk | mined}; {@code auto} is {@code pk} with class labels
     * (the best arm of the batch-composition ablation, bench/results-ablation.md) and {@code
     * triplets} in pair mode, where there are no classes to compose batches from.
     */
    public static TrainMode parse(String s, boolean pairMode) {
      return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "auto" -> pairMode ? TRIPLETS : PK;
        case "triplets" -> TRIPLETS;
        case "pk" -> PK;
        case "mined" -> MINED;
        default -> throw new IllegalArgumentException("expected auto | triplets | pk | mined");
      };
    }
  }

  /**
   * True when the network trains with the built-in triplet margin loss of the fixed layout (no
   * {@code loss.*} key, triplets mode): what models trained before {@code loss.*} existed carry.
   */
  public boolean builtInLoss() {
    return loss.isEmpty() && train.mode() == TrainMode.TRIPLETS;
  }

  /**
   * The loss, typed: the {@code loss.*} keys, with {@code mining.margin} as the margin when {@code
   * loss.margin} is not given. The one carrier of the loss's margin; under {@link #builtInLoss}
   * only the margin is used.
   */
  public LossSpec lossSpec() {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>(loss);
    if (train.labelsInBatch()) {
      // the reference setting: FaceNet's semi-hard rule inside each batch
      m.putIfAbsent("miner", "semi-hard");
    }
    return build("loss", () -> LossSpec.fromMap(m, mining.margin()));
  }

  /** The loss as a DL4J loss function in the layout the training mode feeds it. */
  public org.nd4j.linalg.lossfunctions.ILossFunction lossFunction() {
    LossSpec spec = lossSpec();
    return builtInLoss()
        ? new TripletMarginLoss(spec.margin())
        : LossFactory.create(spec, train.labelsInBatch() ? Layout.LABELS : Layout.TRIPLETS);
  }

  /**
   * The inference batch for a network of {@code arch} loaded from a model file ({@code hardneg
   * mine}, {@code hardneg evaluate}): {@code embed.batchSize = auto}, given or by default, follows
   * the loaded network's architecture rather than {@code model.architecture}; an integer stays.
   */
  public int embedBatchFor(Architecture arch) {
    String v = given.getOrDefault("embed.batchSize", "auto");
    return v.equalsIgnoreCase("auto") ? embedBatch("auto", arch) : embedBatch;
  }

  /**
   * Items per inference batch: {@code auto} (any case) is 512 for the MLP and 128 for the CNN of
   * {@code model.architecture} (a model file's network in {@code mine} and {@code evaluate}: {@link
   * #embedBatchFor}), because the convolutions' im2col buffers grow with the batch (the second's is
   * about 105 MB at 512 images of 28 x 28) and a 60k CNN EMBED and EVALUATE took about 30% less
   * time at 128 than at 512; the MLP's GEMMs prefer the larger batch. An integer in [1, 2^20]
   * overrides.
   */
  static int embedBatch(String v, Architecture arch) {
    if (v.equalsIgnoreCase("auto")) {
      return arch == Architecture.CNN ? 128 : 512;
    }
    int b;
    try {
      b = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected auto or an integer in [1, 1048576]");
    }
    if (b < 1 || b > 1 << 20) {
      throw new IllegalArgumentException("expected auto or an integer in [1, 1048576]");
    }
    return b;
  }

  /** Reads and validates every key; unknown keys are errors. */
  public static JobConfig from(Settings s) {
    long seed = s.longValue("seed", 42);
    ModelSettings model =
        new ModelSettings(
            s.parsed("model.architecture", "mlp", Architecture::parse),
            s.intList("model.hidden", new int[] {256, 128}),
            s.intIn("model.embeddingDim", 64, 2, 4096),
            s.doubleIn("model.learningRate", 1e-3, 1e-7, 10));
    double margin = s.doubleIn("mining.margin", 0.2, 0, 4);
    MiningConfig mining =
        build(
            "mining",
            () ->
                new MiningConfig(
                    margin,
                    s.intIn("mining.hardPerAnchor", 0, 0, 1000),
                    s.intIn("mining.semiHardPerAnchor", 4, 0, 1000),
                    s.parsed("mining.semiHardFallback", "nearest-beyond", SemiHardFallback::parse),
                    seed,
                    s.intIn("mining.band.min", 0, 0, 1_000_000),
                    s.intIn("mining.band.max", 0, 0, 1_000_000),
                    s.intIn("mining.band.perAnchor", 0, 0, 1000),
                    s.parsed("mining.guard.falseNegativeRatio", "off", JobConfig::offOrNonNegative),
                    s.parsed(
                        "mining.guard.falseNegativeMargin", "off", JobConfig::offOrNonNegative),
                    s.doubleIn("mining.guard.minDistance", 0, 0, 2),
                    s.intIn("mining.quota.perLabel", 0, 0, 1000),
                    s.intIn("mining.candidateSlack", 8, 0, 10_000)));
    // every search key is read whatever the mode, so each stays a known key
    SearchSettings search =
        build(
            "search",
            () ->
                SearchSettings.of(
                    s.parsed("mining.search", "broadcast", SearchSettings::mode),
                    s.intIn("mining.ivf.nlist", 0, 0, 1 << 24),
                    s.intIn("mining.ivf.nprobe", 6, 1, 1 << 24),
                    s.intIn("mining.listCap", 50_000, 1, 1 << 28),
                    s.intIn("mining.ivf.kmeansSample", 65_536, 1, 1 << 26),
                    s.intIn("mining.ivf.kmeansIterations", 10, 0, 1000),
                    s.intIn("mining.tiles", 4, 1, 1 << 16),
                    s.intIn("mining.recallSample", 1000, 0, 1 << 24),
                    s.intIn("mining.ivf.baseLists", 4, 1, 64)));
    KnnOptions knn =
        new KnnOptions(
            1,
            s.intIn("mining.queryBlock", 1024, 1, 1 << 16),
            s.intIn("mining.baseBlock", 4096, 1, 1 << 20),
            DataType.FLOAT);
    int rounds = s.intIn("rounds", 3, 1, 100_000);
    LrSchedule.Kind lrKind = s.parsed("train.lr.schedule", "cosine", LrSchedule.Kind::parse);
    int warmup = s.intIn("train.lr.warmupRounds", 1, 0, 100_000);
    double lrMin = s.doubleIn("train.lr.min", 0, 0, 10);
    LrSchedule lr =
        build(
            "train.lr", () -> new LrSchedule(lrKind, model.learningRate(), lrMin, warmup, rounds));
    TrainSettings train =
        new TrainSettings(
            s.parsed(
                "train.mode",
                "auto",
                v -> TrainMode.parse(v, !s.string("mining.pairs.path", "").isEmpty())),
            s.intIn("train.epochsPerRound", 2, 1, 10_000),
            s.intIn("train.batchTriplets", 128, 1, 1 << 16),
            s.intIn("train.averagingFrequency", 20, 1, 10_000),
            s.intIn("train.prefetch", 2, 0, 64),
            s.intIn("train.featureTableMB", 256, 0, 1 << 20),
            s.intIn("train.pk.classes", 8, 2, 100_000),
            s.intIn("train.pk.perClass", 16, 2, 100_000),
            s.parsed("train.pk.compose", "neighbourhoods", PkCompose::parse),
            lr,
            s.parsed("train.augment", "off", Augment::parse));
    java.util.Map<String, String> loss = new java.util.LinkedHashMap<>();
    for (String k : LossSpec.KEYS) {
      String v = s.string("loss." + k, "");
      if (!v.isEmpty()) {
        loss.put(k, v);
      }
    }
    InputSpec.Format format = s.parsed("input.format", "idx", InputSpec.Format::parse);
    String idColumn =
        s.string("input.idColumn", "id").equals("none") ? "" : s.string("input.idColumn", "id");
    String labelColumn = s.string("input.labelColumn", "label");
    String featuresColumn =
        s.string("input.featuresColumn", "features").equals("all")
            ? ""
            : s.string("input.featuresColumn", "features");
    InputSpec.ZeroVectors zeroVectors =
        s.parsed("input.zeroVectors", "reject", InputSpec.ZeroVectors::parse);
    InputSpec input =
        build(
            "input",
            () ->
                new InputSpec(
                    format,
                    s.string("input.path", ""),
                    s.string("input.images", "data/fashion-mnist/t10k-images-idx3-ubyte.gz"),
                    s.string("input.labels", "data/fashion-mnist/t10k-labels-idx1-ubyte.gz"),
                    idColumn,
                    labelColumn,
                    featuresColumn,
                    zeroVectors));
    // the evaluation set, when given, has the input's format and columns
    String evalPath = s.string("eval.input.path", "");
    String evalImages = s.string("eval.input.images", "");
    String evalLabels = s.string("eval.input.labels", "");
    InputSpec evalInput =
        evalPath.isEmpty() && evalImages.isEmpty()
            ? null
            : build(
                "eval.input",
                () -> {
                  if (format == InputSpec.Format.IDX
                      && (evalImages.isEmpty() || evalLabels.isEmpty())) {
                    throw new IllegalArgumentException(
                        "input.format is idx: set both eval.input.images and eval.input.labels");
                  }
                  return new InputSpec(
                      format,
                      evalPath,
                      evalImages,
                      evalLabels,
                      idColumn,
                      labelColumn,
                      featuresColumn,
                      zeroVectors);
                });
    JobConfig c =
        new JobConfig(
            input,
            evalInput,
            s.string("output", "runs/demo"),
            seed,
            rounds,
            s.doubleIn("split.evalFraction", 0.2, 0.01, 0.99),
            new Validation(
                s.doubleIn("eval.validation.fraction", 0.1, 0, 0.9),
                s.parsed("eval.validation.by", "item", By::parse)),
            s.intIn("spark.partitions", 4, 1, 1 << 20),
            model,
            mining,
            search,
            s.string("mining.pairs.path", ""),
            s.parsed(
                "mining.pairs.format",
                "parquet",
                f -> {
                  if (!f.equals("parquet") && !f.equals("csv")) {
                    throw new IllegalArgumentException("expected parquet | csv");
                  }
                  return f;
                }),
            s.string("eval.pairs.path", ""),
            s.parsed(
                "mining.positive",
                "random",
                v ->
                    switch (v) {
                      case "random" -> false;
                      case "hardest" -> true;
                      default -> throw new IllegalArgumentException("expected random | hardest");
                    }),
            knn,
            train,
            loss,
            s.parsed("embed.batchSize", "auto", v -> embedBatch(v, model.architecture())),
            new BaselineSettings(
                s.parsed(
                    "eval.baselines",
                    "compute",
                    v ->
                        switch (v) {
                          case "compute" -> true;
                          case "skip" -> false;
                          default -> throw new IllegalArgumentException("expected compute | skip");
                        }),
                s.string("eval.baselines.cache", "")),
            s.given());
    s.checkAllKnown();
    if (!c.evalPairsPath().isEmpty() && (c.pairsPath().isEmpty() || c.evalInput() == null)) {
      throw new ConfigException(
          "eval.pairs.path is set: it holds the pairs of a separate "
              + "evaluation set in pair mode, so it needs both mining.pairs.path and eval.input.* "
              + "(given: mining.pairs.path '"
              + c.pairsPath()
              + "', eval.input "
              + (c.evalInput() == null ? "unset" : c.evalInput().describe())
              + ")");
    }
    if (c.train().mode() == TrainMode.MINED && c.train().pkPerClass() < 3) {
      throw new ConfigException(
          "train.mode = mined: train.pk.perClass is the rows of one anchor's block (the anchor, "
              + "its positive and at least one mined negative), so it must be >= 3, got "
              + c.train().pkPerClass());
    }
    // Only a mode named in the configuration conflicts with a non-default composition: `auto`
    // resolving to triplets (pair mode) leaves the key unused, so a full configuration file that
    // lists every key (with the composition an older release defaulted to) still runs pair mode.
    boolean modeNamed = !s.string("train.mode", "auto").trim().equalsIgnoreCase("auto");
    if (modeNamed
        && c.train().pkCompose() != PkCompose.NEIGHBOURHOODS
        && c.train().mode() != TrainMode.PK) {
      throw new ConfigException(
          "train.pk.compose = "
              + c.train().pkCompose().name().toLowerCase(java.util.Locale.ROOT)
              + " picks the classes of pk batches; it has no effect with "
              + "train.mode = "
              + c.train().mode().name().toLowerCase(java.util.Locale.ROOT)
              + " (set train.mode = pk, or leave train.pk.compose at neighbourhoods)");
    }
    if (c.train().augment() != Augment.OFF && !c.train().labelsInBatch()) {
      throw new ConfigException(
          "train.augment = "
              + c.train().augment().name().toLowerCase(java.util.Locale.ROOT)
              + " changes the rows of pk and mined batches; train.mode resolves to triplets here,"
              + " whose rows are the mined triplets' items as they were mined (set train.mode ="
              + " pk or mined, or train.augment = off)");
    }
    c.lossSpec(); // validate now, before any Spark work
    return c;
  }

  /** {@code off} → NaN, else a number >= 0. */
  static double offOrNonNegative(String v) {
    if (v.equalsIgnoreCase("off")) {
      return Double.NaN;
    }
    double x;
    try {
      x = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected 'off' or a number >= 0");
    }
    if (!(x >= 0) || Double.isInfinite(x)) {
      throw new IllegalArgumentException("expected 'off' or a number >= 0");
    }
    return x;
  }

  private static <T> T build(String what, java.util.function.Supplier<T> f) {
    try {
      return f.get();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(what + " configuration: " + e.getMessage(), e);
    }
  }
}
