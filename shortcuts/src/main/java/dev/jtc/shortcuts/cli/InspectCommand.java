package dev.jtc.shortcuts.cli;

import dev.jtc.weights.Checkpoint;
import dev.jtc.weights.DType;
import dev.jtc.weights.LocatedModel;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.ModelLocator;
import dev.jtc.weights.TensorInfo;
import dev.jtc.weights.TensorSource;
import dev.jtc.weights.tf.TensorBundle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jtc inspect MODEL [--verify]}: what a checkpoint holds, how long it takes to open, and whether it is intact. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Shows a model's architecture, sizes, parameter and tensor counts, origin and open time; "
                + "--verify checks every stored checksum.")
final class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "A model directory (Hugging Face layout or TF SavedModel), a built-in id such as "
                    + "bert-base-uncased, or a Hugging Face id (local cache, else the hub).")
    String model;

    @Option(names = "--verify", description = "Check every tensor's checksum (TF bundles: CRC-32C); exit 1 if any fails.")
    boolean verify;

    @Spec
    CommandSpec spec;

    /** A model found and mapped, with the time each step took. */
    record Opened(LocatedModel located, TensorSource tensors, ModelConfig config, long locateNanos, long openNanos)
            implements AutoCloseable {
        @Override
        public void close() {
            tensors.close();
        }
    }

    /**
     * Finds MODEL with the shared {@link ModelLocator} (directory, built-in id, HF cache, hub) and opens it as a
     * {@link Checkpoint} (weights mapped, sizes from config.json or, for a TF bundle, from the tensor shapes),
     * timing the two steps apart.
     */
    static Opened open(String spec) {
        long t0 = System.nanoTime();
        LocatedModel located = ModelLocator.locate(spec);
        long t1 = System.nanoTime();
        Checkpoint checkpoint = Checkpoint.open(located);
        long t2 = System.nanoTime();
        return new Opened(checkpoint.located(), checkpoint.tensors(), checkpoint.config(), t1 - t0, t2 - t1);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Opened m = open(model)) {
            print(out, m);
            out.flush();
            return verify ? verify(out, m) : 0;
        }
    }

    private static void print(PrintWriter out, Opened m) {
        ModelConfig c = m.config();
        TensorSource t = m.tensors();
        long params = 0, bytes = 0;
        Map<DType, Integer> dtypes = new EnumMap<>(DType.class);
        for (String name : t.names()) {
            TensorInfo info = t.info(name);
            params += info.elementCount();
            bytes += info.byteSize();
            dtypes.merge(info.dtype(), 1, Integer::sum);
        }
        row(out, "model", m.located().id());
        row(out, "origin", m.located().origin() + " " + m.located().directory());
        row(out, "weights", m.located().format() + " " + m.located().weights() + String.format(" (%.1f MB)", bytes / 1e6));
        row(out, "architecture", c.architecture().toString());
        row(out, "layers", Integer.toString(c.layers()));
        row(out, "hidden size", Integer.toString(c.hidden()));
        row(out, "heads", c.heads() + " (head size " + c.headSize() + ")");
        row(out, "intermediate", Integer.toString(c.intermediate()));
        row(out, "vocabulary", String.format("%,d", c.vocabSize()));
        row(out, "max positions", Integer.toString(c.maxPositions()));
        if (c.typeVocabSize() > 0) row(out, "token types", Integer.toString(c.typeVocabSize()));
        row(out, "activation", c.activation() + ", LayerNorm eps " + c.layerNormEps());
        row(out, "tensors", Integer.toString(t.names().size()));
        row(out, "parameters", String.format("%,d", params));
        StringBuilder types = new StringBuilder();
        dtypes.forEach((d, n) -> types.append(types.isEmpty() ? "" : ", ").append(d).append(" (").append(n).append(')'));
        row(out, "dtypes", types.toString());
        if (t instanceof TensorBundle b && !b.unsupported().isEmpty()) {
            row(out, "skipped", b.unsupported().size() + " tensors of unsupported dtypes: " + b.unsupported());
        }
        row(out, "open time", String.format("%.1f ms (locate %.1f ms, map %.1f ms)",
                (m.locateNanos() + m.openNanos()) / 1e6, m.locateNanos() / 1e6, m.openNanos() / 1e6));
    }

    private static int verify(PrintWriter out, Opened m) {
        long t0 = System.nanoTime();
        if (m.tensors() instanceof TensorBundle b) {
            List<String> failed = b.verify();
            int total = b.entryCount();
            row(out, "checksums", String.format("%d of %d CRC-32C checksums OK (%.2f s)", total - failed.size(), total,
                    (System.nanoTime() - t0) / 1e9));
            for (String name : failed) row(out, "FAILED", name);
            return failed.isEmpty() ? 0 : 1;
        }
        // Safetensors stores no checksums: what can be checked is that every tensor's bytes are all there.
        long bytes = 0;
        for (String name : m.tensors().names()) {
            TensorInfo info = m.tensors().info(name);
            if (m.tensors().raw(name).byteSize() != info.byteSize()) {
                row(out, "FAILED", name + ": " + m.tensors().raw(name).byteSize() + " bytes, expected " + info.byteSize());
                return 1;
            }
            bytes += info.byteSize();
        }
        row(out, "checksums", "none: the format stores no checksums; structure OK (" + m.tensors().names().size()
                + " tensors, " + bytes + " bytes, all within the file)");
        return 0;
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf("%-14s %s%n", key, value);
    }
}
