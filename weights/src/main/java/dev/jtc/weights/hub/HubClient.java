package dev.jtc.weights.hub;

import dev.jtc.weights.WeightsException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads a model repository's files from the Hugging Face hub into the shared cache layout ({@link HubCache}):
 * {@code config.json}, then {@code model.safetensors} (or its index and every shard), then whichever tokenizer
 * files exist.
 *
 * <p>Like huggingface_hub, each file is first asked for with a {@code HEAD} on
 * {@code <endpoint>/<repo>/resolve/<revision>/<file>} without following redirects to other hosts: that answer carries
 * the commit ({@code X-Repo-Commit}), the content hash ({@code X-Linked-Etag} for LFS files, else {@code ETag}) and the
 * size. The first file pins the commit, so all files come from one snapshot. Contents then stream into
 * {@code blobs/<etag>.incomplete}; an interrupted transfer continues with {@code Range: bytes=N-}, within this run
 * (up to {@value #MAX_TRIES} attempts without progress) and in the next one. The finished file is checked against
 * the ETag (sha256 for LFS files, the git blob sha1 otherwise; other ETag forms, as some mirrors send, are not
 * checked) and moved into place atomically. The token goes only to the endpoint's own host, never to the CDN.
 * A transfer that delivers no byte for the request timeout (30 s) counts as failed and is resumed.
 */
public final class HubClient {

    public static final String CONFIG = "config.json";
    public static final String SAFETENSORS = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    public static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "vocab.json", "merges.txt", "vocab.txt",
            "tokenizer_config.json", "special_tokens_map.json");

    static final int MAX_TRIES = 5;
    private static final int MAX_REDIRECTS = 10;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SAFE_ETAG = Pattern.compile("[A-Za-z0-9._+=-]{1,200}");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes\\s+\\*/(\\d+)");

    /** The hub could not be reached at all: no route, refused, unknown host, timed out. One short reason. */
    public static final class UnreachableException extends RuntimeException {
        UnreachableException(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    /** What the hub says about one file before it is downloaded. */
    record FileMeta(String file, String commit, String etag, long size, URI location) {
    }

    private static final ConcurrentHashMap<Path, Object> LOCAL_LOCKS = new ConcurrentHashMap<>();

    private final HubSettings settings;
    private final HubCache cache;
    private final HttpClient http;
    private final PrintStream progress;
    private final Duration requestTimeout;
    private final long retryPauseMillis;

    /** {@code progress} receives plain-text progress lines; null for silence. */
    public HubClient(HubSettings settings, PrintStream progress) {
        this(settings, progress, Duration.ofSeconds(10), Duration.ofSeconds(30), 1000);
    }

    HubClient(HubSettings settings, PrintStream progress, Duration connectTimeout, Duration requestTimeout, long retryPauseMillis) {
        this.settings = settings;
        this.cache = new HubCache(settings.cache());
        this.progress = progress;
        this.requestTimeout = requestTimeout;
        this.retryPauseMillis = retryPauseMillis;
        // Redirects are followed by hand, so that the token is never sent to another host.
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .version("http".equalsIgnoreCase(settings.endpoint().getScheme()) ? HttpClient.Version.HTTP_1_1
                                                                                     : HttpClient.Version.HTTP_2)
                .build();
    }

    /**
     * Brings config, weights and tokenizer files of {@code repo} into the cache and returns the snapshot directory.
     * Files already in the cache (same ETag) are not downloaded again.
     */
    public Path download(RepoId repo) {
        FileMeta config = fetch(repo, repo.revision(), CONFIG, true).orElseThrow();
        String commit = config.commit();
        if (fetch(repo, commit, SAFETENSORS, false).isEmpty()) {
            if (fetch(repo, commit, INDEX, false).isEmpty()) {
                throw new WeightsException("the hub repository " + repo + " (commit " + commit + ") has neither " + SAFETENSORS
                        + " nor " + INDEX + "; jtc reads only safetensors weights.");
            }
            for (String shard : ShardIndex.read(cache.snapshotDir(repo, commit).resolve(INDEX)).shards()) {
                fetch(repo, commit, shard, true);
            }
        }
        for (String f : TOKENIZER_FILES) fetch(repo, commit, f, false);
        try {
            cache.writeRef(repo, commit);
        } catch (IOException e) {
            throw new WeightsException("could not record revision " + repo.revision() + " of " + repo.name() + " in "
                    + cache.repoDir(repo) + ": " + e.getMessage() + ".", e);
        }
        return cache.snapshotDir(repo, commit);
    }

    /**
     * One file into blobs and the snapshot of {@code revision}'s commit. Empty when the file does not exist on the
     * hub and is not {@code required}.
     */
    Optional<FileMeta> fetch(RepoId repo, String revision, String file, boolean required) {
        Optional<FileMeta> found = metadata(repo, revision, file);
        if (found.isEmpty()) {
            if (!required) return Optional.empty();
            throw new WeightsException("the hub repository " + repo + " has no file " + file + " at revision " + revision
                    + ", which jtc needs.");
        }
        FileMeta meta = found.get();
        try {
            Path blob = cache.blob(repo, meta.etag());
            if (!(Files.isRegularFile(blob) && (meta.size() < 0 || Files.size(blob) == meta.size()))) {
                downloadBlob(repo, meta);
            }
            cache.link(repo, meta.commit(), file, meta.etag());
        } catch (IOException e) {
            throw new WeightsException("could not write " + file + " of " + repo + " into the Hugging Face cache at "
                    + cache.repoDir(repo) + ": " + e.getMessage() + ".", e);
        }
        return found;
    }

    /** HEAD on the resolve URL, following only redirects that stay on the hub (a renamed repo), not the CDN's. */
    Optional<FileMeta> metadata(RepoId repo, String revision, String file) {
        URI url = resolveUrl(repo.name(), revision, file);
        for (int hop = 0; ; hop++) {
            URI current = url;
            HttpResponse<Void> r = withRetries(current, () -> http.send(request(current, 0).method("HEAD",
                    HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()));
            int code = r.statusCode();
            HttpHeaders h = r.headers();
            Optional<String> location = h.firstValue("Location");
            if (code >= 300 && code < 400 && location.isPresent()) {
                URI next = current.resolve(location.get());
                // Like huggingface_hub: a relative Location stays on the hub (a renamed repository), an absolute one
                // leads to the CDN and is where the content will be fetched from.
                if (URI.create(location.get()).getHost() != null) return Optional.of(meta(file, current, h, next));
                if (hop >= MAX_REDIRECTS) {
                    throw new WeightsException("the hub redirected " + resolveUrl(repo.name(), revision, file) + " more than "
                            + MAX_REDIRECTS + " times.");
                }
                url = next; // a renamed repository: ask again at its new name
                continue;
            }
            if (code == 200) return Optional.of(meta(file, current, h, current));
            if (code == 404) {
                String error = h.firstValue("X-Error-Code").orElse("");
                if (error.equals("RepoNotFound")) {
                    throw new WeightsException("the hub at " + settings.endpoint() + " has no model repository " + repo.name() + ".");
                }
                if (error.equals("RevisionNotFound")) {
                    throw new WeightsException("the hub repository " + repo.name() + " has no revision " + revision + ".");
                }
                return Optional.empty();
            }
            if (code == 401 || code == 403) {
                throw new WeightsException("the hub refused " + current + " (HTTP " + code + "): the repository " + repo.name()
                        + " does not exist, or it is private or gated and "
                        + (settings.token().isPresent() ? "HF_TOKEN gives no access to it." : "needs HF_TOKEN set to a token that may read it."));
            }
            throw new WeightsException("the hub answered HTTP " + code + " for " + current + ".");
        }
    }

    private FileMeta meta(String file, URI url, HttpHeaders h, URI location) {
        String commit = h.firstValue("X-Repo-Commit").orElseThrow(() -> new WeightsException("the answer for " + url
                + " has no X-Repo-Commit header; " + settings.endpoint() + " does not behave like a Hugging Face hub."));
        if (!RepoId.isCommit(commit)) {
            throw new WeightsException("the answer for " + url + " gives X-Repo-Commit \"" + commit
                    + "\", expected a 40-digit commit hash.");
        }
        String etag = normalizeEtag(h.firstValue("X-Linked-Etag").or(() -> h.firstValue("ETag")).orElseThrow(
                () -> new WeightsException("the answer for " + url + " has no ETag header; " + settings.endpoint()
                        + " does not behave like a Hugging Face hub.")));
        if (!SAFE_ETAG.matcher(etag).matches()) {
            throw new WeightsException("the answer for " + url + " gives the ETag \"" + etag + "\", which cannot name a file in "
                    + "the cache.");
        }
        long size = h.firstValue("X-Linked-Size").or(() -> h.firstValue("Content-Length")).map(HubClient::parseSize).orElse(-1L);
        return new FileMeta(file, commit, etag, size, location);
    }

    /** The hub quotes ETags and may mark them weak; the cache names blobs by the bare hash. */
    static String normalizeEtag(String raw) {
        String s = raw.strip();
        if (s.startsWith("W/")) s = s.substring(2);
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) s = s.substring(1, s.length() - 1);
        return s;
    }

    private static long parseSize(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void downloadBlob(RepoId repo, FileMeta meta) throws IOException {
        Path blob = cache.blob(repo, meta.etag());
        Path part = cache.incomplete(repo, meta.etag());
        Files.createDirectories(blob.getParent());
        Files.createDirectories(cache.lock(repo, meta.etag()).getParent());
        // Another jtc process fetching the same blob waits on the file lock, another thread of this one on the
        // monitor (a JVM cannot hold two file locks on one file).
        Path lockFile = cache.lock(repo, meta.etag());
        synchronized (LOCAL_LOCKS.computeIfAbsent(lockFile.toAbsolutePath(), k -> new Object())) {
            downloadBlobLocked(repo, meta, blob, part, lockFile);
        }
    }

    private void downloadBlobLocked(RepoId repo, FileMeta meta, Path blob, Path part, Path lockFile) throws IOException {
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockChannel.lock()) {
            if (Files.isRegularFile(blob) && (meta.size() < 0 || Files.size(blob) == meta.size())) return;
            String label = repo.name() + "/" + meta.file();
            int triesWithoutProgress = 0;
            String lastFailure = "";
            while (true) {
                long have = Files.isRegularFile(part) ? Files.size(part) : 0;
                if (meta.size() >= 0 && have > meta.size()) {
                    truncate(part, 0);
                    have = 0;
                }
                if (meta.size() >= 0 && have == meta.size()) break;
                try {
                    if (transfer(meta, part, have, label)) break;
                    lastFailure = "the transfer ended early";
                } catch (RetryableException e) {
                    lastFailure = e.getMessage();
                }
                long now = Files.isRegularFile(part) ? Files.size(part) : 0;
                triesWithoutProgress = now > have ? 0 : triesWithoutProgress + 1;
                if (triesWithoutProgress >= MAX_TRIES) {
                    throw new WeightsException("the download of " + meta.file() + " of " + repo + " from " + meta.location()
                            + " failed " + MAX_TRIES + " times in a row (" + lastFailure + "); run again to resume from "
                            + part + ".");
                }
                pause(triesWithoutProgress);
            }
            verify(repo, meta, part);
            HubCache.moveAtomically(part, blob);
        }
    }

    /** A failure worth another attempt: a dropped connection, a 5xx, a 429. */
    private static final class RetryableException extends Exception {
        RetryableException(String message) {
            super(message);
        }
    }

    /**
     * One GET of the rest of the file from {@code have}; appends to {@code part}. True when the file is complete
     * as far as the server's answer tells.
     */
    private boolean transfer(FileMeta meta, Path part, long have, String label) throws IOException, RetryableException {
        URI url = meta.location();
        HttpResponse<InputStream> r;
        int hops = 0;
        while (true) {
            URI current = url;
            try {
                r = http.send(request(current, have).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new RetryableException(reason(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WeightsException("the download of " + meta.file() + " was interrupted.", e);
            }
            Optional<String> location = r.headers().firstValue("Location");
            if (r.statusCode() >= 300 && r.statusCode() < 400 && location.isPresent() && hops++ < MAX_REDIRECTS) {
                r.body().close();
                url = current.resolve(location.get());
                continue;
            }
            break;
        }
        try (InputStream in = r.body()) {
            int code = r.statusCode();
            long start;
            if (code == 206) {
                Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
                start = m.matches() ? Long.parseLong(m.group(1)) : -1;
                if (start != have) {
                    truncate(part, 0);
                    throw new RetryableException("the server answered a range request with Content-Range \""
                            + r.headers().firstValue("Content-Range").orElse("") + "\", starting over");
                }
            } else if (code == 200) {
                start = 0; // the server ignored the range (or none was asked): the body is the whole file
            } else if (code == 416) {
                Matcher m = UNSATISFIED_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
                long total = meta.size() >= 0 ? meta.size() : m.matches() ? Long.parseLong(m.group(1)) : -1;
                if (total == have) return true;
                truncate(part, 0);
                throw new RetryableException("the server refused to resume at byte " + have + ", starting over");
            } else if (code >= 500 || code == 429 || code == 408) {
                throw new RetryableException("HTTP " + code);
            } else {
                throw new WeightsException("the download of " + meta.file() + " from " + url + " failed with HTTP " + code + ".");
            }
            long expectedEnd = meta.size() >= 0 ? meta.size()
                    : r.headers().firstValueAsLong("Content-Length").orElse(-1) >= 0
                    ? start + r.headers().firstValueAsLong("Content-Length").getAsLong() : -1;
            DownloadProgress bar = new DownloadProgress(progress, label, expectedEnd, start);
            long position = start;
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                out.truncate(start);
                out.position(start);
                byte[] buf = new byte[1 << 16];
                ByteBuffer wrap = ByteBuffer.wrap(buf);
                int n;
                try (StallWatch watch = new StallWatch(requestTimeout)) {
                    try {
                        while ((n = in.read(buf)) >= 0) {
                            watch.alive();
                            wrap.clear().limit(n);
                            while (wrap.hasRemaining()) out.write(wrap);
                            position += n;
                            bar.update(position);
                        }
                    } catch (IOException e) {
                        throw new RetryableException(watch.stalled()
                                ? "no data for " + requestTimeout.toSeconds() + " s" : reason(e));
                    }
                }
            }
            bar.done(position);
            return expectedEnd < 0 || position >= expectedEnd;
        }
    }

    /**
     * The JDK's HTTP client has no read timeout: a connection that stops sending would block a read forever. This
     * watch interrupts the reading thread when no byte arrived for the timeout (the blocked read then fails with an
     * IOException and the transfer is retried from where it stopped), and clears that interrupt when it closes.
     */
    private static final class StallWatch implements AutoCloseable {
        private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jtc-download-watch");
            t.setDaemon(true);
            return t;
        });

        private final Thread reader = Thread.currentThread();
        private final long limitNanos;
        private final ScheduledFuture<?> task;
        private volatile long lastByte = System.nanoTime();
        private boolean done;
        private boolean stalled;

        StallWatch(Duration limit) {
            this.limitNanos = limit.toNanos();
            long period = Math.max(10, limit.toMillis() / 4);
            this.task = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
        }

        void alive() {
            lastByte = System.nanoTime();
        }

        private synchronized void check() {
            if (!done && !stalled && System.nanoTime() - lastByte > limitNanos) {
                stalled = true;
                reader.interrupt();
            }
        }

        synchronized boolean stalled() {
            return stalled;
        }

        @Override
        public void close() {
            task.cancel(false);
            synchronized (this) {
                done = true;
                if (stalled) Thread.interrupted(); // our own interrupt, not the caller's
            }
        }
    }

    private void verify(RepoId repo, FileMeta meta, Path part) throws IOException {
        long size = Files.size(part);
        if (meta.size() >= 0 && size != meta.size()) {
            Files.deleteIfExists(part);
            throw new WeightsException("the download of " + meta.file() + " of " + repo + " has " + size + " bytes but the hub "
                    + "announced " + meta.size() + "; the partial file was removed, run again.");
        }
        String expected = meta.etag().toLowerCase(Locale.ROOT);
        String kind;
        String actual;
        if (SHA256.matcher(expected).matches()) {
            kind = "sha256";
            actual = digest(part, "SHA-256", null);
        } else if (SHA1.matcher(expected).matches()) {
            kind = "git blob sha1";
            actual = digest(part, "SHA-1", ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        } else {
            return; // not a content hash (some mirrors send other ETags): nothing to check against
        }
        if (!actual.equals(expected)) {
            Files.deleteIfExists(part);
            throw new WeightsException("the download of " + meta.file() + " of " + repo + " is corrupt: its " + kind + " is "
                    + actual + " but the hub's ETag says " + expected + "; the partial file was removed, run again.");
        }
    }

    static String digest(Path file, String algorithm, byte[] prefix) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
        if (prefix != null) md.update(prefix);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(buf) >= 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private HttpRequest.Builder request(URI url, long rangeFrom) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .timeout(requestTimeout)
                .header("User-Agent", "jtc/0.1 (Java " + Runtime.version().feature() + ")")
                // An identity encoding keeps ETags strong and sizes exact.
                .header("Accept-Encoding", "identity");
        if (rangeFrom > 0) b.header("Range", "bytes=" + rangeFrom + "-");
        if (settings.token().isPresent() && sameOrigin(url, settings.endpoint())) {
            b.header("Authorization", "Bearer " + settings.token().get());
        }
        return b;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private interface Call<T> {
        HttpResponse<T> send() throws IOException, InterruptedException;
    }

    /** Metadata requests: connection failures are retried briefly, then reported as an unreachable hub. */
    private <T> HttpResponse<T> withRetries(URI url, Call<T> call) {
        IOException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                HttpResponse<T> r = call.send();
                if ((r.statusCode() >= 500 || r.statusCode() == 429) && attempt == 0) {
                    pause(1);
                    continue;
                }
                return r;
            } catch (IOException e) {
                last = e;
                if (attempt == 0) pause(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WeightsException("the request for " + url + " was interrupted.", e);
            }
        }
        if (last == null) {
            throw new WeightsException("the hub answered a server error twice for " + url + "; try again later.");
        }
        throw new UnreachableException(reason(last), last);
    }

    /** A short reason for a network failure; the JDK leaves some messages empty. */
    static String reason(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null && s.isEmpty(); t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) s.append(t.getMessage().strip());
        }
        String name = e.getClass().getSimpleName();
        if (!s.isEmpty()) return name + ": " + s;
        return switch (e) {
            case java.net.http.HttpConnectTimeoutException t -> "the connection timed out";
            case java.net.ConnectException c -> "ConnectException: the connection was refused or there is no route to the host";
            default -> name;
        };
    }

    private void pause(int tries) {
        try {
            Thread.sleep(retryPauseMillis * Math.min(8, 1L << Math.max(0, tries - 1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeightsException("the download was interrupted.", e);
        }
    }

    private static void truncate(Path part, long size) throws IOException {
        if (!Files.exists(part)) return;
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    /** {@code <endpoint>/<repo>/resolve/<revision>/<file>}, revision fully escaped ("refs/pr/1"), file keeping its '/'. */
    URI resolveUrl(String repo, String revision, String file) {
        return URI.create(settings.endpoint() + "/" + repo + "/resolve/" + escape(revision, false) + "/" + escape(file, true));
    }

    static String escape(String s, boolean keepSlash) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
                    || c == '~' || (keepSlash && c == '/')) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }
}
