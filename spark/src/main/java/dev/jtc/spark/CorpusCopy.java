package dev.jtc.spark;

import dev.jtc.shortcuts.corpus.Corpus;
import dev.jtc.shortcuts.fit.Fit;
import dev.jtc.shortcuts.fit.FitSettings;
import dev.jtc.shortcuts.fit.Progress;
import dev.jtc.weights.StagedDirectory;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The corpus of a distributed fit, which the driver samples exactly as {@code jtc fit} does. A corpus named by a
 * URI with a scheme ({@code hdfs://}, {@code s3a://}, {@code gs://}, {@code abfs://}, {@code file://}) is read
 * through Hadoop's file systems into a local temporary copy under its own file name, so that the corpus, and the
 * run directory named after it, are named as for a local file; the settings keep the URI.
 */
final class CorpusCopy {

    private static final Pattern URI_WITH_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://.+");

    private CorpusCopy() {
    }

    static Corpus open(FitSettings settings, Configuration hadoop, Progress progress) {
        String spec = settings.corpus();
        if (!URI_WITH_SCHEME.matcher(spec).matches()) return Fit.openCorpus(settings, progress);
        org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(spec);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("jtc-corpus");
            Path local = dir.resolve(remote.getName());
            FileSystem fs = remote.getFileSystem(hadoop);
            if (!fs.isFile(remote)) throw new IllegalArgumentException("--corpus " + spec + " is not a file on its file system.");
            progress.note("copying the corpus from " + spec);
            fs.copyToLocalFile(false, remote, new org.apache.hadoop.fs.Path(local.toUri()), true);
            return Fit.openCorpus(settings.withCorpus(local.toString()), progress);
        } catch (IOException e) {
            throw new UncheckedIOException("--corpus " + spec + ": cannot read it (" + e.getMessage() + ").", e);
        } finally {
            if (dir != null) remove(dir);
        }
    }

    /** The corpus is in memory once opened, so its copy goes at once. */
    private static void remove(Path dir) {
        try {
            StagedDirectory.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot remove the local copy of the corpus (" + e.getMessage() + ").", e);
        }
    }
}
