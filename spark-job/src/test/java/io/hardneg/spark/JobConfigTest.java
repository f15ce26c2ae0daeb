package io.hardneg.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hardneg.spark.config.ConfigException;
import io.hardneg.spark.config.JobConfig;
import io.hardneg.spark.config.LrSchedule;
import io.hardneg.spark.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JobConfigTest {
  static final Path CONF = Path.of("..", "conf");

  @Test
  void hardnegConfListsExactlyTheDefaults() {
    Settings file = new Settings().load(CONF.resolve("hardneg.conf"));
    JobConfig fromFile = JobConfig.from(file);
    JobConfig defaults = JobConfig.from(new Settings());
    assertEquals(defaults.input(), fromFile.input());
    assertEquals(defaults.output(), fromFile.output());
    assertEquals(defaults.seed(), fromFile.seed());
    assertEquals(defaults.rounds(), fromFile.rounds());
    assertEquals(defaults.evalFraction(), fromFile.evalFraction());
    assertEquals(defaults.validation(), fromFile.validation());
    assertEquals(defaults.partitions(), fromFile.partitions());
    assertEquals(defaults.model().architecture(), fromFile.model().architecture());
    assertArrayEquals(defaults.model().hidden(), fromFile.model().hidden());
    assertEquals(defaults.model().embeddingDim(), fromFile.model().embeddingDim());
    assertEquals(defaults.model().learningRate(), fromFile.model().learningRate());
    assertEquals(defaults.mining(), fromFile.mining());
    assertEquals(defaults.knn(), fromFile.knn());
    assertEquals(defaults.train(), fromFile.train());
    assertEquals(defaults.embedBatch(), fromFile.embedBatch());
    // every key the job reads is documented in the file, and nothing else is
    assertEquals(file.readKeys(), new java.util.TreeSet<>(fromFile.given().keySet()));
    JobConfig.from(new Settings().load(CONF.resolve("demo.conf")));
  }

  @Test
  void trainModeAutoIsPkWithClassLabelsAndTripletsInPairMode() {
    assertEquals(JobConfig.TrainMode.PK, JobConfig.from(new Settings()).train().mode());
    assertEquals(
        JobConfig.TrainMode.TRIPLETS,
        JobConfig.from(new Settings().set("mining.pairs.path", "pairs.csv", "t")).train().mode());
    assertEquals(
        JobConfig.TrainMode.TRIPLETS,
        JobConfig.from(new Settings().set("train.mode", "triplets", "t")).train().mode());
    assertEquals(
        JobConfig.TrainMode.PK,
        JobConfig.from(new Settings().set("train.mode", "AUTO", "t")).train().mode());
    ConfigException bad =
        assertThrows(
            ConfigException.class,
            () -> JobConfig.from(new Settings().set("train.mode", "ance", "t")));
    assertTrue(bad.getMessage().contains("auto | triplets | pk | mined"), bad.getMessage());
  }

  @Test
  void batchCompositionKeysAreValidated() {
    JobConfig random =
        JobConfig.from(
            new Settings().set("train.mode", "pk", "t").set("train.pk.compose", "random", "t"));
    assertEquals(JobConfig.PkCompose.RANDOM, random.train().pkCompose());
    assertEquals(
        JobConfig.PkCompose.NEIGHBOURHOODS, JobConfig.from(new Settings()).train().pkCompose());
    ConfigException bad =
        assertThrows(
            ConfigException.class,
            () -> JobConfig.from(new Settings().set("train.pk.compose", "shuffled", "t")));
    assertTrue(bad.getMessage().contains("expected confusions | random"), bad.getMessage());
    ConfigException notPk =
        assertThrows(
            ConfigException.class,
            () ->
                JobConfig.from(
                    new Settings()
                        .set("train.mode", "mined", "t")
                        .set("train.pk.compose", "random", "t")));
    assertTrue(notPk.getMessage().contains("train.mode = mined"), notPk.getMessage());
    // auto resolving to triplets (pair mode) leaves the composition unused: no refusal
    JobConfig pairs =
        JobConfig.from(
            new Settings()
                .set("mining.pairs.path", "/tmp/pairs", "t")
                .set("train.pk.compose", "confusions", "t"));
    assertEquals(JobConfig.TrainMode.TRIPLETS, pairs.train().mode());
    assertThrows(
        ConfigException.class,
        () ->
            JobConfig.from(
                new Settings()
                    .set("mining.pairs.path", "/tmp/pairs", "t")
                    .set("train.mode", "triplets", "t")
                    .set("train.pk.compose", "confusions", "t")));
    JobConfig mined = JobConfig.from(new Settings().set("train.mode", "mined", "t"));
    assertEquals(JobConfig.TrainMode.MINED, mined.train().mode());
    assertTrue(mined.train().labelsInBatch());
    assertEquals(io.hardneg.core.inbatch.MinerKind.SEMI_HARD, mined.lossSpec().miner());
    ConfigException small =
        assertThrows(
            ConfigException.class,
            () ->
                JobConfig.from(
                    new Settings()
                        .set("train.mode", "mined", "t")
                        .set("train.pk.perClass", "2", "t")));
    assertTrue(small.getMessage().contains(">= 3"), small.getMessage());
    ConfigException mode =
        assertThrows(
            ConfigException.class,
            () -> JobConfig.from(new Settings().set("train.mode", "ance", "t")));
    assertTrue(mode.getMessage().contains("triplets | pk | mined"), mode.getMessage());
  }

  @Test
  void augmentationIsOffByDefaultAndOnlyForLabelsInBatchModes() {
    assertEquals(JobConfig.Augment.OFF, JobConfig.from(new Settings()).train().augment());
    for (String mode : new String[] {"pk", "mined", "auto"}) {
      JobConfig c =
          JobConfig.from(
              new Settings().set("train.mode", mode, "t").set("train.augment", " Views ", "t"));
      assertEquals(JobConfig.Augment.VIEWS, c.train().augment(), mode);
    }
    ConfigException bad =
        assertThrows(
            ConfigException.class,
            () -> JobConfig.from(new Settings().set("train.augment", "flip", "t")));
    assertTrue(bad.getMessage().contains("train.augment"), bad.getMessage());
    assertTrue(bad.getMessage().contains("off | views"), bad.getMessage());
    // triplets, named or what auto resolves to in pair mode: the rows are the mined items
    for (Settings s :
        new Settings[] {
          new Settings().set("train.mode", "triplets", "t"),
          new Settings().set("mining.pairs.path", "/tmp/pairs", "t")
        }) {
      ConfigException triplets =
          assertThrows(
              ConfigException.class, () -> JobConfig.from(s.set("train.augment", "views", "t")));
      assertTrue(triplets.getMessage().contains("train.augment = views"), triplets.getMessage());
      assertTrue(triplets.getMessage().contains("triplets"), triplets.getMessage());
    }
    assertEquals(
        JobConfig.Augment.OFF,
        JobConfig.from(
                new Settings().set("train.mode", "triplets", "t").set("train.augment", "off", "t"))
            .train()
            .augment());
  }

  @Test
  void unknownKeysAndBadValuesAreErrorsNamingTheKey() {
    ConfigException typo =
        assertThrows(
            ConfigException.class,
            () -> JobConfig.from(new Settings().set("mining.marign", "0.3", "test")));
    assertTrue(
        typo.getMessage().contains("unknown configuration key 'mining.marign'"), typo.getMessage());
    ConfigException neg =
        assertThrows(
            ConfigException.class,
            () -> JobConfig.from(new Settings().set("mining.margin", "-1", "test")));
    assertTrue(
        neg.getMessage().contains("mining.margin") && neg.getMessage().contains("[0.0"),
        neg.getMessage());
    ConfigException arch =
        assertThrows(
            ConfigException.class,
            () -> JobConfig.from(new Settings().set("model.architecture", "rnn", "test")));
    assertTrue(arch.getMessage().contains("expected mlp | cnn"), arch.getMessage());
    ConfigException cnn =
        assertThrows(
            ConfigException.class,
            () ->
                JobConfig.from(new Settings().set("model.architecture", "cnn", "x"))
                    .modelSpec(100 + 1));
    assertTrue(cnn.getMessage().contains("square"), cnn.getMessage());
    ConfigException half =
        assertThrows(
            ConfigException.class,
            () -> JobConfig.from(new Settings().set("eval.input.images", "t10k-images.gz", "x")));
    assertTrue(half.getMessage().contains("eval.input.labels"), half.getMessage());
  }

  @Test
  void validationAndScheduleKeysAreCheckedAndDefaultToHonestSelectionAndCosine() {
    JobConfig d = JobConfig.from(new Settings());
    assertEquals(new JobConfig.Validation(0.1, JobConfig.By.ITEM), d.validation());
    assertEquals(LrSchedule.Kind.COSINE, d.train().lr().kind());
    assertEquals(1, d.train().lr().warmupRounds());
    assertEquals(d.model().learningRate(), d.train().lr().base());
    assertEquals(
        JobConfig.By.CLASS,
        JobConfig.from(new Settings().set("eval.validation.by", "class", "test"))
            .validation()
            .by());
    for (String[] bad :
        new String[][] {
          {"eval.validation.by", "label", "item | class"},
          {"eval.validation.fraction", "0.95", "eval.validation.fraction"},
          {"train.lr.schedule", "step", "constant | cosine"},
          {"train.lr.min", "0.01", "train.lr.min must be in [0, model.learningRate = 0.001]"},
          {"train.lr.warmupRounds", "-1", "train.lr.warmupRounds"}
        }) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> JobConfig.from(new Settings().set(bad[0], bad[1], "test")),
              bad[0]);
      assertTrue(e.getMessage().contains(bad[2]), e.getMessage());
    }
  }

  @Test
  void cliReportsConfigErrorsWithExitCodeTwoBeforeStartingSpark() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertEquals(Main.USAGE, Main.run(o, e, "train", "--set", "rounds=0"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("'rounds' = '0'"), err.toString());
    assertEquals(Main.USAGE, Main.run(o, e, "frobnicate"));
    assertEquals(Main.USAGE, Main.run(o, e, "train", "--bogus"));
    assertEquals(Main.OK, Main.run(o, e, "help"));
  }

  @Test
  void theEmbedBatchIsChosenPerArchitectureUnlessGiven() {
    assertEquals(512, embedBatch());
    assertEquals(128, embedBatch("model.architecture", "cnn"));
    assertEquals(512, embedBatch("model.architecture", "cnn", "embed.batchSize", "512"));
    assertEquals(128, embedBatch("model.architecture", "cnn", "embed.batchSize", "AUTO"));
    assertEquals(64, embedBatch("embed.batchSize", "64"));
    for (String v : new String[] {"0", "2000000", "big"}) {
      ConfigException bad =
          assertThrows(
              ConfigException.class,
              () -> JobConfig.from(new Settings().set("embed.batchSize", v, "t")));
      assertTrue(
          bad.getMessage().contains("embed.batchSize")
              && bad.getMessage().contains("expected auto or an integer in [1, 1048576]"),
          bad.getMessage());
    }
  }

  /** The embed batch of the configuration given as key, value, key, value, ... */
  private static int embedBatch(String... keyValues) {
    Settings s = new Settings();
    for (int i = 0; i < keyValues.length; i += 2) {
      s.set(keyValues[i], keyValues[i + 1], "t");
    }
    return JobConfig.from(s).embedBatch();
  }
}
