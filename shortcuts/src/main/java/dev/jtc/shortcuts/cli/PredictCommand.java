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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** `jtc predict`: the model's top-k tokens for BERT's [MASK] positions or GPT-2's next token. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {
                "Prints the model's most likely tokens with their probabilities.",
                "BERT: one list per [MASK] in the text (e.g. \"the capital of france is [MASK] .\").",
                "GPT-2: the token that follows the text."})
final class PredictCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "How many tokens to list (default: ${DEFAULT-VALUE}).")
    int top;

    @Parameters(paramLabel = "TEXT", arity = "1", description = "The text: with [MASK] for BERT, a prefix for GPT-2.")
    String text;

    @Override
    public void run() {
        if (top < 1) throw new IllegalArgumentException("--top must be at least 1, was " + top + ".");
        Tokenizer tokenizer = model.tokenizer();
        try (Checkpoint ckpt = Checkpoint.open(model.id); Model m = Models.load(ckpt.tensors(), ckpt.config())) {
            Encoding enc = ModelInput.encode(tokenizer, m, text, "the text");
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
            int d = m.width();
            int v = m.vocabSize();
            try (Arena arena = Arena.ofConfined()) {
                // The last block's output at the chosen positions, then the model's own head.
                MemorySegment hidden = arena.allocate((long) positions.size() * d * Float.BYTES, 64);
                int[] ids = enc.ids();
                m.forward(Batch.of(ids), Hooks.taps(new TapRequest(Site.BLOCK_OUT, m.layers() - 1, RowSelection.all(),
                        (site, block, seq, first, rows, width, view) -> {
                            for (int j = 0; j < positions.size(); j++) {
                                MemorySegment.copy(view, (long) positions.get(j) * width * Float.BYTES, hidden,
                                        (long) j * d * Float.BYTES, (long) d * Float.BYTES);
                            }
                        })));
                MemorySegment logits = arena.allocate((long) positions.size() * v * Float.BYTES, 64);
                m.logits(hidden, 0, positions.size(), logits, 0);
                PrintWriter out = spec.commandLine().getOut();
                for (int j = 0; j < positions.size(); j++) {
                    int p = positions.get(j);
                    out.println(bert ? "[MASK] at position " + p + ":" : "next token after " + enc.size() + " tokens:");
                    List<TokenScore> best = Predictions.topK(logits, (long) j * v, v, top);
                    for (int r = 0; r < best.size(); r++) {
                        TokenScore t = best.get(r);
                        String shown = bert ? tokenizer.token(t.token()) : quote(tokenizer.decode(new int[]{t.token()}));
                        out.printf(Locale.ROOT, "%3d. %-16s p=%.4f  logit=%.3f%n", r + 1, shown, t.probability(), t.logit());
                    }
                }
                out.flush();
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
