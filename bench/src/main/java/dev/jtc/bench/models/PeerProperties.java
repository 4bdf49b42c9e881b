package dev.jtc.bench.models;

import java.nio.file.Path;

/** What bench/run-peers hands the peer benchmarks' forked JVMs as system properties. */
final class PeerProperties {

    private PeerProperties() {
    }

    /** {@code -Djtc.threads}, which our kernels read too, else the available processors: every engine's thread count. */
    static int threads() {
        return Integer.getInteger("jtc.threads", Runtime.getRuntime().availableProcessors());
    }

    /** The model directory named by system property {@code key}. */
    static Path directory(String key) {
        String value = System.getProperty(key);
        if (value == null) throw new IllegalArgumentException("-D" + key + " is not set; run this through bench/run-peers.");
        return Path.of(value);
    }
}
