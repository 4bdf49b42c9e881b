package dev.jtc.shortcuts.cli;

import dev.jtc.engine.generate.Generation;
import dev.jtc.engine.generate.Generator;
import dev.jtc.engine.generate.Sampler;
import dev.jtc.engine.model.Gpt2;
import dev.jtc.shortcuts.ModelInput;
import dev.jtc.shortcuts.exit.ExitDecoder;
import dev.jtc.shortcuts.exit.ExitMaps;
import dev.jtc.shortcuts.exit.ExitRule;
import dev.jtc.shortcuts.exit.GenerationAgreement;
import dev.jtc.shortcuts.exit.KvFill;
import dev.jtc.shortcuts.exit.SkippedBlockMaps;
import dev.jtc.tokenizer.Encoding;
import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.weights.Checkpoint;
import dev.jtc.weights.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/** `jtc generate`: GPT-2 continues a prompt, greedily or by seeded sampling, with a KV cache, optionally with early exit. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {
                "Continues the prompt with GPT-2 and prints the prompt with its continuation.",
                "Greedy unless --temperature is given; sampling with the same --seed gives the same text on every run.",
                "Stops early at <|endoftext|> when the model produces it. Timings go to stderr.",
                "With --maps and --exit every token stops after the block where the exit rule fires and the next token is "
                        + "chosen from the mapped state there; stderr then also gets the exit layer of every token and their "
                        + "mean. --compare also generates with the full model and prints the agreement."})
final class GenerateCommand implements Runnable {

    private static final String END_OF_TEXT = "<|endoftext|>";
    private static final List<String> FILLS = List.of("recompute", "maps", "copy");

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Option(names = "--prompt", required = true, paramLabel = "T", description = "The text to continue.")
    String prompt;

    @Option(names = "--max-tokens", required = true, paramLabel = "N", description = "How many tokens to generate at most.")
    int maxTokens;

    @Option(names = "--temperature", paramLabel = "X",
            description = "Sample from softmax(logits / X) instead of taking the most likely token; X > 0.")
    Double temperature;

    @Option(names = "--top-k", paramLabel = "K",
            description = "With --temperature: sample among the K most likely tokens only (default: 0, all of them).")
    Integer topK;

    @Option(names = "--seed", paramLabel = "S", description = "With --temperature: the random seed (default: 0).")
    Long seed;

    @Option(names = "--maps", paramLabel = "FILE", description = "maps.safetensors of a jtc fit of this model (for --exit).")
    Path maps;

    @Option(names = "--exit", paramLabel = "RULE", description = "mat:λ or id:λ (the paper's confidence rule, t = the "
            + "position of the token the next one is chosen after; affine:λ for maps fitted with --intercept), or layer:ℓ "
            + "(every token stops after ℓ blocks). Needs --maps.")
    String exit;

    @Option(names = "--kv-fill", paramLabel = "HOW", description = "With --exit: where a token that stopped after ℓ blocks "
            + "gets the keys and values of the blocks it skipped, which later tokens attend to. recompute (default): a "
            + "later token that reaches such a block first runs it for the token, exactly, so blocks no later token "
            + "reaches are never run; maps: block b's input is A_{b,ℓ}·h_ℓ, the maps' estimate; copy: h_ℓ is every "
            + "skipped block's input.")
    String kvFill;

    @Option(names = "--compare", description = "With --exit: also generate with the full model and print k, the number of "
            + "leading tokens identical to its text, and the per-token agreement: the fraction of the exit run's tokens "
            + "that the full model, given the prompt and the exit run's tokens before it (and, when sampling, the same "
            + "random draw), chooses too.")
    boolean compare;

    @Override
    public void run() {
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be at least 1, was " + maxTokens + ".");
        Sampler sampler = sampler();
        ExitRule rule = exitRule();
        try (Checkpoint ckpt = Checkpoint.open(model.id)) {
            if (ckpt.config().architecture() != ModelConfig.Architecture.GPT2) {
                throw new IllegalArgumentException("--model " + model.id + " is a " + ckpt.config().architecture()
                        + " model, which fills in masked tokens instead of continuing text; generate needs GPT-2 "
                        + "(jtc predict runs BERT).");
            }
            Tokenizer tokenizer = model.tokenizer();
            try (Gpt2 gpt2 = Gpt2.load(ckpt.tensors(), ckpt.config())) {
                Encoding enc = ModelInput.encode(tokenizer, gpt2, prompt, "--prompt");
                long positions = (long) enc.size() + maxTokens - 1;
                if (positions > gpt2.maxPositions()) {
                    throw new IllegalArgumentException("--prompt has " + enc.size() + " tokens and --max-tokens asks for "
                            + maxTokens + " more, which need " + positions + " positions, more than the model's "
                            + gpt2.maxPositions() + "; shorten one of them.");
                }
                int endId = tokenizer.tokenId(END_OF_TEXT);
                OptionalInt end = endId < 0 ? OptionalInt.empty() : OptionalInt.of(endId);
                if (rule == null) {
                    Generation g = new Generator(gpt2, sampler).generate(enc.ids(), maxTokens, end);
                    print(tokenizer, enc, g);
                } else {
                    generateWithExit(gpt2, rule, sampler, tokenizer, enc, end);
                }
            }
        }
    }

    /**
     * The text under the exit rule, its exit layers and timings, and with --compare the full model's run beside it
     * (each run with a sampler of its own, in the state the first one started in).
     */
    private void generateWithExit(Gpt2 gpt2, ExitRule rule, Sampler sampler, Tokenizer tokenizer, Encoding enc,
                                  OptionalInt end) {
        String fill = kvFill == null ? "recompute" : kvFill;
        try (ExitMaps exitMaps = ExitMaps.load(gpt2, model.id, maps);
             SkippedBlockMaps blockMaps = fill.equals("maps") ? SkippedBlockMaps.load(gpt2, maps) : null) {
            KvFill how = switch (fill) {
                case "maps" -> new KvFill.Maps(blockMaps);
                case "copy" -> new KvFill.Copy();
                default -> new KvFill.Recompute();
            };
            Generation g = ExitDecoder.generator(exitMaps, rule, how, sampler).generate(enc.ids(), maxTokens, end);
            print(tokenizer, enc, g);
            PrintWriter err = spec.commandLine().getErr();
            err.printf(Locale.ROOT, "early exit (%s, --kv-fill %s): mean exit layer %.2f of %d blocks%n", exit, fill,
                    g.meanLayers(), gpt2.layers());
            err.println("exit layers: " + Arrays.stream(g.layers()).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
            if (compare) {
                Generation full = new Generator(gpt2, sampler()).generate(enc.ids(), maxTokens, end);
                timings(err, "full model ", enc.size(), full);
                GenerationAgreement a = GenerationAgreement.of(gpt2, enc.ids(), g.tokens(), full.tokens(), sampler());
                err.printf(Locale.ROOT, "agreement with the full model: the first %d of %d tokens are identical; "
                        + "per-token agreement %d of %d (%.3f)%n", a.leading(), a.compared(), a.agreeing(), a.compared(),
                        a.perToken());
            }
            err.flush();
        }
    }

    /** The exit rule of --exit, or null without it; the options that go with it are checked here, before any loading. */
    private ExitRule exitRule() {
        if ((exit == null) != (maps == null)) {
            throw new IllegalArgumentException("--exit and --maps go together: the exit rule decodes through the fitted maps.");
        }
        if (exit == null && (kvFill != null || compare)) {
            throw new IllegalArgumentException("--kv-fill and --compare belong to generation with an early exit; give --exit and --maps.");
        }
        if (kvFill != null && !FILLS.contains(kvFill)) {
            throw new IllegalArgumentException("--kv-fill \"" + kvFill + "\" is not one of recompute, maps or copy.");
        }
        return exit == null ? null : ExitRule.parse(exit);
    }

    private Sampler sampler() {
        if (temperature == null) {
            if (topK != null || seed != null) {
                throw new IllegalArgumentException("--top-k and --seed choose how to sample; give --temperature too "
                        + "(without all three, generation is greedy).");
            }
            return Sampler.greedy();
        }
        if (!(temperature > 0) || temperature.isInfinite()) {
            throw new IllegalArgumentException("--temperature must be a positive number, was " + temperature + ".");
        }
        if (topK != null && topK < 0) {
            throw new IllegalArgumentException("--top-k must be 0 (all tokens) or more, was " + topK + ".");
        }
        return Sampler.seeded(temperature, topK == null ? 0 : topK, seed == null ? 0 : seed);
    }

    /** The text on stdout, decoded whole so that a character split across prompt and continuation stays intact. */
    private void print(Tokenizer tokenizer, Encoding prompt, Generation g) {
        int[] promptIds = prompt.ids();
        int[] generated = g.tokens();
        int[] all = Arrays.copyOf(promptIds, promptIds.length + generated.length);
        System.arraycopy(generated, 0, all, promptIds.length, generated.length);
        PrintWriter out = spec.commandLine().getOut();
        out.println(tokenizer.decode(all));
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        timings(err, "", promptIds.length, g);
        if (g.stop() == Generation.Stop.END_TOKEN) {
            err.println("stopped at " + END_OF_TEXT + " after " + generated.length + " tokens.");
        }
        err.flush();
    }

    /** The prefill's time and the decode's total, rate and median, each line starting with {@code label}. */
    private static void timings(PrintWriter err, String label, int promptTokens, Generation g) {
        err.printf(Locale.ROOT, "%sprefill: %d tokens in %.1f ms%n", label, promptTokens, g.prefillNanos() / 1e6);
        long[] decode = g.decodeNanos();
        if (decode.length == 0) {
            err.println(label + "decode: none (the first token came from the prefill)");
        } else {
            long total = Arrays.stream(decode).sum();
            err.printf(Locale.ROOT, "%sdecode: %d tokens in %.1f ms (%.1f tokens/s), median %.2f ms/token%n",
                    label, decode.length, total / 1e6, decode.length / (total / 1e9), median(decode) / 1e6);
        }
    }

    private static double median(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }
}
