package dev.jtc.bench.models;

import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Models;
import dev.jtc.shortcuts.TokenizerFiles;
import dev.jtc.shortcuts.corpus.Sample;
import dev.jtc.shortcuts.corpus.SamplesFile;
import dev.jtc.shortcuts.exit.ExitMaps;
import dev.jtc.shortcuts.exit.ExitRule;
import dev.jtc.shortcuts.exit.ShortcutExit;
import dev.jtc.tokenizer.Tokenizers;
import dev.jtc.weights.Checkpoint;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;

/**
 * What the early-exit benchmarks share: a model with the maps a {@code jtc run} fitted for it, the exit check over
 * them, one rule, and that run's validation samples (the inputs the benchmarks time). {@link #close} frees all of it.
 *
 * @param rule the rule under test; {@code full} stands for the whole model, every block and no check
 */
record ExitFixture(Checkpoint checkpoint, Model model, ExitMaps maps, Arena arena, ShortcutExit exit, ExitRule rule,
                   List<Sample> validation) implements AutoCloseable {

    /** Opens {@code modelSpec} (as {@code jtc} takes it) and the maps and samples of the run directory {@code run}. */
    static ExitFixture open(String modelSpec, Path run, String rule) {
        Checkpoint checkpoint = Checkpoint.open(modelSpec);
        Model model = Models.load(checkpoint.tensors(), checkpoint.config());
        ExitMaps maps = ExitMaps.load(model, modelSpec, run.resolve("maps.safetensors"));
        Arena arena = Arena.ofShared();
        ExitRule exitRule = rule.equals("full") ? ExitRule.fixed(model.layers()) : ExitRule.parse(rule);
        List<Sample> validation = SamplesFile.read(run.resolve("samples.tsv"), Tokenizers.load(TokenizerFiles.locate(modelSpec)),
                model.config().architecture(), model.maxPositions()).validation();
        return new ExitFixture(checkpoint, model, maps, arena, new ShortcutExit(maps, arena), exitRule, validation);
    }

    @Override
    public void close() {
        maps.close();
        model.close();
        checkpoint.close();
        arena.close();
    }
}
