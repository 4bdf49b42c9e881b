package dev.jtc.shortcuts;

import dev.jtc.engine.model.Model;
import dev.jtc.tokenizer.Encoding;
import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.weights.ModelConfig;

/** Turns the user's text into the token ids a model runs on, with the errors the commands and the library share. */
public final class ModelInput {

    private ModelInput() {
    }

    /**
     * Encodes {@code text} as the model expects (BERT: [CLS] … [SEP]; GPT-2: no special tokens), refusing
     * empty text and text longer than the model's positions instead of truncating it silently.
     */
    public static Encoding encode(Tokenizer tokenizer, Model model, String text, String option) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(option + " is empty; give the text to run through the model.");
        }
        boolean bert = model.config().architecture() == ModelConfig.Architecture.BERT;
        Encoding e = tokenizer.encode(text, bert, Integer.MAX_VALUE);
        if (e.size() == 0) {
            throw new IllegalArgumentException(option + " gives no tokens; give text with at least one word.");
        }
        if (e.size() > model.maxPositions()) {
            throw new IllegalArgumentException(option + " has " + e.size() + " tokens" + (bert ? " with [CLS] and [SEP]" : "")
                    + ", more than the model's " + model.maxPositions() + " positions; shorten it.");
        }
        return e;
    }
}
