package dev.jtc.shortcuts.mappings;

import dev.jtc.weights.DType;
import dev.jtc.weights.TensorInfo;
import dev.jtc.weights.safetensors.SafetensorsFile;
import dev.jtc.weights.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PredictionsFileTest {

    private static final int BLOCKS = 3;
    private static final int ROWS = 20;
    private static final int VOCAB = 100;

    @TempDir
    Path dir;
    private Path good;
    private ValidationPredictions predictions;

    @BeforeEach
    void writeAGoodFile() {
        ValidationPredictions gpt2Like = RandomPredictions.of(5, BLOCKS, ROWS, VOCAB, List.of(Mapping.MAT, Mapping.ID));
        // BERT-like t (the constant 3), so that t and position differ and a swap between them shows.
        int[] t = new int[ROWS];
        java.util.Arrays.fill(t, 3);
        ReferencePredictions full = new ReferencePredictions(gpt2Like.full().top10(), gpt2Like.full().position(), t);
        predictions = new ValidationPredictions(BLOCKS, VOCAB, full, gpt2Like.mappings());
        good = dir.resolve("predictions.safetensors");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("model", "gpt2");
        metadata.put("n_val", Integer.toString(ROWS));
        PredictionsFile.write(good, predictions, metadata);
    }

    @Test
    void roundTripsEveryValueInADeterministicLayout() {
        ValidationPredictions back = PredictionsFile.read(good);
        assertEquals(BLOCKS, back.blocks());
        assertEquals(VOCAB, back.vocabSize());
        assertArrayEquals(predictions.full().top10(), back.full().top10());
        assertArrayEquals(predictions.full().t(), back.full().t());
        assertArrayEquals(predictions.full().position(), back.full().position());
        assertEquals(List.of(Mapping.MAT, Mapping.ID), back.mappings().stream().map(MappingPredictions::mapping).toList());
        for (MappingPredictions m : predictions.mappings()) {
            MappingPredictions b = back.of(m.mapping());
            assertArrayEquals(m.top1(), b.top1());
            assertArrayEquals(m.pTop1(), b.pTop1());
            assertArrayEquals(m.pTop2(), b.pTop2());
            assertArrayEquals(m.pFullOfTop1(), b.pFullOfTop1());
            assertArrayEquals(m.kl(), b.kl());
        }
        try (SafetensorsFile st = SafetensorsFile.open(good)) {
            assertEquals(List.of("full.top10", "full.t", "full.position",
                    "mat.top1", "mat.p_top1", "mat.p_top2", "mat.p_full_of_top1", "mat.kl",
                    "id.top1", "id.p_top1", "id.p_top2", "id.p_full_of_top1", "id.kl"), st.names());
            assertEquals(new TensorInfo("mat.top1", DType.I32, new long[]{BLOCKS + 1, ROWS}), st.info("mat.top1"));
            assertEquals(new TensorInfo("full.top10", DType.I32, new long[]{ROWS, 10}), st.info("full.top10"));
            assertEquals(List.of("model", "n_val", "blocks", "vocab_size"), List.copyOf(st.metadata().keySet()));
            assertEquals("3", st.metadata().get("blocks"));
            assertEquals("100", st.metadata().get("vocab_size"));
        }
    }

    @Test
    void aWrongShapeNamesFileTensorAndExpectation() {
        Path bad = rewrite("one_layer_short", tensors -> replace(tensors, "mat.kl", e -> new SafetensorsWriter.Entry(e.name(), e.dtype(),
                new long[]{BLOCKS, ROWS}, e.data().asSlice(0, (long) BLOCKS * ROWS * Float.BYTES))));
        assertRefused(bad, bad + ": tensor \"mat.kl\" has shape [3, 20]; expected [4, 20], L + 1 = 4 layers by 20 rows.");
        Path narrow = rewrite("top5_only", tensors -> replace(tensors, "full.top10", e -> new SafetensorsWriter.Entry(e.name(), e.dtype(),
                new long[]{ROWS * 2, 5}, e.data())));
        assertRefused(narrow, narrow + ": tensor \"full.top10\" has shape [40, 5]; expected [n, 10], the full model's ten "
                + "best tokens per validation row.");
    }

    @Test
    void aWrongDtypeNamesFileTensorAndExpectation() {
        Path bad = rewrite("float_ids", tensors -> replace(tensors, "id.top1", e -> new SafetensorsWriter.Entry(e.name(), DType.F32,
                e.shape(), e.data())));
        assertRefused(bad, bad + ": tensor \"id.top1\" has dtype F32; expected I32 [4, 20].");
    }

    @Test
    void aTokenIdOutsideTheVocabularyNamesWhere() {
        Path bad = rewrite("id_past_vocabulary", tensors -> replace(tensors, "full.top10", e -> {
            e.data().setAtIndex(ValueLayout.JAVA_INT, 3, VOCAB);
            return e;
        }));
        assertRefused(bad, bad + ": tensor \"full.top10\" holds token id 100 at [0, 3], outside the vocabulary of 100 tokens "
                + "(ids 0 to 99).");
        Path negative = rewrite("negative_id", tensors -> replace(tensors, "mat.top1", e -> {
            e.data().setAtIndex(ValueLayout.JAVA_INT, ROWS + 2, -1);
            return e;
        }));
        assertRefused(negative, negative + ": tensor \"mat.top1\" holds token id -1 at [1, 2], outside the vocabulary of "
                + "100 tokens (ids 0 to 99).");
    }

    @Test
    void aMissingOrUnknownTensorIsNamed() {
        Path missing = rewrite("no_p_top2", tensors -> tensors.removeIf(e -> e.name().equals("id.p_top2")));
        assertRefused(missing, missing + ": tensor \"id.p_top2\" is missing; expected F32 [4, 20].");
        Path noReference = rewrite("no_t", tensors -> tensors.removeIf(e -> e.name().equals("full.t")));
        assertRefused(noReference, noReference + ": tensor \"full.t\" is missing; expected I32 [20].");
        Path unknown = rewrite("renamed_kl", tensors -> replace(tensors, "mat.kl", e -> new SafetensorsWriter.Entry("mat.kl_divergence",
                e.dtype(), e.shape(), e.data())));
        assertRefused(unknown, unknown + ": tensor \"mat.kl_divergence\" is not one of the file's tensors; expected "
                + "full.top10, full.t, full.position and, per mapping M, M.top1, M.p_top1, M.p_top2, M.p_full_of_top1 and M.kl.");
    }

    @Test
    void aProbabilityOutsideZeroToOneOrMissingMetadataIsRefused() {
        Path bad = rewrite("nan_probability", tensors -> replace(tensors, "mat.p_full_of_top1", e -> {
            e.data().setAtIndex(ValueLayout.JAVA_FLOAT, 2 * ROWS + 7, Float.NaN);
            return e;
        }));
        assertRefused(bad, bad + ": tensor \"mat.p_full_of_top1\" holds NaN at [2, 7]; expected a probability in [0, 1].");
        Path noBlocks = dir.resolve("no_blocks.safetensors");
        copy(noBlocks, Map.of("vocab_size", "100"), tensors -> { });
        assertRefused(noBlocks, noBlocks + ": the metadata entry \"blocks\" must be the model's number of blocks L, a whole "
                + "number above 0, but it is missing.");
    }

    @Test
    void writingRefusesRaggedArraysAndContradictoryMetadata() {
        Path file = dir.resolve("out.safetensors");
        MappingPredictions mat = predictions.of(Mapping.MAT);
        float[][] shortKl = mat.kl().clone();
        shortKl[2] = new float[ROWS - 1];
        ValidationPredictions ragged = new ValidationPredictions(BLOCKS, VOCAB, predictions.full(), List.of(
                new MappingPredictions(Mapping.MAT, mat.top1(), mat.pTop1(), mat.pTop2(), mat.pFullOfTop1(), shortKl)));
        assertEquals(file + ": tensor \"mat.kl\" would hold 19 rows at layer 2; expected one per validation row, 20.",
                assertThrows(IllegalArgumentException.class, () -> PredictionsFile.write(file, ragged, Map.of())).getMessage());
        assertEquals(file + ": the metadata entry \"blocks\" is 3 from the predictions themselves, but the caller's metadata "
                + "sets it to \"12\".", assertThrows(IllegalArgumentException.class,
                () -> PredictionsFile.write(file, predictions, Map.of("blocks", "12"))).getMessage());
    }

    private void assertRefused(Path file, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> PredictionsFile.read(file)).getMessage());
    }

    /** The good file's tensors and metadata, changed by {@code change}, written to a new file. */
    private Path rewrite(String name, Consumer<List<SafetensorsWriter.Entry>> change) {
        Path bad = dir.resolve(name + ".safetensors");
        Map<String, String> metadata;
        try (SafetensorsFile st = SafetensorsFile.open(good)) {
            metadata = new LinkedHashMap<>(st.metadata());
        }
        copy(bad, metadata, change);
        return bad;
    }

    private void copy(Path to, Map<String, String> metadata, Consumer<List<SafetensorsWriter.Entry>> change) {
        try (SafetensorsFile st = SafetensorsFile.open(good); Arena arena = Arena.ofConfined()) {
            List<SafetensorsWriter.Entry> tensors = new ArrayList<>();
            for (String name : st.names()) {
                MemorySegment data = arena.allocate(st.raw(name).byteSize(), 4).copyFrom(st.raw(name));
                tensors.add(new SafetensorsWriter.Entry(name, st.info(name).dtype(), st.info(name).shape(), data));
            }
            change.accept(tensors);
            SafetensorsWriter.write(to, metadata, tensors);
        }
    }

    private static void replace(List<SafetensorsWriter.Entry> tensors, String name,
                                UnaryOperator<SafetensorsWriter.Entry> change) {
        tensors.replaceAll(e -> e.name().equals(name) ? change.apply(e) : e);
    }
}
