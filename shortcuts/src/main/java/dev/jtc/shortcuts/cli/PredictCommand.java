package dev.jtc.shortcuts.cli;

import dev.jtc.engine.model.Batch;
import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Models;
import dev.jtc.engine.model.Predictions;
import dev.jtc.engine.model.TokenScore;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.engine.tap.TapRequest;
import dev.jtc.shortcuts.ModelInput;
import dev.jtc.shortcuts.exit.ExitMaps;
import dev.jtc.shortcuts.exit.ExitRule;
import dev.jtc.shortcuts.exit.ShortcutExit;
import dev.jtc.tokenizer.Encoding;
import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.weights.Checkpoint;
import dev.jtc.weights.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** `jtc predict`: the model's top-k tokens for BERT's [MASK] positions or GPT-2's next token, optionally with early exit. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {
                "Prints the model's most likely tokens with their probabilities.",
                "BERT: one list per [MASK] in the text (e.g. the capital of france is [MASK] .).",
                "GPT-2: the token that follows the text.",
                "With --maps and --exit the forward pass stops early, after the block where the exit rule fires, and "
                        + "the prediction is decoded from the mapped state; --compare also runs the full model."})
final class PredictCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "How many tokens to list (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--maps", paramLabel = "FILE", description = "maps.safetensors of a jtc fit of this model (for --exit).")
    Path maps;

    @Option(names = "--exit", paramLabel = "RULE", description = "mat:λ or id:λ (the paper's confidence rule; affine:λ for "
            + "maps fitted with --intercept), or layer:ℓ (stop after ℓ blocks). Needs --maps.")
    String exit;

    @Option(names = "--compare", description = "With --exit: also run the full model and show its answer and time.")
    boolean compare;

    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "The text, as one argument or as several words: "
            + "with [MASK] for BERT, a prefix for GPT-2.")
    List<String> words;

    @Override
    public void run() {
        if (top < 1) throw new IllegalArgumentException("--top must be at least 1, was " + top + ".");
        if ((exit == null) != (maps == null)) {
            throw new IllegalArgumentException("--exit and --maps go together: the exit rule decodes through the fitted maps.");
        }
        if (compare && exit == null) throw new IllegalArgumentException("--compare compares an early exit with the full model; give --exit and --maps.");
        ExitRule rule = exit == null ? null : ExitRule.parse(exit);
        Tokenizer tokenizer = model.tokenizer();
        try (Checkpoint ckpt = Checkpoint.open(model.id); Model m = Models.load(ckpt.tensors(), ckpt.config())) {
            Encoding enc = ModelInput.encode(tokenizer, m, String.join(" ", words), "the text");
            boolean bert = m.config().architecture() == ModelConfig.Architecture.BERT;
            List<Integer> positions = new ArrayList<>();
            if (bert) {
                int mask = tokenizer.tokenId("[MASK]");
                for (int i = 0; i < enc.size(); i++) if (enc.id(i) == mask) positions.add(i);
                if (positions.isEmpty()) {
                    throw new IllegalArgumentException("the text has no [MASK]; BERT predicts the tokens at [MASK] positions, "
                            + "e.g. \"the capital of france is [MASK] .\"");
                }
            } else {
                positions.add(enc.size() - 1);
            }
            PrintWriter out = spec.commandLine().getOut();
            Printer printer = new Printer(out, tokenizer, bert, top, m.vocabSize());
            if (rule == null) {
                printFull(m, enc.ids(), positions, printer, enc.size());
            } else {
                try (ExitMaps exitMaps = ExitMaps.load(m, model.id, maps); Arena arena = Arena.ofShared()) {
                    ShortcutExit shortcut = new ShortcutExit(exitMaps, arena);
                    for (int p : positions) {
                        printer.heading(p, enc.size());
                        long started = System.nanoTime();
                        ShortcutExit.Outcome o = shortcut.run(rule, enc.ids(), p);
                        double ms = (System.nanoTime() - started) / 1e6;
                        out.printf(Locale.ROOT, "  early exit (%s): after %d of %d blocks, %.1f ms (one cold pass, JIT included)%n", exit, o.exitLayer(), m.layers(), ms);
                        printer.top(o.logits(), 0);
                        if (compare) {
                            started = System.nanoTime();
                            ShortcutExit.Outcome full = shortcut.run(ExitRule.fixed(m.layers()), enc.ids(), p);
                            ms = (System.nanoTime() - started) / 1e6;
                            out.printf(Locale.ROOT, "  full model: %d blocks, %.1f ms%n", full.exitLayer(), ms);
                            printer.top(full.logits(), 0);
                        }
                    }
                }
            }
            out.flush();
        }
    }

    /** The full model at every chosen position: the last block's output there, then the model's own head. */
    private static void printFull(Model m, int[] ids, List<Integer> positions, Printer printer, int tokens) {
        int d = m.width();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment hidden = arena.allocate((long) positions.size() * d * Float.BYTES, 64);
            m.forward(Batch.of(ids), Hooks.taps(new TapRequest(Site.BLOCK_OUT, m.layers() - 1, RowSelection.all(),
                    (site, block, seq, first, rows, width, view) -> {
                        for (int j = 0; j < positions.size(); j++) {
                            MemorySegment.copy(view, (long) positions.get(j) * width * Float.BYTES, hidden,
                                    (long) j * d * Float.BYTES, (long) d * Float.BYTES);
                        }
                    })));
            MemorySegment logits = arena.allocate((long) positions.size() * m.vocabSize() * Float.BYTES, 64);
            m.logits(hidden, 0, positions.size(), logits, 0);
            for (int j = 0; j < positions.size(); j++) {
                printer.heading(positions.get(j), tokens);
                printer.top(logits, (long) j * m.vocabSize());
            }
        }
    }

    /** How a prediction is printed: a heading per position, then the top-k with probabilities and logits. */
    private record Printer(PrintWriter out, Tokenizer tokenizer, boolean bert, int top, int vocab) {

        void heading(int position, int tokens) {
            out.println(bert ? "[MASK] at position " + position + ":" : "next token after " + tokens + " tokens:");
        }

        void top(MemorySegment logits, long off) {
            List<TokenScore> best = Predictions.topK(logits, off, vocab, top);
            for (int r = 0; r < best.size(); r++) {
                TokenScore t = best.get(r);
                String shown = bert ? tokenizer.token(t.token()) : quote(tokenizer.decode(new int[]{t.token()}));
                out.printf(Locale.ROOT, "%3d. %-16s p=%.4f  logit=%.3f%n", r + 1, shown, t.probability(), t.logit());
            }
        }
    }

    /** A GPT-2 token as a Java-style string literal, so spaces show and control characters stay visible. */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c == '\n') b.append("\\n");
            else if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
