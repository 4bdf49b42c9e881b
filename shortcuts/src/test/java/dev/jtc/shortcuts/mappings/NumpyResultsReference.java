package dev.jtc.shortcuts.mappings;

import dev.jtc.weights.testing.Numpy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: the results recomputed by src/test/python/results_reference.py (numpy, from the paper's definitions)
 * from a predictions.safetensors written by {@link PredictionsFile}, so the check covers the file too. Aborts the
 * test when python3 with numpy is not installed.
 *
 * @param metrics means by "mapping layer metric k" (k 0 for surprisal and kl)
 * @param sweeps  per mapping, its grid's points as {λ, mean layers, precision1}, λ ascending
 * @param fixed   Precision@1 by "mapping layer"
 */
public record NumpyResultsReference(Map<String, Double> metrics, Map<Mapping, List<double[]>> sweeps,
                                   Map<String, Double> fixed) {

    public static NumpyResultsReference of(Path directory, ValidationPredictions predictions)
            throws IOException, InterruptedException {
        Numpy.assumeAvailable("the independent numpy results reference (src/test/python/results_reference.py)");
        Path file = directory.resolve("predictions.safetensors");
        PredictionsFile.write(file, predictions, Map.of("purpose", "numpy reference"));
        Path out = directory.resolve("reference.txt");
        Numpy.run(Numpy.script("results_reference.py"), List.of(file.toString(), out.toString()));
        Map<String, Double> metrics = new HashMap<>();
        Map<Mapping, List<double[]>> sweeps = new EnumMap<>(Mapping.class);
        Map<String, Double> fixed = new HashMap<>();
        for (String line : Files.readAllLines(out)) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "metric" -> metrics.put(f[1] + " " + f[2] + " " + f[3] + " " + f[4], Double.parseDouble(f[5]));
                case "sweep" -> sweeps.computeIfAbsent(Mapping.parse(f[1]), m -> new ArrayList<>()).add(
                        new double[]{Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4])});
                case "fixed" -> fixed.put(f[1] + " " + f[2], Double.parseDouble(f[3]));
                default -> throw new AssertionError("unexpected line from results_reference.py: " + line);
            }
        }
        return new NumpyResultsReference(metrics, sweeps, fixed);
    }
}
