package dev.jtc.shortcuts.cli;

import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Models;
import dev.jtc.shortcuts.fit.Fit;
import dev.jtc.shortcuts.fit.FitSettings;
import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.weights.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `jtc fit`: the paper's linear shortcuts for one model, into a run directory. */
@Command(name = "fit", mixinStandardHelpOptions = true,
        description = {
                "Fits the paper's linear shortcuts: a least-squares map A from every layer i to every later layer j "
                        + "(and, for GPT-2, from each point of a block to the next), then scores them with r² on held-out "
                        + "sentences and draws the heatmap.",
                "Writes into --out: samples.tsv, maps.safetensors (A.i.j [d,d], y = A·x; GPT-2 also P.b.a), "
                        + "states/val.safetensors (layer.l [n_val,d]), r2.csv, r2_scores.png, r2_scores.svg, fit.json.",
                "Re-running the same command resumes: finished stages are skipped."})
final class FitCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    FitOptions options;

    @Override
    public void run() {
        FitSettings settings = options.settings();
        Tokenizer tokenizer = options.tokenizer();
        try (Checkpoint checkpoint = Checkpoint.open(settings.model()); Model m = Models.load(checkpoint.tensors(), checkpoint.config())) {
            Fit.Summary summary = Fit.run(settings, m, tokenizer, options.out, options.runOptions());
            spec.commandLine().getOut().println(summary.text());
            spec.commandLine().getOut().flush();
        }
    }
}
