package dev.jtc.weights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The two ends of writing a directory atomically: its contents go into a hidden temporary sibling
 * of the target, which is renamed into place only when complete (so an interrupted write never
 * looks like a finished one), and is deleted when the write fails. The rename itself stays with
 * the caller, because callers differ in what an existing target means (replace it, or keep
 * another process's finished copy).
 */
public final class StagedDirectory {

    private StagedDirectory() {
    }

    /**
     * Creates {@code target}'s parent if needed and an empty temporary directory beside
     * {@code target}, named {@code .NAME.tmp-...}, readable like any other directory. If it cannot
     * be made readable, it is removed again before the exception is thrown.
     */
    public static Path createBeside(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
        // createTempDirectory makes it owner-only; the finished directory should read like any other
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException notPosix) {
            // keep the default permissions
        } catch (IOException e) {
            // the caller never saw the path, so it could not clean up: do it here
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException left) {
                e.addSuppressed(left);
            }
            throw e;
        }
        return tmp;
    }

    /**
     * Deletes {@code dir} and everything below it, deepest first. A file that cannot be deleted
     * stops it with an {@link UncheckedIOException}; the caller decides whether that matters.
     */
    public static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
