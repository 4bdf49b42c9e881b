package dev.jtc.shortcuts.mappings;

import dev.jtc.weights.DType;
import dev.jtc.weights.TensorInfo;
import dev.jtc.weights.safetensors.SafetensorsFile;
import dev.jtc.weights.safetensors.SafetensorsWriter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code predictions.safetensors}: the decoded validation rows, so that metrics, sweeps and figures can be recomputed
 * (and checked by other tools) without decoding again. Tensors, in this order:
 * <ul>
 *   <li>{@code full.top10} I32 [n, 10], {@code full.t} I32 [n], {@code full.position} I32 [n];</li>
 *   <li>for each mapping M, in the order of {@link ValidationPredictions#mappings()}: {@code M.top1} I32 [L+1, n]
 *       and {@code M.p_top1}, {@code M.p_top2}, {@code M.p_full_of_top1}, {@code M.kl} F32 [L+1, n].</li>
 * </ul>
 * The metadata holds the caller's entries followed by {@code blocks} (L) and {@code vocab_size}.
 *
 * <p>{@link #read} trusts nothing: every tensor's dtype and shape, every token id against the vocabulary, every
 * probability against [0, 1]; a defect is one sentence naming the file and the tensor. {@link #write} applies the
 * same value checks, so a file it writes always reads back.
 */
public final class PredictionsFile {

    static final String FULL_TOP10 = "full.top10";
    static final String FULL_T = "full.t";
    static final String FULL_POSITION = "full.position";
    static final String BLOCKS = "blocks";
    static final String VOCAB_SIZE = "vocab_size";

    /** The per-mapping tensors, by their name after {@code M.}. */
    private static final String TOP1 = "top1";
    private static final String P_TOP1 = "p_top1";
    private static final String P_TOP2 = "p_top2";
    private static final String P_FULL_OF_TOP1 = "p_full_of_top1";
    private static final String KL = "kl";
    private static final List<String> MAPPING_FIELDS = List.of(TOP1, P_TOP1, P_TOP2, P_FULL_OF_TOP1, KL);

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private PredictionsFile() {
    }

    /** Writes {@code predictions} to {@code file}, replacing it atomically; {@code metadata} may not set blocks or vocab_size differently. */
    public static void write(Path file, ValidationPredictions predictions, Map<String, String> metadata) {
        checkStructure(file, predictions);
        checkValues(file, predictions);
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        putOwn(file, meta, BLOCKS, predictions.blocks());
        putOwn(file, meta, VOCAB_SIZE, predictions.vocabSize());

        ReferencePredictions full = predictions.full();
        int n = full.rows();
        // Each tensor's rows are separate arrays: they are copied into one contiguous off-heap segment per tensor.
        try (Arena arena = Arena.ofConfined()) {
            long[] perRow = {n};
            long[] perLayerAndRow = {predictions.blocks() + 1L, n};
            List<SafetensorsWriter.Entry> tensors = new ArrayList<>();
            tensors.add(ints(FULL_TOP10, new long[]{n, 10}, full.top10(), arena));
            tensors.add(ints(FULL_T, perRow, new int[][]{full.t()}, arena));
            tensors.add(ints(FULL_POSITION, perRow, new int[][]{full.position()}, arena));
            for (MappingPredictions m : predictions.mappings()) {
                String key = m.mapping().key() + ".";
                tensors.add(ints(key + TOP1, perLayerAndRow, m.top1(), arena));
                tensors.add(floats(key + P_TOP1, perLayerAndRow, m.pTop1(), arena));
                tensors.add(floats(key + P_TOP2, perLayerAndRow, m.pTop2(), arena));
                tensors.add(floats(key + P_FULL_OF_TOP1, perLayerAndRow, m.pFullOfTop1(), arena));
                tensors.add(floats(key + KL, perLayerAndRow, m.kl(), arena));
            }
            SafetensorsWriter.write(file, meta, tensors);
        }
    }

    /** Reads and checks a file written by {@link #write}. */
    public static ValidationPredictions read(Path file) {
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            int blocks = positiveMetadata(file, st, BLOCKS, "the model's number of blocks L");
            int vocabSize = positiveMetadata(file, st, VOCAB_SIZE, "the size of the model's vocabulary");
            TensorInfo top10Info = tensor(file, st, FULL_TOP10, DType.I32, "[n, 10]");
            if (top10Info.rank() != 2 || top10Info.dim(1) != 10) {
                throw new IllegalArgumentException(where(file, FULL_TOP10) + " has shape " + Arrays.toString(top10Info.shape())
                        + "; expected [n, 10], the full model's ten best tokens per validation row.");
            }
            int n = Math.toIntExact(top10Info.dim(0));
            long[] rows = {n};
            long[] layerRows = {blocks + 1L, n};
            check(file, tensor(file, st, FULL_T, DType.I32, "[" + n + "]"), rows, "one per validation row");
            check(file, tensor(file, st, FULL_POSITION, DType.I32, "[" + n + "]"), rows, "one per validation row");
            ReferencePredictions full = new ReferencePredictions(intRows(st.raw(FULL_TOP10), n, 10),
                    st.ints(FULL_POSITION), st.ints(FULL_T));

            List<MappingPredictions> mappings = new ArrayList<>();
            for (Mapping m : mappingsIn(file, st)) {
                String key = m.key() + ".";
                String expectation = "L + 1 = " + (blocks + 1) + " layers by " + n + " rows";
                for (String field : MAPPING_FIELDS) {
                    DType dtype = field.equals(TOP1) ? DType.I32 : DType.F32;
                    check(file, tensor(file, st, key + field, dtype, Arrays.toString(layerRows)), layerRows, expectation);
                }
                mappings.add(new MappingPredictions(m, intRows(st.raw(key + TOP1), blocks + 1, n),
                        floatRows(st.raw(key + P_TOP1), blocks + 1, n), floatRows(st.raw(key + P_TOP2), blocks + 1, n),
                        floatRows(st.raw(key + P_FULL_OF_TOP1), blocks + 1, n), floatRows(st.raw(key + KL), blocks + 1, n)));
            }
            ValidationPredictions predictions = new ValidationPredictions(blocks, vocabSize, full, mappings);
            checkValues(file, predictions);
            return predictions;
        }
    }

    /** The mappings the file holds, in storage order; any tensor that is neither full.* nor M.field is refused. */
    private static Set<Mapping> mappingsIn(Path file, SafetensorsFile st) {
        Set<Mapping> found = new LinkedHashSet<>();
        for (String name : st.names()) {
            if (name.equals(FULL_TOP10) || name.equals(FULL_T) || name.equals(FULL_POSITION)) continue;
            int dot = name.indexOf('.');
            Mapping m = dot < 0 ? null : mapping(name.substring(0, dot));
            if (m == null || !MAPPING_FIELDS.contains(name.substring(dot + 1))) {
                throw new IllegalArgumentException(where(file, name) + " is not one of the file's tensors; expected "
                        + "full.top10, full.t, full.position and, per mapping M, M.top1, M.p_top1, M.p_top2, "
                        + "M.p_full_of_top1 and M.kl.");
            }
            found.add(m);
        }
        return found;
    }

    private static Mapping mapping(String key) {
        for (Mapping m : Mapping.values()) if (m.key().equals(key)) return m;
        return null;
    }

    private static TensorInfo tensor(Path file, SafetensorsFile st, String name, DType dtype, String shape) {
        if (!st.contains(name)) {
            throw new IllegalArgumentException(where(file, name) + " is missing; expected " + dtype + " " + shape + ".");
        }
        TensorInfo info = st.info(name);
        if (info.dtype() != dtype) {
            throw new IllegalArgumentException(where(file, name) + " has dtype " + info.dtype() + "; expected " + dtype
                    + " " + shape + ".");
        }
        return info;
    }

    private static void check(Path file, TensorInfo info, long[] shape, String meaning) {
        if (!Arrays.equals(info.shape(), shape)) {
            throw new IllegalArgumentException(where(file, info.name()) + " has shape " + Arrays.toString(info.shape())
                    + "; expected " + Arrays.toString(shape) + ", " + meaning + ".");
        }
    }

    private static int positiveMetadata(Path file, SafetensorsFile st, String key, String meaning) {
        String value = st.metadata().get(key);
        try {
            int parsed = value == null ? 0 : Integer.parseInt(value);
            if (parsed > 0) return parsed;
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException(file + ": the metadata entry \"" + key + "\" must be " + meaning
                + ", a whole number above 0, but it is " + (value == null ? "missing" : "\"" + value + "\"") + ".");
    }

    private static void putOwn(Path file, Map<String, String> meta, String key, int value) {
        String previous = meta.put(key, Integer.toString(value));
        if (previous != null && !previous.equals(Integer.toString(value))) {
            throw new IllegalArgumentException(file + ": the metadata entry \"" + key + "\" is " + value
                    + " from the predictions themselves, but the caller's metadata sets it to \"" + previous + "\".");
        }
    }

    /** Array lengths before writing: the safetensors shapes are taken from them. */
    private static void checkStructure(Path file, ValidationPredictions p) {
        ReferencePredictions full = p.full();
        int n = full.rows();
        for (int row = 0; row < n; row++) {
            if (full.top10()[row].length != 10) {
                throw new IllegalArgumentException(where(file, FULL_TOP10) + " would hold " + full.top10()[row].length
                        + " tokens at row " + row + "; expected the full model's 10 best.");
            }
        }
        sameLength(file, FULL_T, full.t().length, n);
        sameLength(file, FULL_POSITION, full.position().length, n);
        for (MappingPredictions m : p.mappings()) {
            String key = m.mapping().key() + ".";
            layerRows(file, key + TOP1, m.top1().length, p.blocks(), n, lengths(m.top1()));
            layerRows(file, key + P_TOP1, m.pTop1().length, p.blocks(), n, lengths(m.pTop1()));
            layerRows(file, key + P_TOP2, m.pTop2().length, p.blocks(), n, lengths(m.pTop2()));
            layerRows(file, key + P_FULL_OF_TOP1, m.pFullOfTop1().length, p.blocks(), n, lengths(m.pFullOfTop1()));
            layerRows(file, key + KL, m.kl().length, p.blocks(), n, lengths(m.kl()));
        }
    }

    private static int[] lengths(int[][] rows) {
        int[] lengths = new int[rows.length];
        for (int i = 0; i < rows.length; i++) lengths[i] = rows[i].length;
        return lengths;
    }

    private static int[] lengths(float[][] rows) {
        int[] lengths = new int[rows.length];
        for (int i = 0; i < rows.length; i++) lengths[i] = rows[i].length;
        return lengths;
    }

    private static void sameLength(Path file, String name, int length, int n) {
        if (length != n) {
            throw new IllegalArgumentException(where(file, name) + " would hold " + length + " values; expected one per "
                    + "validation row, " + n + ".");
        }
    }

    private static void layerRows(Path file, String name, int layers, int blocks, int n, int[] rowLengths) {
        if (layers != blocks + 1) {
            throw new IllegalArgumentException(where(file, name) + " would hold " + layers + " layers; expected L + 1 = "
                    + (blocks + 1) + ".");
        }
        for (int l = 0; l < layers; l++) {
            if (rowLengths[l] != n) {
                throw new IllegalArgumentException(where(file, name) + " would hold " + rowLengths[l] + " rows at layer "
                        + l + "; expected one per validation row, " + n + ".");
            }
        }
    }

    /** Token ids within the vocabulary, non-negative positions, probabilities in [0, 1], finite KL. */
    private static void checkValues(Path file, ValidationPredictions p) {
        ReferencePredictions full = p.full();
        for (int row = 0; row < full.rows(); row++) {
            for (int rank = 0; rank < 10; rank++) tokenId(file, FULL_TOP10, full.top10()[row][rank], p.vocabSize(), row, rank);
            nonNegative(file, FULL_T, full.t()[row], row);
            nonNegative(file, FULL_POSITION, full.position()[row], row);
        }
        for (MappingPredictions m : p.mappings()) {
            String key = m.mapping().key() + ".";
            for (int l = 0; l < m.layers(); l++) {
                for (int row = 0; row < full.rows(); row++) {
                    tokenId(file, key + TOP1, m.top1()[l][row], p.vocabSize(), l, row);
                    probability(file, key + P_TOP1, m.pTop1()[l][row], l, row);
                    probability(file, key + P_TOP2, m.pTop2()[l][row], l, row);
                    probability(file, key + P_FULL_OF_TOP1, m.pFullOfTop1()[l][row], l, row);
                    if (!Float.isFinite(m.kl()[l][row])) {
                        throw new IllegalArgumentException(where(file, key + KL) + " holds " + m.kl()[l][row] + " at ["
                                + l + ", " + row + "]; expected a finite KL divergence in nats.");
                    }
                }
            }
        }
    }

    private static void tokenId(Path file, String name, int id, int vocabSize, int i, int j) {
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException(where(file, name) + " holds token id " + id + " at [" + i + ", " + j
                    + "], outside the vocabulary of " + vocabSize + " tokens (ids 0 to " + (vocabSize - 1) + ").");
        }
    }

    private static void nonNegative(Path file, String name, int value, int row) {
        if (value < 0) {
            throw new IllegalArgumentException(where(file, name) + " holds " + value + " at row " + row
                    + "; expected a position, 0 or more.");
        }
    }

    private static void probability(Path file, String name, float p, int l, int row) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(where(file, name) + " holds " + p + " at [" + l + ", " + row
                    + "]; expected a probability in [0, 1].");
        }
    }

    private static String where(Path file, String tensor) {
        return file + ": tensor \"" + tensor + "\"";
    }

    /** {@code rows}, each as long as the shape's last dimension, as one I32 tensor. */
    private static SafetensorsWriter.Entry ints(String name, long[] shape, int[][] rows, Arena arena) {
        int inner = (int) shape[shape.length - 1];
        MemorySegment data = arena.allocate((long) rows.length * inner * Integer.BYTES, Integer.BYTES);
        for (int i = 0; i < rows.length; i++) MemorySegment.copy(rows[i], 0, data, I32, (long) i * inner * Integer.BYTES, inner);
        return new SafetensorsWriter.Entry(name, DType.I32, shape, data);
    }

    /** {@code rows}, each as long as the shape's last dimension, as one F32 tensor. */
    private static SafetensorsWriter.Entry floats(String name, long[] shape, float[][] rows, Arena arena) {
        int inner = (int) shape[shape.length - 1];
        MemorySegment data = arena.allocate((long) rows.length * inner * Float.BYTES, Float.BYTES);
        for (int i = 0; i < rows.length; i++) MemorySegment.copy(rows[i], 0, data, F32, (long) i * inner * Float.BYTES, inner);
        return new SafetensorsWriter.Entry(name, DType.F32, shape, data);
    }

    private static int[][] intRows(MemorySegment data, int outer, int inner) {
        int[][] rows = new int[outer][inner];
        for (int i = 0; i < outer; i++) MemorySegment.copy(data, I32, (long) i * inner * Integer.BYTES, rows[i], 0, inner);
        return rows;
    }

    private static float[][] floatRows(MemorySegment data, int outer, int inner) {
        float[][] rows = new float[outer][inner];
        for (int i = 0; i < outer; i++) MemorySegment.copy(data, F32, (long) i * inner * Float.BYTES, rows[i], 0, inner);
        return rows;
    }
}
