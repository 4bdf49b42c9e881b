package dev.jtc.shortcuts.fit;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress report on stderr for a long stage: items done, rate, tokens per second and time left.
 * When the stage knows its total of tokens, the time left follows the tokens (a forward pass costs about what its
 * tokens cost, and collection runs the short sentences first); otherwise it follows the items.
 * On a terminal the line is redrawn in place; elsewhere (a log file, CI) a line is printed every few seconds.
 */
public final class Progress {

    private static final long TERMINAL_EVERY_NANOS = 250_000_000L;
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private String stage;
    private String unit;
    private long total;
    private long totalTokens;
    private long started;
    private long lastShown;

    private final String command;

    Progress(PrintStream out, boolean terminal, String command) {
        this.out = out;
        this.terminal = terminal;
        this.command = command;
    }

    /** Progress on stderr for {@code command} (e.g. "jtc run"), redrawn in place when stderr is a console. */
    public static Progress stderr(String command) {
        return new Progress(System.err, System.console() != null, command);
    }

    /** Reports nothing (tests, library use). */
    public static Progress silent() {
        return new Progress(new PrintStream(PrintStream.nullOutputStream()), false, "");
    }

    /** Where the lines go, for a step that reports its own progress (a download, say). */
    public PrintStream stream() {
        return out;
    }

    public void start(String stage, long total, String unit) {
        start(stage, total, unit, 0);
    }

    public void start(String stage, long total, String unit, long totalTokens) {
        this.stage = stage;
        this.total = total;
        this.totalTokens = totalTokens;
        this.unit = unit;
        this.started = System.nanoTime();
        this.lastShown = started;
    }

    public void update(long done, long tokens) {
        long now = System.nanoTime();
        if (now - lastShown < (terminal ? TERMINAL_EVERY_NANOS : LOG_EVERY_NANOS)) return;
        lastShown = now;
        show(done, tokens, now, false);
    }

    public void finish(long done, long tokens) {
        show(done, tokens, System.nanoTime(), true);
    }

    /** A line of its own, for what happens between stages. */
    public void note(String line) {
        out.println(command + ": " + line);
        out.flush();
    }

    private void show(long done, long tokens, long now, boolean last) {
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = done / seconds;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-8s %s %,d/%,d %s  %.1f %s/s",
                stage, bar(done), done, total, unit, rate, unit));
        if (tokens > 0) line.append(String.format(Locale.ROOT, "  %,.0f tokens/s", tokens / seconds));
        double fraction = totalTokens > 0 ? (double) tokens / totalTokens : total > 0 ? (double) done / total : 1;
        line.append(last ? String.format(Locale.ROOT, "  done in %s", clock(seconds))
                : "  ETA " + (fraction > 0 ? clock(seconds * (1 - fraction) / fraction) : "?"));
        if (terminal) {
            out.print("\r" + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    private String bar(long done) {
        int width = 20;
        int filled = total == 0 ? width : (int) (width * done / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
