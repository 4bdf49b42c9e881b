package dev.jtc.spark;

import dev.jtc.engine.linalg.LeastSquaresOptions;
import dev.jtc.engine.linalg.TsqrAccumulator;
import dev.jtc.shortcuts.fit.ShortcutPlan;
import org.apache.spark.SparkConf;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory a distributed fit needs, checked on the driver before any task starts, so that a too-small executor
 * fails in one sentence rather than in an OutOfMemoryError an hour into collection.
 *
 * <p>A collecting task holds one accumulator per source on the heap ({@link TsqrAccumulator#bytesWhileCollecting}:
 * R, C and the row buffer); an executor runs {@code spark.executor.cores / spark.task.cpus} tasks at once. Spark
 * keeps 300 MiB of the heap for itself and lends {@code spark.memory.fraction} of the rest to its own execution
 * and storage, so user objects get {@code (heap − 300 MiB) · (1 − spark.memory.fraction)}. Each merged source also
 * comes back to the driver whole, so it must fit {@code spark.driver.maxResultSize}.
 */
final class ExecutorMemory {

    private static final long SPARK_RESERVED = 300L << 20;
    private static final double GIB = 1 << 30;
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?])?");

    private ExecutorMemory() {
    }

    /** Per task: every source's accumulator while it collects. */
    static long perTask(ShortcutPlan plan, int width, LeastSquaresOptions options) {
        long bytes = 0;
        for (ShortcutPlan.Source s : plan.sources()) bytes += TsqrAccumulator.bytesWhileCollecting(width, s.maps().size(), width, options);
        return bytes;
    }

    /** @throws IllegalArgumentException naming the setting to raise, when the executors or the driver are too small */
    static void check(SparkConf conf, ShortcutPlan plan, int width, LeastSquaresOptions options) {
        long perTask = perTask(plan, width, options);
        Matcher local = LOCAL.matcher(conf.get("spark.master", "local"));
        boolean inDriver = local.matches();
        int taskCpus = conf.getInt("spark.task.cpus", 1);
        int cores = inDriver ? localCores(local) : conf.getInt("spark.executor.cores", 1);
        int tasks = Math.max(1, cores / taskCpus);
        long heap = inDriver ? Runtime.getRuntime().maxMemory() : conf.getSizeAsBytes("spark.executor.memory", "1g");
        double fraction = conf.getDouble("spark.memory.fraction", 0.6);
        long usable = (long) (Math.max(0, heap - SPARK_RESERVED) * (1 - fraction));
        if ((double) perTask * tasks > usable) {
            long wanted = (long) Math.ceil((perTask * tasks / (1 - fraction) + SPARK_RESERVED) / GIB);
            String heapSetting = inDriver ? String.format(Locale.ROOT, "the local JVM's heap of %.1f GiB", heap / GIB)
                    : "spark.executor.memory=" + conf.get("spark.executor.memory", "1g");
            String raise = inDriver ? "give it -Xmx" + wanted + "g (JTC_JAVA_OPTS for spark/run-local)"
                    : "set spark.executor.memory to at least " + wanted + "g";
            throw new IllegalArgumentException(String.format(Locale.ROOT, "each Spark task of this fit holds %.2f GiB of "
                    + "least-squares accumulators (%d sources of width %d) and an executor runs %d at once "
                    + "(spark.task.cpus=%d), but %s leaves %.2f GiB for them after Spark's 300 MiB and its "
                    + "spark.memory.fraction=%s; %s, or lower spark.memory.fraction, or raise spark.task.cpus.",
                    perTask / GIB, plan.sources().size(), width, tasks, taskCpus, heapSetting, usable / GIB, fraction, raise));
        }
        long largest = 0;
        for (ShortcutPlan.Source s : plan.sources()) largest = Math.max(largest, TsqrAccumulator.bytesWritten(width, s.maps().size(), width, options));
        long maxResult = conf.getSizeAsBytes("spark.driver.maxResultSize", "1g");
        if (maxResult > 0 && largest > maxResult) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the largest merged accumulator of this fit comes "
                    + "back to the driver as %.2f GiB, over spark.driver.maxResultSize=%s; set it to at least %dg, or 0 "
                    + "for no limit.", largest / GIB, conf.get("spark.driver.maxResultSize", "1g"), (long) Math.ceil(largest / GIB) + 1));
        }
    }

    private static int localCores(Matcher local) {
        String n = local.group(1);
        if (n == null) return 1;
        return n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n);
    }
}
