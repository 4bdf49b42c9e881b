package dev.jtc.shortcuts.fit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtc.weights.AtomicFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code fit.json}: what each stage did (timings, sizes, ranks, residuals), saved after every stage. A stage
 * counts as done only when its record is here, and the record is written after the stage's files, so an
 * interrupted stage is never mistaken for a finished one.
 */
final class FitReport {

    private final Path file;
    private final ObjectNode root;

    private FitReport(Path file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    static FitReport open(Path file) {
        if (!Files.isRegularFile(file)) return new FitReport(file, RunDirectory.JSON.createObjectNode());
        try {
            JsonNode node = RunDirectory.JSON.readTree(file.toFile());
            if (!(node instanceof ObjectNode o)) throw new IOException("not a JSON object");
            return new FitReport(file, o);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not a jtc fit report (" + e.getMessage() + "); add --force to start the run again.", e);
        }
    }

    ObjectNode root() {
        return root;
    }

    boolean done(String stage) {
        return root.path("stages").has(stage);
    }

    /** A fresh record for {@code stage}, replacing an earlier one; {@link #save()} makes it count. */
    ObjectNode stage(String stage) {
        ObjectNode stages = root.has("stages") ? (ObjectNode) root.get("stages") : root.putObject("stages");
        return stages.putObject(stage);
    }

    void forget(String stage) {
        if (root.get("stages") instanceof ObjectNode stages) stages.remove(stage);
    }

    void save() {
        try {
            AtomicFile.write(file, RunDirectory.JSON.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the fit report (" + e.getMessage() + ").", e);
        }
    }
}
