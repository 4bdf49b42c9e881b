package dev.jtc.shortcuts;

import dev.jtc.engine.model.TokenScore;

import java.time.Duration;
import java.util.List;

/**
 * One prediction of {@link Shortcuts}: the most probable tokens (best first, with their token strings), how many of
 * the model's blocks ran before the exit rule stopped the pass ({@code blocks} when it never did), and the time the
 * pass took.
 */
public record Prediction(List<TokenScore> top, List<String> tokens, int exitLayer, int blocks, Duration time) {

    public Prediction {
        top = List.copyOf(top);
        tokens = List.copyOf(tokens);
    }

    /** Whether the pass stopped before the last block. */
    public boolean exitedEarly() {
        return exitLayer < blocks;
    }
}
