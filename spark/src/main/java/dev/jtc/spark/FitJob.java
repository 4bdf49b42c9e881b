package dev.jtc.spark;

import dev.jtc.shortcuts.TokenizerFiles;
import dev.jtc.shortcuts.cli.FitOptions;
import dev.jtc.shortcuts.cli.UserErrors;
import dev.jtc.shortcuts.corpus.Corpus;
import dev.jtc.shortcuts.fit.Fit;
import dev.jtc.shortcuts.fit.FitSettings;
import dev.jtc.shortcuts.fit.Progress;
import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.tokenizer.TokenizerOptions;
import dev.jtc.tokenizer.Tokenizers;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/**
 * {@code jtc fit} on Apache Spark: the same options, the same samples for the same seed and the same run directory
 * ({@code jtc run} takes it for the results stage), with the forward passes split by sentence over the executors.
 * The driver samples, the executors collect ({@link DistributedCollection}), the driver solves, scores and writes,
 * all through {@link Fit#run(Fit.Inputs, Path, Fit.RunOptions, Progress, dev.jtc.shortcuts.fit.StateCollector)}.
 * Run it with {@code spark-submit --class dev.jtc.spark.FitJob} or {@code spark/run-local}.
 */
@Command(name = "spark-fit", mixinStandardHelpOptions = true, version = "jtc " + Fit.VERSION,
        description = {
                "Fits the paper's linear shortcuts as jtc fit does, with the forward passes run by Spark's executors: "
                        + "the same options, samples and run directory (jtc run accepts it for the results stage).",
                "The Spark master and resources come from spark-submit or spark.* system properties; the corpus may "
                        + "be on any Hadoop file system (hdfs://, s3a://, …); the model must be readable on every executor."})
public final class FitJob implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    FitOptions options;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Partitions the samples are dealt into (default: as many as tasks can run at once, Spark's "
                    + "default parallelism / spark.task.cpus). Each holds every source's accumulator while it collects, "
                    + "and each beyond the first costs one merge per source, about what d more training rows cost.")
    Integer partitions;

    @Override
    public void run() {
        FitSettings settings = options.settings();
        SparkSession session = SparkSession.builder().appName("jtc fit " + settings.model()).getOrCreate();
        try {
            JavaSparkContext spark = JavaSparkContext.fromSparkContext(session.sparkContext());
            Fit.Summary summary = fit(spark, settings, options.out(), options.runOptions(),
                    partitions != null ? partitions : taskSlots(spark));
            spec.commandLine().getOut().println(summary.text());
            spec.commandLine().getOut().flush();
        } finally {
            session.stop();
        }
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new FitJob());
        UserErrors userErrors = new UserErrors();
        // A bad input met on an executor reaches the driver inside Spark's job failure: show it as jtc fit would.
        cl.setExecutionExceptionHandler((e, line, parsed) -> userErrors.handleExecutionException(rootOfJobFailure(e), line, parsed));
        System.exit(cl.execute(args));
    }

    /** Fits {@code settings} with the model named in them opened on every executor, into {@code out} (null: the default). */
    public static Fit.Summary fit(JavaSparkContext spark, FitSettings settings, Path out, Fit.RunOptions run, int partitions) {
        return fit(spark, settings, out, run, new DistributedCollection(spark, ExecutorModel.named(settings.model()), partitions));
    }

    /** As {@link #fit(JavaSparkContext, FitSettings, Path, Fit.RunOptions, int)}, collecting with {@code collection}. */
    public static Fit.Summary fit(JavaSparkContext spark, FitSettings settings, Path out, Fit.RunOptions run,
                                  DistributedCollection collection) {
        Progress progress = run.showProgress() ? Progress.stderr("jtc spark-fit") : Progress.silent();
        Tokenizer tokenizer = Tokenizers.load(TokenizerFiles.locate(settings.model()),
                TokenizerOptions.defaults().withPeriodAsPadToken(settings.periodAsPad()));
        Corpus corpus = CorpusCopy.open(settings, spark.hadoopConfiguration(), progress);
        // The driver's model (sampling limits, r², metadata) is the one local mode's tasks share.
        Fit.Inputs inputs = new Fit.Inputs(settings, corpus, JvmModels.open(settings.model()), tokenizer);
        return Fit.run(inputs, out, run, progress, collection);
    }

    /**
     * One partition per task that can run at once: every slot busy, and no merge more than that needs (a merge costs
     * about as much as accumulating d more rows, so extra partitions are paid for in CPU, not gained in speed).
     */
    static int taskSlots(JavaSparkContext spark) {
        return Math.max(1, spark.defaultParallelism() / spark.getConf().getInt("spark.task.cpus", 1));
    }

    /** The exception a task threw, when {@code e} is Spark's report of the job it failed; else {@code e}. */
    static Exception rootOfJobFailure(Exception e) {
        Throwable t = e;
        while (t instanceof org.apache.spark.SparkException && t.getCause() instanceof Exception cause) t = cause;
        return (Exception) t;
    }
}
