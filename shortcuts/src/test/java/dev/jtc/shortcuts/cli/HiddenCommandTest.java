package dev.jtc.shortcuts.cli;

import dev.jtc.weights.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `jtc hidden` on a tiny GPT-2: every written tensor against the numpy reference, site selection and errors. */
class HiddenCommandTest {

    @TempDir
    Path dir;

    static final List<String> GPT2_SITES = List.of("block_in", "ln1", "attn", "res1", "ln2", "mlp", "block_out");

    @Test
    void everySiteMatchesNumpy() throws Exception {
        String text = "jump to it";
        Path model = dir.resolve("m");
        TinyGpt2.create(model, text);
        Path out = dir.resolve("h.safetensors");
        TinyGpt2.Result r = TinyGpt2.jtc("hidden", "--model", model.toString(), "--text", text, "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        int t = text.length();
        try (SafetensorsFile got = SafetensorsFile.open(out); SafetensorsFile ref = SafetensorsFile.open(model.resolve("reference.safetensors"));
             Arena a = Arena.ofConfined()) {
            Set<String> expected = new TreeSet<>(List.of("embed", "final_norm"));
            for (int b = 0; b < TinyGpt2.LAYERS; b++) for (String s : GPT2_SITES) expected.add("layer." + b + "." + s);
            assertEquals(expected, new TreeSet<>(got.names()));
            for (String n : got.names()) {
                assertArrayEquals(new long[]{t, TinyGpt2.HIDDEN}, got.info(n).shape(), n);
                float[] have = got.f32(n, a).toArray(ValueLayout.JAVA_FLOAT);
                float[] want = ref.f32("s0." + n, a).toArray(ValueLayout.JAVA_FLOAT);
                double max = 0;
                for (int i = 0; i < want.length; i++) max = Math.max(max, Math.abs(want[i] - have[i]));
                assertTrue(max <= 1e-4, n + ": max abs diff " + max);
            }
            StringBuilder ids = new StringBuilder();
            for (char c : text.toCharArray()) ids.append(ids.isEmpty() ? "" : ",").append((int) c);
            assertEquals(ids.toString(), got.metadata().get("token_ids"));
            assertEquals(text, got.metadata().get("text"));
        }
    }

    @Test
    void chosenSitesOnlyAndLogits() throws Exception {
        Path model = dir.resolve("m");
        TinyGpt2.create(model, "ok");
        Path out = dir.resolve("h.safetensors");
        TinyGpt2.Result r = TinyGpt2.jtc("hidden", "--model", model.toString(), "--text", "ok", "--out", out.toString(),
                "--sites", "ln2,logits");
        assertEquals(0, r.code(), r.err());
        try (SafetensorsFile got = SafetensorsFile.open(out)) {
            assertEquals(List.of("layer.0.ln2", "layer.1.ln2", "logits"), got.names());
            assertArrayEquals(new long[]{2, TinyGpt2.VOCAB}, got.info("logits").shape());
        }
    }

    @Test
    void unknownSiteAndWrongModelSite() throws Exception {
        Path model = dir.resolve("m");
        TinyGpt2.create(model, "ok");
        TinyGpt2.Result r = TinyGpt2.jtc("hidden", "--model", model.toString(), "--text", "ok", "--out",
                dir.resolve("x.safetensors").toString(), "--sites", "ln3");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("jtc hidden: --sites: unknown site \"ln3\"; expected one of"), r.err());
        r = TinyGpt2.jtc("hidden", "--model", model.toString(), "--text", "ok", "--out",
                dir.resolve("x.safetensors").toString(), "--sites", "attn_norm");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("attn_norm is not a site of GPT2"), r.err());
        r = TinyGpt2.jtc("hidden", "--model", model.toString(), "--text", "", "--out", dir.resolve("x.safetensors").toString());
        assertEquals(2, r.code());
        assertEquals("jtc hidden: --text is empty; give the text to run through the model.", r.err().strip());
    }
}
