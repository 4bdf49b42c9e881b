package dev.jtc.shortcuts.examples;

import dev.jtc.shortcuts.Prediction;
import dev.jtc.shortcuts.Shortcuts;
import dev.jtc.shortcuts.exit.ExitRule;
import dev.jtc.weights.ModelConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A JVM service's use of jtc, to copy: load the model and its fitted maps once, then answer requests from a pool
 * of threads, each request a forward pass that stops where the paper's rule says.
 * <pre>
 * java -cp … dev.jtc.shortcuts.examples.ServiceExample bert-base-uncased runs/bert-base-uncased-europarl-en-0/maps.safetensors \
 *      "the capital of france is [MASK] ." "the cat sat on the [MASK] ."
 * </pre>
 * A BERT model fills each text's {@code [MASK]}; a GPT-2 model predicts the token after each text.
 */
public final class ServiceExample {

    private ServiceExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: ServiceExample MODEL MAPS TEXT...");
            System.exit(2);
        }
        List<String> texts = List.of(args).subList(2, args.length);
        try (Shortcuts jtc = Shortcuts.load(args[0], Path.of(args[1]));
             ExecutorService requests = Executors.newFixedThreadPool(4)) {
            boolean bert = jtc.model().config().architecture() == ModelConfig.Architecture.BERT;
            List<Future<String>> answers = new ArrayList<>();
            for (String text : texts) {
                for (ExitRule rule : List.of(ExitRule.paper(0.2), ExitRule.paper(0.6), ExitRule.paper(1.112))) {
                    answers.add(requests.submit(() -> {
                        Prediction p = bert ? jtc.predictMasked(text, rule) : jtc.nextToken(text, rule);
                        return String.format("%-40s %-45s → %-12s after %2d of %d blocks, %6.1f ms", text, rule,
                                p.tokens().getFirst(), p.exitLayer(), p.blocks(), p.time().toNanos() / 1e6);
                    }));
                }
            }
            for (Future<String> answer : answers) System.out.println(answer.get());
        }
    }
}
