package dev.jtc.weights.hub;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Download progress as plain text lines (bytes, percent, MB/s), at most one every {@link #INTERVAL_NANOS}: lines
 * rather than a redrawn bar, because Java cannot tell whether stderr is a terminal and plain lines read well in
 * both a terminal and a log file. Files that finish within the first interval print nothing.
 */
final class DownloadProgress {

    static final long INTERVAL_NANOS = 2_000_000_000L;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final long startOffset;
    private final long startNanos;
    private final long intervalNanos;
    private long lastPrint;
    private boolean printed;

    /** {@code out} null means silent; {@code total} below 0 means unknown. */
    DownloadProgress(PrintStream out, String label, long total, long startOffset) {
        this(out, label, total, startOffset, INTERVAL_NANOS);
    }

    DownloadProgress(PrintStream out, String label, long total, long startOffset, long intervalNanos) {
        this.intervalNanos = intervalNanos;
        this.out = out;
        this.label = label;
        this.total = total;
        this.startOffset = startOffset;
        this.startNanos = System.nanoTime();
        this.lastPrint = startNanos;
        if (out != null && startOffset > 0) {
            out.println("jtc: resuming " + label + " at " + mb(startOffset) + " MB");
            printed = true;
        }
    }

    void update(long position) {
        if (out == null) return;
        long now = System.nanoTime();
        if (now - lastPrint < intervalNanos) return;
        lastPrint = now;
        print(position, now);
    }

    void done(long position) {
        if (out != null && printed) print(position, System.nanoTime());
    }

    private void print(long position, long now) {
        printed = true;
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = (position - startOffset) / 1e6 / seconds;
        String of = total >= 0
                ? String.format(Locale.ROOT, "%s / %s MB (%.1f%%)", mb(position), mb(total), 100.0 * position / Math.max(1, total))
                : mb(position) + " MB";
        out.println(String.format(Locale.ROOT, "jtc: downloading %s: %s, %.1f MB/s", label, of, rate));
        out.flush();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
    }
}
