package dev.jtc.shortcuts.cli;

import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Models;
import dev.jtc.shortcuts.exit.Retention;
import dev.jtc.shortcuts.fit.FitSettings;
import dev.jtc.shortcuts.metrics.Bootstrap;
import dev.jtc.shortcuts.results.Analysis;
import dev.jtc.weights.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `jtc run`: the paper's whole analysis of one model — fit, results, figures, report. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
                "The paper's complete analysis of one model: fits every linear shortcut (as jtc fit, reusing finished "
                        + "stages), decodes every validation sentence from every layer through each mapping (id, mat; for "
                        + "GPT-2 also mat_attn, mat_ffn, mat_ln; affine with --intercept), measures Precision@1/5/10, "
                        + "surprisal and KL by layer with bootstrap intervals, simulates the paper's early exit, draws the "
                        + "figures and writes one self-contained report.html.",
                "Writes into --out, beside the fit's files: predictions.safetensors, metrics.csv, early_exit.csv, "
                        + "summary.json, pre/surp/kl/ee_pre1 (and GPT-2 parts_*) as PNG, SVG and PDF, report.html."})
final class RunCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    FitOptions options;

    @Option(names = "--retention", paramLabel = "R", defaultValue = "" + Retention.PAPER_TARGET,
            description = "Precision@1 against the full model that the headline's early exit must keep (default ${DEFAULT-VALUE}, the paper's).")
    double retention;

    @Option(names = "--bootstrap", paramLabel = "B", defaultValue = "" + Bootstrap.DEFAULT_RESAMPLES,
            description = "Bootstrap resamples of the validation sentences behind every 95% interval (default ${DEFAULT-VALUE}).")
    int bootstrap;

    @Override
    public void run() {
        FitSettings settings = options.settings();
        var tokenizer = options.tokenizer();
        try (Checkpoint checkpoint = Checkpoint.open(settings.model()); Model m = Models.load(checkpoint.tensors(), checkpoint.config())) {
            String source = checkpoint.located().origin().toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + ", " + checkpoint.located().weights();
            Analysis.Summary summary = Analysis.run(settings, m, tokenizer, options.out,
                    new Analysis.Options(retention, bootstrap, source, options.runOptions()));
            spec.commandLine().getOut().println(summary.text());
            spec.commandLine().getOut().flush();
        }
    }
}
