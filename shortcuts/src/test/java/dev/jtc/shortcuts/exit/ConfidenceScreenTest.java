package dev.jtc.shortcuts.exit;

import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Models;
import dev.jtc.engine.model.TopTwo;
import dev.jtc.weights.Checkpoint;
import dev.jtc.weights.testing.Numpy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The screen never says "cannot fire" where the exact head's confidence passes the threshold, over head inputs from
 * flat to sharp and thresholds over the paper's whole range, and it does prove most "stay" decisions (a screen that
 * never proves anything would pass the first check and save nothing).
 */
class ConfidenceScreenTest {

    @Test
    void provesOnlyWhatTheExactHeadConfirms(@TempDir Path dir) throws Exception {
        Path script = Path.of("..", "engine", "src", "test", "python", "gpt2_reference.py").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(script), "reference script missing: " + script);
        Numpy.run(script, List.of(dir.toString(), "--layers", "1", "--hidden", "64", "--heads", "4", "--vocab", "3000",
                "--positions", "16", "--sequences", "1,2,3", "--byte-tokenizer", "--seed", "3"));
        try (Checkpoint checkpoint = Checkpoint.open(dir.toString());
             Model model = Models.load(checkpoint.tensors(), checkpoint.config());
             Arena arena = Arena.ofShared()) {
            int d = model.width(), v = model.vocabSize();
            ConfidenceScreen screen = new ConfidenceScreen(model, model.kernels().quantize(model.headWeights(), model.headBias(), arena), arena);
            MemorySegment normed = arena.allocate((long) d * Float.BYTES, 64);
            MemorySegment logits = arena.allocate((long) v * Float.BYTES, 64);
            SplittableRandom random = new SplittableRandom(17);
            double[] scales = {0.3, 1, 3, 10, 30, 100};
            int stays = 0, proven = 0, fires = 0;
            for (int trial = 0; trial < 600; trial++) {
                double scale = scales[trial % scales.length];
                for (int i = 0; i < d; i++) normed.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (random.nextGaussian() * scale));
                model.logitsFromFinalNorm(normed, 0, 1, logits, 0);
                TopTwo top = TopTwo.of(model.kernels(), logits, 0, v);
                double confidence = (double) top.probability1() - top.probability2();
                // Thresholds spread over the paper's range and packed around this input's own confidence.
                double[] thresholds = {0.9 * -1.112, 0.05, 0.5, 0.95, confidence + 1e-3, confidence + 0.02, confidence + 0.1,
                        confidence * 1.05, confidence - 1e-3};
                for (double threshold : thresholds) {
                    boolean exits = ExitThreshold.exits(top.probability1(), top.probability2(), threshold);
                    boolean cannot = screen.cannotFire(normed, 0, threshold);
                    int t = trial;
                    assertFalse(exits && cannot, () -> "trial " + t + ": the screen ruled out an exit the exact head makes (confidence "
                            + confidence + ", threshold " + threshold + ")");
                    if (exits) fires++;
                    else stays++;
                    if (cannot) proven++;
                }
            }
            assertTrue(fires > 100 && stays > 100, "the inputs exercise both answers: " + fires + " exits, " + stays + " stays");
            assertTrue(proven > stays / 2, "the screen proved only " + proven + " of " + stays + " stays");
        }
    }
}
