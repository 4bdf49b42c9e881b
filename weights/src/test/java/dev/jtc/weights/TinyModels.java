package dev.jtc.weights;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Tiny checkpoints in real Hugging Face layouts, written byte by byte from the safetensors specification
 * (8-byte little-endian header length, JSON header with dtype/shape/data_offsets, raw little-endian data), so the
 * tests do not depend on the project's own writer.
 */
public final class TinyModels {

    private TinyModels() {
    }

    /** GPT-2 tensor names and shapes (Conv1D weights stored [in, out]), as in HF's gpt2 model.safetensors. */
    public static Map<String, long[]> gpt2Shapes(int layers, int d, int vocab, int positions) {
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("wte.weight", new long[]{vocab, d});
        s.put("wpe.weight", new long[]{positions, d});
        for (int i = 0; i < layers; i++) {
            String p = "h." + i + ".";
            s.put(p + "ln_1.weight", new long[]{d});
            s.put(p + "ln_1.bias", new long[]{d});
            s.put(p + "attn.c_attn.weight", new long[]{d, 3L * d});
            s.put(p + "attn.c_attn.bias", new long[]{3L * d});
            s.put(p + "attn.c_proj.weight", new long[]{d, d});
            s.put(p + "attn.c_proj.bias", new long[]{d});
            s.put(p + "ln_2.weight", new long[]{d});
            s.put(p + "ln_2.bias", new long[]{d});
            s.put(p + "mlp.c_fc.weight", new long[]{d, 4L * d});
            s.put(p + "mlp.c_fc.bias", new long[]{4L * d});
            s.put(p + "mlp.c_proj.weight", new long[]{4L * d, d});
            s.put(p + "mlp.c_proj.bias", new long[]{d});
        }
        s.put("ln_f.weight", new long[]{d});
        s.put("ln_f.bias", new long[]{d});
        return s;
    }

    public static String gpt2Config(int layers, int d, int heads, int vocab, int positions) {
        return "{\n  \"activation_function\": \"gelu_new\",\n  \"architectures\": [\"GPT2LMHeadModel\"],\n"
                + "  \"layer_norm_epsilon\": 1e-05,\n  \"model_type\": \"gpt2\",\n  \"n_ctx\": " + positions + ",\n"
                + "  \"n_embd\": " + d + ",\n  \"n_head\": " + heads + ",\n  \"n_inner\": null,\n  \"n_layer\": " + layers + ",\n"
                + "  \"n_positions\": " + positions + ",\n  \"vocab_size\": " + vocab + "\n}\n";
    }

    /** A safetensors file of float32 tensors with the given shapes, filled with seeded random values. */
    public static byte[] safetensors(Map<String, long[]> shapes, long seed) {
        Random rnd = new Random(seed);
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = 1;
            StringBuilder shape = new StringBuilder();
            for (long dim : e.getValue()) {
                n *= dim;
                shape.append(shape.isEmpty() ? "" : ",").append(dim);
            }
            header.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":[").append(shape)
                    .append("],\"data_offsets\":[").append(offset).append(",").append(offset + 4 * n).append("]}");
            offset += 4 * n;
        }
        header.append("}");
        while (header.length() % 8 != 0) header.append(' ');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer data = ByteBuffer.allocate((int) offset).order(ByteOrder.LITTLE_ENDIAN);
        while (data.hasRemaining()) data.putFloat((float) rnd.nextGaussian() * 0.02f);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length);
        out.writeBytes(len.array());
        out.writeBytes(json);
        out.writeBytes(data.array());
        return out.toByteArray();
    }
}
