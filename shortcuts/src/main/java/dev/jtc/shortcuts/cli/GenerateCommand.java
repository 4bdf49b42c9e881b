package dev.jtc.shortcuts.cli;

import dev.jtc.engine.generate.Generation;
import dev.jtc.engine.generate.Generator;
import dev.jtc.engine.generate.Sampler;
import dev.jtc.engine.model.Gpt2;
import dev.jtc.shortcuts.ModelInput;
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
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalInt;

/** `jtc generate`: GPT-2 continues a prompt, greedily or by seeded sampling, with a KV cache. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {
                "Continues the prompt with GPT-2 and prints the prompt with its continuation.",
                "Greedy unless --temperature is given; sampling with the same --seed gives the same text on every run.",
                "Stops early at <|endoftext|> when the model produces it. Timings go to stderr."})
final class GenerateCommand implements Runnable {

    private static final String END_OF_TEXT = "<|endoftext|>";

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

    @Override
    public void run() {
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be at least 1, was " + maxTokens + ".");
        Sampler sampler = sampler();
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
                int end = tokenizer.tokenId(END_OF_TEXT);
                Generation g = new Generator(gpt2, sampler).generate(enc.ids(), maxTokens,
                        end < 0 ? OptionalInt.empty() : OptionalInt.of(end));
                print(tokenizer, enc, g);
            }
        }
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
        err.printf(Locale.ROOT, "prefill: %d tokens in %.1f ms%n", promptIds.length, g.prefillNanos() / 1e6);
        long[] decode = g.decodeNanos();
        if (decode.length == 0) {
            err.println("decode: none (the first token came from the prefill)");
        } else {
            long total = Arrays.stream(decode).sum();
            err.printf(Locale.ROOT, "decode: %d tokens in %.1f ms (%.1f tokens/s), median %.2f ms/token%n",
                    decode.length, total / 1e6, decode.length / (total / 1e9), median(decode) / 1e6);
        }
        if (g.stop() == Generation.Stop.END_TOKEN) {
            err.println("stopped at " + END_OF_TEXT + " after " + generated.length + " tokens.");
        }
        err.flush();
    }

    private static double median(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }
}
