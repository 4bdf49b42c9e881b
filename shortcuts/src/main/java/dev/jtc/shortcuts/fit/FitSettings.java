package dev.jtc.shortcuts.fit;

import dev.jtc.shortcuts.corpus.SamplingRule;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Everything that decides what a fit computes. Two runs with equal settings write the same bytes, so a run
 * directory records them ({@code settings.json}) and refuses to continue under different ones.
 *
 * @param model       the model as the user named it (built-in id, Hugging Face id or directory)
 * @param corpus      {@code europarl:LANG}, or the path of the user's corpus file
 * @param oneSentencePerLine whether {@code corpus} is a file of sentences, one per line, rather than documents
 * @param sampling    which sentences are drawn
 * @param train       training sentences, or null for the default split
 * @param validation  validation sentences, or null for the default split
 * @param seed        every random choice derives from it
 * @param intercept   fit affine maps (a bias per map) instead of the paper's linear ones
 * @param ridge       Tikhonov penalty α (0 = the paper's plain least squares)
 * @param periodAsPad GPT-2 only: the original code's tokenizer quirk ('.' as pad token)
 */
public record FitSettings(String model, String corpus, boolean oneSentencePerLine, SamplingRule sampling,
                          Integer train, Integer validation, long seed, boolean intercept, double ridge,
                          boolean periodAsPad) {

    public FitSettings {
        if (ridge < 0 || !Double.isFinite(ridge)) {
            throw new IllegalArgumentException("--ridge must be a finite number ≥ 0, got " + ridge + ".");
        }
    }

    /** The same settings with {@code corpus} named otherwise (a local copy of a remote file, say). */
    public FitSettings withCorpus(String corpus) {
        return new FitSettings(model, corpus, oneSentencePerLine, sampling, train, validation, seed, intercept, ridge, periodAsPad);
    }

    /** The settings as the strings stored in {@code settings.json} and in the maps' metadata. */
    Map<String, String> asStrings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("corpus", corpus);
        m.put("corpus_format", oneSentencePerLine ? "sentences" : "documents");
        m.put("sampling", sampling.name().toLowerCase(Locale.ROOT));
        m.put("train", train == null ? "default" : train.toString());
        m.put("validation", validation == null ? "default" : validation.toString());
        m.put("seed", Long.toString(seed));
        m.put("intercept", Boolean.toString(intercept));
        m.put("ridge", Double.toString(ridge));
        m.put("period_as_pad", Boolean.toString(periodAsPad));
        return m;
    }
}
