package dev.jtc.bench.profile;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.model.Batch;
import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Models;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.weights.Checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Where a forward pass spends its time: every kernel call timed ({@link TimedKernels}), summed per operation, for a
 * model at several sequence lengths; what no kernel accounts for (embedding lookup, tap bookkeeping, the pass's own
 * frame) is the "outside kernels" row. Prints one Markdown table per length: per operation the median over the
 * passes of its time in a pass (so the rows need not add up to the median pass exactly), its share of the median
 * pass, and GFLOP/s for matmul and attention. Hand-offs to the kernel threads and waiting for them are inside the
 * matmul and attention rows.
 *
 * <p>usage: ForwardBreakdown MODEL LENGTHS [WARMUP PASSES] — MODEL as {@code jtc} takes it (a built-in name or a
 * directory), LENGTHS comma-separated. Threads: {@code -Djtc.threads}. bench/run-breakdown runs it.
 */
public final class ForwardBreakdown {

    private ForwardBreakdown() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: ForwardBreakdown MODEL LENGTHS [WARMUP PASSES], e.g. bert-base-uncased 16,128,512");
            System.exit(2);
        }
        int[] lengths = Arrays.stream(args[1].split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int passes = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        TimedKernels kernels = new TimedKernels(Kernels.vector());
        try (Checkpoint checkpoint = Checkpoint.open(args[0]);
             Model model = Models.load(checkpoint.tensors(), checkpoint.config(), kernels)) {
            System.out.printf("%s, %d kernel threads, %d warm-up and %d timed passes per length%n%n", args[0],
                    Integer.getInteger("jtc.threads", Runtime.getRuntime().availableProcessors()), warmup, passes);
            for (int t : lengths) report(model, kernels, t, warmup, passes);
        }
    }

    private static void report(Model model, TimedKernels kernels, int t, int warmup, int passes) {
        Batch batch = Batch.of(tokens(t, model.config().vocabSize()));
        for (int i = 0; i < warmup; i++) model.forward(batch, Hooks.NONE);
        List<Map<String, TimedKernels.Tally>> perPass = new ArrayList<>();
        long[] totals = new long[passes];
        for (int i = 0; i < passes; i++) {
            kernels.reset();
            long start = System.nanoTime();
            model.forward(batch, Hooks.NONE);
            totals[i] = System.nanoTime() - start;
            perPass.add(new TreeMap<>(kernels.tallies()));
        }
        double total = median(totals);
        System.out.printf("### T = %d: %.2f ms per pass (median)%n%n", t, total / 1e6);
        System.out.println("| operation | calls | ms | share | GFLOP/s |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (String op : perPass.getLast().keySet()) {
            long[] nanos = perPass.stream().mapToLong(m -> m.get(op).nanos()).toArray();
            TimedKernels.Tally last = perPass.getLast().get(op);
            double ns = median(nanos);
            String gflops = last.flops() > 0 ? String.format("%.0f", last.flops() / ns) : "";
            System.out.printf("| %s | %d | %.2f | %.1f%% | %s |%n", op, last.calls(), ns / 1e6, 100 * ns / total, gflops);
        }
        long[] outsides = new long[passes];
        for (int i = 0; i < passes; i++) {
            outsides[i] = totals[i] - perPass.get(i).values().stream().mapToLong(TimedKernels.Tally::nanos).sum();
        }
        double outside = median(outsides);
        System.out.printf("| outside kernels | | %.2f | %.1f%% | |%n%n", outside / 1e6, 100 * outside / total);
    }

    /** A fixed pseudo-random sentence of {@code t} ids (speed does not depend on which). */
    private static int[] tokens(int t, int vocab) {
        SplittableRandom r = new SplittableRandom(42);
        int[] ids = new int[t];
        for (int i = 0; i < t; i++) ids[i] = r.nextInt(Math.min(vocab, 30000));
        return ids;
    }

    private static double median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
}
