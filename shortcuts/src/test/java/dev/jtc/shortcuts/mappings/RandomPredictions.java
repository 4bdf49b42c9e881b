package dev.jtc.shortcuts.mappings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Test helper: validation predictions shaped like a real run's, from real softmaxes of random logits. The full
 * model's logits are Gaussian with a per-row sharpness (some rows nearly certain, some flat); a mapping's logits at
 * layer ℓ are the full logits, scaled, plus Gaussian noise that shrinks as ℓ approaches L, where they are the full
 * logits exactly. So precision rises with the layer and confidences spread over (0, 1), and every λ of the paper's
 * grids moves some rows.
 */
public final class RandomPredictions {

    private RandomPredictions() {
    }

    /** GPT-2-like: t is the position. */
    public static ValidationPredictions of(long seed, int blocks, int rows, int vocab, List<Mapping> mappings) {
        Random random = new Random(seed);
        double[][] fullLogits = new double[rows][vocab];
        double[][] fullP = new double[rows][];
        int[][] top10 = new int[rows][];
        int[] position = new int[rows];
        for (int row = 0; row < rows; row++) {
            double sharpness = 0.5 + 3.5 * random.nextDouble();
            for (int v = 0; v < vocab; v++) fullLogits[row][v] = sharpness * random.nextGaussian();
            // A third of the rows have one clear winner, as a model that has seen the phrase before would.
            if (random.nextInt(3) == 0) fullLogits[row][random.nextInt(vocab)] += 4 + 8 * random.nextDouble();
            fullP[row] = softmax(fullLogits[row]);
            top10[row] = ranking(fullLogits[row], 10);
            position[row] = random.nextInt(60);
        }
        ReferencePredictions full = new ReferencePredictions(top10, position, position.clone());
        List<MappingPredictions> out = new ArrayList<>();
        for (int m = 0; m < mappings.size(); m++) {
            double noise = 1.5 + m;
            int layers = blocks + 1;
            int[][] top1 = new int[layers][rows];
            float[][] pTop1 = new float[layers][rows];
            float[][] pTop2 = new float[layers][rows];
            float[][] pFull = new float[layers][rows];
            float[][] kl = new float[layers][rows];
            for (int l = 0; l < layers; l++) {
                double remaining = (double) (blocks - l) / blocks;
                double scale = 1 + 0.6 * remaining * (random.nextDouble() - 0.3);
                for (int row = 0; row < rows; row++) {
                    double[] logits = new double[vocab];
                    for (int v = 0; v < vocab; v++) {
                        logits[v] = l == blocks ? fullLogits[row][v]
                                : scale * fullLogits[row][v] + noise * remaining * random.nextGaussian();
                    }
                    double[] p = softmax(logits);
                    int[] best = ranking(logits, 2);
                    top1[l][row] = best[0];
                    pTop1[l][row] = (float) p[best[0]];
                    pTop2[l][row] = (float) p[best[1]];
                    pFull[l][row] = (float) fullP[row][best[0]];
                    double divergence = 0;
                    for (int v = 0; v < vocab; v++) {
                        if (fullP[row][v] > 0) divergence += fullP[row][v] * (Math.log(fullP[row][v]) - Math.log(p[v]));
                    }
                    kl[l][row] = (float) Math.max(0, divergence);
                }
            }
            out.add(new MappingPredictions(mappings.get(m), top1, pTop1, pTop2, pFull, kl));
        }
        return new ValidationPredictions(blocks, vocab, full, out);
    }

    private static double[] softmax(double[] logits) {
        double max = Arrays.stream(logits).max().orElseThrow();
        double[] p = new double[logits.length];
        double sum = 0;
        for (int v = 0; v < p.length; v++) sum += p[v] = Math.exp(logits[v] - max);
        for (int v = 0; v < p.length; v++) p[v] /= sum;
        return p;
    }

    /** The k largest logits' ids, best first, equal logits by lower id: k scans for the best not yet taken. */
    private static int[] ranking(double[] logits, int k) {
        int[] best = new int[k];
        boolean[] taken = new boolean[logits.length];
        for (int i = 0; i < k; i++) {
            int arg = -1;
            for (int v = 0; v < logits.length; v++) if (!taken[v] && (arg < 0 || logits[v] > logits[arg])) arg = v;
            taken[arg] = true;
            best[i] = arg;
        }
        return best;
    }
}
