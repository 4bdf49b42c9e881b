package dev.jtc.bench.profile;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.model.Batch;
import dev.jtc.engine.model.Gpt2;
import dev.jtc.engine.model.KvCache;
import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Models;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.weights.Checkpoint;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Where a forward pass spends its time: every kernel call timed ({@link TimedKernels}), summed per operation, for a
 * model at several sequence lengths; what no kernel accounts for (embedding lookup, tap bookkeeping, the pass's own
 * frame) is the "outside kernels" row. For GPT-2 it also times decoding: one token against a KV cache of 128 positions. Prints one Markdown table per length: per operation the median over the
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
            for (int t : lengths) {
                Batch batch = Batch.of(tokens(t, model.config().vocabSize()));
                report("T = " + t, kernels, warmup, passes, () -> model.forward(batch, Hooks.NONE));
            }
            if (model instanceof Gpt2 gpt2) decode(gpt2, kernels, warmup, passes);
        }
    }

    /**
     * GPT-2 decoding: one token at a time against a KV cache holding {@link #CONTEXT} earlier positions, logits
     * included; a pass here is one step. Each step gets a fresh cache filled by an untimed prefill.
     */
    private static void decode(Gpt2 model, TimedKernels kernels, int warmup, int passes) {
        int[] prompt = tokens(CONTEXT, model.config().vocabSize());
        try (Arena arena = Arena.ofShared()) {
            MemorySegment logits = arena.allocate((long) model.config().vocabSize() * Float.BYTES, 64);
            KvCache[] cache = new KvCache[1];
            Runnable prefill = () -> {
                if (cache[0] != null) cache[0].close();
                cache[0] = KvCache.of(model, CONTEXT + 1);
                model.step(cache[0], prompt, logits, 0);
            };
            System.out.println("A one-row matmul streams its weights once, 4 bytes per 2 flops: its GB/s is twice its GFLOP/s.\n");
            report("decode, " + CONTEXT + " cached", kernels, warmup, passes, prefill,
                    () -> model.step(cache[0], new int[]{prompt[0]}, logits, 0));
            cache[0].close();
        }
    }

    /** Positions in the cache before each timed decode step. */
    private static final int CONTEXT = 128;

    private static void report(String what, TimedKernels kernels, int warmup, int passes, Runnable pass) {
        report(what, kernels, warmup, passes, () -> { }, pass);
    }

    /** Times {@code passes} runs of {@code pass}, each after an untimed {@code before}, and prints the table. */
    private static void report(String what, TimedKernels kernels, int warmup, int passes, Runnable before, Runnable pass) {
        for (int i = 0; i < warmup; i++) {
            before.run();
            pass.run();
        }
        List<Map<String, TimedKernels.Tally>> perPass = new ArrayList<>();
        long[] totals = new long[passes];
        for (int i = 0; i < passes; i++) {
            before.run();
            kernels.reset();
            long start = System.nanoTime();
            pass.run();
            totals[i] = System.nanoTime() - start;
            perPass.add(new TreeMap<>(kernels.tallies()));
            kernels.reset(); // the snapshot keeps these tallies; the next untimed `before` must not add to them
        }
        double total = median(totals);
        System.out.printf("### %s: %.2f ms per pass (median)%n%n", what, total / 1e6);
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
