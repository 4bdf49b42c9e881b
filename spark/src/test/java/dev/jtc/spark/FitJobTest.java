package dev.jtc.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.PackedWeights;
import dev.jtc.engine.model.Batch;
import dev.jtc.engine.model.Model;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.Site;
import dev.jtc.shortcuts.corpus.SamplingRule;
import dev.jtc.shortcuts.fit.Fit;
import dev.jtc.shortcuts.fit.FitSettings;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.testing.Numpy;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark fit in local mode against {@code jtc fit} on the same small random GPT-2 and the same samples: maps and
 * r² agree to 1e-6 with 1, 3 and 8 partitions; numpy's lstsq on the Spark run's own training rows agrees with its
 * maps; a task that fails once is retried and changes nothing; {@code jtc run} takes the Spark run directory for
 * its results stage; a corpus given as a Hadoop file-system URI is sampled as the same local file. One SparkSession, {@code local[2,4]} (two cores, a task may fail up to three times), serves the class.
 */
class FitJobTest {

    private static final double TOLERANCE = 1e-6;

    @TempDir
    static Path dir;
    static Path model;
    static Path sentences;
    static Path local;
    static SparkSession session;
    static JavaSparkContext spark;

    @BeforeAll
    static void fitLocallyAndStartSpark() throws Exception {
        model = TinyRuns.model(dir.resolve("tiny-gpt2"));
        sentences = TinyRuns.sentences(dir.resolve("sentences.txt"));
        local = dir.resolve("local");
        TinyRuns.jtc("fit", "--model", model.toString(), "--sentences", sentences.toString(), "--train", "200", "--val", "60",
                "--out", local.toString());
        session = SparkSession.builder().master("local[2,4]").appName("FitJobTest")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
        spark = JavaSparkContext.fromSparkContext(session.sparkContext());
    }

    @AfterAll
    static void stopSpark() {
        if (session != null) session.stop();
    }

    /** The settings {@code jtc fit} above used. */
    private static FitSettings settings() {
        return new FitSettings(model.toString(), sentences.toString(), true, SamplingRule.SENTENCES, 200, 60, 0, false, 0, false);
    }

    private static Fit.RunOptions keepTrainStates() {
        return new Fit.RunOptions(true, false, false);
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 3, 8})
    void mapsAndR2EqualJtcFitAndNumpy(int partitions) throws Exception {
        Path run = dir.resolve("spark-" + partitions);
        FitJob.fit(spark, settings(), run, keepTrainStates(), partitions);
        TinyRuns.assertSameFit(local, run, TOLERANCE);
        assertAgreesWithNumpy(run);
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndChangesNothing() throws Exception {
        AtomicInteger failedTasks = new AtomicInteger();
        SparkListener failures = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful()) failedTasks.incrementAndGet();
            }
        };
        spark.sc().addSparkListener(failures);
        try {
            Path run = dir.resolve("spark-retried");
            DistributedCollection collection = new DistributedCollection(spark, new FailsOnce(model.toString()), 3);
            FitJob.fit(spark, settings(), run, new Fit.RunOptions(false, false, false), collection);
            TinyRuns.assertSameFit(local, run, TOLERANCE);
        } finally {
            spark.sc().removeSparkListener(failures);
        }
        assertEquals(1, failedTasks.get(), "the injected failure should have failed exactly one task attempt");
    }

    @Test
    void aCorpusOnAHadoopFileSystemIsSampledAsTheLocalFile() throws IOException {
        Path run = dir.resolve("spark-hadoop-corpus");
        FitSettings remote = settings().withCorpus(sentences.toUri().toString());
        assertTrue(remote.corpus().startsWith("file:/"), remote.corpus());
        FitJob.fit(spark, remote, run, new Fit.RunOptions(false, false, false), 2);
        TinyRuns.assertSameFit(local, run, TOLERANCE);
        assertEquals(remote.corpus(), new ObjectMapper().readTree(run.resolve("settings.json").toFile()).path("corpus").asText());
    }

    @Test
    void jtcRunTakesTheSparkRunDirectoryForItsResults() throws IOException {
        Path run = dir.resolve("spark-then-results");
        FitJob.fit(spark, settings(), run, new Fit.RunOptions(false, false, false), 2);
        JsonNode collected = new ObjectMapper().readTree(run.resolve("fit.json").toFile()).path("stages").path("collect");
        TinyRuns.jtc("run", "--model", model.toString(), "--sentences", sentences.toString(), "--train", "200", "--val", "60",
                "--bootstrap", "100", "--out", run.toString());
        assertTrue(Files.isRegularFile(run.resolve("report.html")) && Files.isRegularFile(run.resolve("metrics.csv")));
        assertEquals(collected, new ObjectMapper().readTree(run.resolve("fit.json").toFile()).path("stages").path("collect"),
                "jtc run collected again instead of taking the Spark fit");
    }

    @Test
    void tooSmallAnExecutorFailsInOneSentence() {
        ModelConfig bertBase = new ModelConfig(ModelConfig.Architecture.BERT, 12, 768, 12, 3072, 30522, 512, 2, 1e-12,
                ModelConfig.Activation.GELU_ERF);
        var conf = new org.apache.spark.SparkConf().set("spark.master", "spark://cluster:7077").set("spark.executor.memory", "2g")
                .set("spark.executor.cores", "1");
        var plan = dev.jtc.shortcuts.fit.ShortcutPlan.of(bertBase);
        var options = dev.jtc.engine.linalg.LeastSquaresOptions.paper();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ExecutorMemory.check(conf, plan, 768, options));
        assertTrue(e.getMessage().contains("spark.executor.memory=2g") && e.getMessage().contains("at least 4g")
                && e.getMessage().lines().count() == 1, e.getMessage());
        ExecutorMemory.check(conf.set("spark.executor.memory", "4g"), plan, 768, options);
    }

    private static void assertAgreesWithNumpy(Path run) throws Exception {
        Path script = Path.of("..", "shortcuts", "src", "test", "python", "fit_reference.py").toAbsolutePath().normalize();
        String output = Numpy.run(script, List.of(run.toString())).trim();
        JsonNode result = new ObjectMapper().readTree(output.substring(output.lastIndexOf('{')));
        int maps = TinyRuns.LAYERS * (TinyRuns.LAYERS + 1) / 2 + 6 * TinyRuns.LAYERS;
        assertEquals(maps, result.path("maps").asInt(), output);
        assertTrue(result.path("worst_relative_prediction_difference").asDouble() <= 1e-5, output);
        assertTrue(result.path("worst_r2_difference").asDouble() <= 1e-6, output);
    }

    /**
     * The fit's model, except that in the first attempt of partition 1 the second batch throws, after the first batch's
     * rows are in that task's accumulators: the retried task must start again from nothing.
     */
    private record FailsOnce(String model) implements ExecutorModel {

        @Override
        public Model open() {
            Model m = ExecutorModel.named(model).open();
            TaskContext task = TaskContext.get();
            if (task == null || task.partitionId() != 1 || task.attemptNumber() != 0) return m;
            AtomicInteger batches = new AtomicInteger();
            return new Forwarding(m) {
                @Override
                public int forward(Batch batch, Hooks hooks) {
                    if (batches.incrementAndGet() == 2) throw new IllegalStateException("injected failure of partition 1, attempt 0");
                    return super.forward(batch, hooks);
                }
            };
        }
    }

    /** A model that passes every call to another. */
    private static class Forwarding implements Model {
        private final Model m;

        Forwarding(Model m) {
            this.m = m;
        }

        @Override
        public ModelConfig config() {
            return m.config();
        }

        @Override
        public Kernels kernels() {
            return m.kernels();
        }

        @Override
        public Set<Site> sites() {
            return m.sites();
        }

        @Override
        public Map<Site, Site> overrideInputs() {
            return m.overrideInputs();
        }

        @Override
        public int forward(Batch batch, Hooks hooks) {
            return m.forward(batch, hooks);
        }

        @Override
        public void finalNorm(MemorySegment hidden, long hiddenOff, int rows, MemorySegment out, long outOff) {
            m.finalNorm(hidden, hiddenOff, rows, out, outOff);
        }

        @Override
        public void logitsFromFinalNorm(MemorySegment normed, long normedOff, int rows, MemorySegment out, long outOff) {
            m.logitsFromFinalNorm(normed, normedOff, rows, out, outOff);
        }

        @Override
        public void logits(MemorySegment hidden, long hiddenOff, int rows, MemorySegment out, long outOff) {
            m.logits(hidden, hiddenOff, rows, out, outOff);
        }

        @Override
        public PackedWeights headWeights() {
            return m.headWeights();
        }

        @Override
        public MemorySegment headBias() {
            return m.headBias();
        }

        @Override
        public void close() {
            // The shared model belongs to this JVM's cache, not to one task.
        }
    }
}
