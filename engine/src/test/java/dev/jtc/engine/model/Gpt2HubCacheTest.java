package dev.jtc.engine.model;

import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.engine.tap.TapRequest;
import dev.jtc.weights.Checkpoint;
import dev.jtc.weights.LocatedModel;
import dev.jtc.weights.ModelLocator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real GPT-2 (124M), only when it is already in the local Hugging Face cache (our machines cannot download it).
 *
 * <p>Expected values: Hugging Face's "How to generate text" (von Platen, 2020) shows GPT-2's greedy continuation of
 * "I enjoy walking with my cute dog" as ", but I'm not sure if I'll ever be able to walk with my dog." The ids are
 * GPT-2's BPE ids of those words (r50k_base): I=40, ␣enjoy=2883, ␣walking=6155, ␣with=351, ␣my=616, ␣cute=13779,
 * ␣dog=3290; ,=11, ␣but=475, ␣I=314, 'm=1101, ␣not=407, ␣sure=1654, ␣if=611, 'll=1183.
 */
@Tag("optional-resource") // CI cannot download gpt2, so this one may skip there too
class Gpt2HubCacheTest {

    static final int[] PROMPT = {40, 2883, 6155, 351, 616, 13779, 3290};
    static final int[] GREEDY = {11, 475, 314, 1101, 407, 1654, 611, 314, 1183};

    @Test
    void greedyContinuationOfTheRealModel() throws IOException {
        Optional<Path> snapshot = cachedSnapshot();
        assumeTrue(snapshot.isPresent(), "gpt2 is not in the local Hugging Face cache (~/.cache/huggingface/hub/models--gpt2 "
                + "with model.safetensors and config.json), and this machine cannot download it; skipping the real GPT-2 check.");
        LocatedModel located = ModelLocator.directory(snapshot.get(), "gpt2", LocatedModel.Origin.HF_CACHE);
        try (Checkpoint c = Checkpoint.open(located); Model model = Models.load(c.tensors(), c.config())) {
            int[] ids = PROMPT.clone();
            int[] generated = new int[GREEDY.length];
            for (int step = 0; step < GREEDY.length; step++) {
                float[][] row = new float[1][];
                model.forward(Batch.of(ids), Hooks.taps(TapRequest.at(Site.LOGITS, RowSelection.last(),
                        (site, block, seq, first, rows, width, view) -> row[0] = view.toArray(ValueLayout.JAVA_FLOAT))));
                generated[step] = Predictions.topK(MemorySegment.ofArray(row[0]), 0, row[0].length, 1).getFirst().token();
                ids = Arrays.copyOf(ids, ids.length + 1);
                ids[ids.length - 1] = generated[step];
            }
            assertArrayEquals(GREEDY, generated);
        }
    }

    private static Optional<Path> cachedSnapshot() throws IOException {
        String home = System.getenv("HF_HOME");
        Path hub = System.getenv("HF_HUB_CACHE") != null ? Path.of(System.getenv("HF_HUB_CACHE"))
                : (home != null ? Path.of(home, "hub") : Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub"));
        Path snapshots = hub.resolve("models--gpt2").resolve("snapshots");
        if (!Files.isDirectory(snapshots)) return Optional.empty();
        try (Stream<Path> s = Files.list(snapshots)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("model.safetensors")) && Files.isRegularFile(p.resolve("config.json")))
                    .findFirst();
        }
    }
}
