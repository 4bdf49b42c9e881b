package dev.jtc.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StagedDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void stagesAHiddenSiblingInANewParent() throws IOException {
        Path target = tmp.resolve("a/b/model");
        Path staged = StagedDirectory.createBeside(target);
        assertTrue(Files.isDirectory(staged));
        assertEquals(target.getParent(), staged.getParent());
        assertTrue(staged.getFileName().toString().startsWith(".model.tmp-"), staged.toString());
        assertFalse(Files.exists(target));
        try (Stream<Path> s = Files.list(staged)) {
            assertEquals(0, s.count());
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(staged)));
        }
    }

    @Test
    void deletesATreeDeepestFirst() throws IOException {
        Path dir = tmp.resolve("tree");
        Files.createDirectories(dir.resolve("x/y"));
        Files.writeString(dir.resolve("x/y/f.txt"), "f");
        Files.writeString(dir.resolve("g.txt"), "g");
        StagedDirectory.deleteTree(dir);
        assertFalse(Files.exists(dir));
        assertTrue(Files.isDirectory(tmp));
    }
}
