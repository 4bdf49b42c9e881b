package dev.jtc.weights.tf;

import dev.jtc.weights.WeightsException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Damaged input never escapes as anything but one WeightsException (no index errors, no hangs). */
class TensorBundleFuzzTest {

    @Property(tries = 150)
    void flippedOrTruncatedIndexesFailCleanly(@ForAll @IntRange(min = 0, max = 100_000) int position,
                                              @ForAll @IntRange(min = 1, max = 255) int xor,
                                              @ForAll boolean truncate) throws IOException {
        Path dir = Files.createTempDirectory("jtc-fuzz");
        try {
            Path prefix = sample().write(dir, "ckpt");
            Path index = dir.resolve("ckpt.index");
            byte[] b = Files.readAllBytes(index);
            int at = position % b.length;
            if (truncate) b = java.util.Arrays.copyOf(b, at);
            else b[at] ^= (byte) xor;
            Files.write(index, b);
            openOrWeightsException(prefix);
        } finally {
            deleteTree(dir);
        }
    }

    @Property(tries = 300)
    void arbitraryEntryBytesFailCleanly(@ForAll @Size(max = 40) byte[] entry) throws IOException {
        Path dir = Files.createTempDirectory("jtc-fuzz");
        try {
            BundleFixture f = sample();
            f.tensors.get(1).rawEntryOverride = entry; // valid block checksums around a garbage BundleEntryProto
            openOrWeightsException(f.write(dir, "ckpt"));
        } finally {
            deleteTree(dir);
        }
    }

    private static BundleFixture sample() {
        BundleFixture f = new BundleFixture();
        f.blockSize = 48;
        f.restartInterval = 2;
        for (int i = 0; i < 8; i++) f.add("layer_" + i + "/kernel", new long[]{2, 2}, i, i + 1, i + 2, i + 3);
        return f;
    }

    private static void openOrWeightsException(Path prefix) {
        try (TensorBundle b = TensorBundle.open(prefix)) {
            for (String name : b.names()) assertEquals(b.info(name).byteSize(), b.raw(name).byteSize());
            b.verify();
        } catch (WeightsException expected) {
            assertEquals(1, expected.getMessage().lines().count(), expected.getMessage());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
