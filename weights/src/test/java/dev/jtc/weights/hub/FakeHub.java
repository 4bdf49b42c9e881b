package dev.jtc.weights.hub;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for huggingface.co on 127.0.0.1, answering the way the hub does (observed with huggingface_hub):
 * {@code /<repo>/resolve/<revision>/<file>} gives, for a small (git) file, 200 with {@code ETag} = git blob sha1,
 * {@code X-Repo-Commit} and {@code Content-Length}; for an LFS file, 302 to a second server (the "CDN", another
 * port, so another origin) with {@code X-Linked-Etag} = sha256, {@code X-Linked-Size}, {@code X-Repo-Commit} and an
 * {@code ETag} of the pointer file. Missing files give 404 {@code EntryNotFound}, unknown repos 401
 * {@code RepoNotFound}, unknown revisions 404 {@code RevisionNotFound}. The CDN honours {@code Range} with 206
 * and {@code Content-Range}. Faults can be switched on: cut a file once after some bytes, ignore ranges, serve
 * other bytes than announced.
 */
public final class FakeHub implements AutoCloseable {

    /** One request as the servers saw it. */
    public record Seen(String server, String method, String path, String range, String authorization) {
    }

    record Repo(String commit, Map<String, byte[]> files, Map<String, Boolean> lfs) {
    }

    private final HttpServer hub;
    private final HttpServer cdn;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    private final Map<String, byte[]> cdnBlobs = new ConcurrentHashMap<>();
    public final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());

    /** When set, the next CDN transfer of this sha256 stops after {@link #cutAfter} bytes and drops the connection. */
    public volatile String cutOnce;
    public volatile int cutAfter;
    public volatile boolean ignoreRange;
    /** When set with {@link #cutOnce}, the cut transfer stops sending but keeps the connection open this long. */
    public volatile long stallMillis;
    /** sha256 → bytes to serve instead of the real ones (a corrupt CDN). */
    public final Map<String, byte[]> corrupt = new ConcurrentHashMap<>();

    public FakeHub() throws IOException {
        hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Handlers run on their own threads, so a stalled transfer does not block the next request.
        hub.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        cdn.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        hub.createContext("/", this::hub);
        cdn.createContext("/", this::cdn);
        hub.start();
        cdn.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
    }

    /** Adds a repository; {@code lfs} names the files stored through LFS. Returns its commit hash. */
    public String add(String name, Map<String, byte[]> files, List<String> lfs) {
        String commit = hex(sha("SHA-1", (name + files.keySet()).getBytes(StandardCharsets.UTF_8)));
        Map<String, Boolean> isLfs = new LinkedHashMap<>();
        for (String f : files.keySet()) isLfs.put(f, lfs.contains(f));
        repos.put(name, new Repo(commit, new LinkedHashMap<>(files), isLfs));
        for (String f : lfs) cdnBlobs.put(sha256(files.get(f)), files.get(f));
        return commit;
    }

    /** Requests for {@code oldName} are redirected (relative 307) to {@code newName}, as after a rename. */
    public void rename(String oldName, String newName) {
        renamed.put(oldName, newName);
    }

    public List<Seen> seen(String server, String method) {
        synchronized (seen) {
            return seen.stream().filter(s -> s.server.equals(server) && s.method.equals(method)).toList();
        }
    }

    public static String sha256(byte[] b) {
        return hex(sha("SHA-256", b));
    }

    /** git's object id of a blob: sha1 over "blob <size>\0" and the content. */
    public static String gitSha1(byte[] b) {
        byte[] head = ("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + b.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(b, 0, all, head.length, b.length);
        return hex(sha("SHA-1", all));
    }

    private static final Pattern RESOLVE = Pattern.compile("/(.+?)/resolve/([^/]+)/(.+)");

    private void hub(HttpExchange ex) throws IOException {
        try (ex) {
            String rawPath = ex.getRequestURI().getRawPath();
            record(ex, "hub");
            Matcher m = RESOLVE.matcher(rawPath);
            if (!m.matches()) {
                send(ex, 404, new Headers(), new byte[0]);
                return;
            }
            String name = m.group(1);
            String revision = java.net.URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
            String file = java.net.URLDecoder.decode(m.group(3), StandardCharsets.UTF_8);
            if (renamed.containsKey(name)) {
                Headers h = new Headers();
                h.add("Location", "/" + renamed.get(name) + "/resolve/" + m.group(2) + "/" + m.group(3));
                send(ex, 307, h, new byte[0]);
                return;
            }
            Repo repo = repos.get(name);
            Headers h = new Headers();
            if (repo == null) {
                h.add("X-Error-Code", "RepoNotFound");
                send(ex, 401, h, new byte[0]);
                return;
            }
            if (!revision.equals("main") && !revision.equals(repo.commit)) {
                h.add("X-Error-Code", "RevisionNotFound");
                send(ex, 404, h, new byte[0]);
                return;
            }
            h.add("X-Repo-Commit", repo.commit);
            byte[] content = repo.files.get(file);
            if (content == null) {
                h.add("X-Error-Code", "EntryNotFound");
                send(ex, 404, h, new byte[0]);
                return;
            }
            if (repo.lfs.get(file)) {
                String sha = sha256(content);
                String pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + sha + "\nsize " + content.length + "\n";
                h.add("ETag", "\"" + gitSha1(pointer.getBytes(StandardCharsets.UTF_8)) + "\"");
                h.add("X-Linked-Etag", "\"" + sha + "\"");
                h.add("X-Linked-Size", Long.toString(content.length));
                h.add("Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/blobs/" + sha + "?signed=yes");
                send(ex, 302, h, new byte[0]);
                return;
            }
            h.add("ETag", "\"" + gitSha1(content) + "\"");
            send(ex, 200, h, content);
        }
    }

    private void cdn(HttpExchange ex) throws IOException {
        try (ex) {
            record(ex, "cdn");
            String sha = ex.getRequestURI().getPath().substring("/blobs/".length());
            byte[] content = cdnBlobs.get(sha);
            if (content == null) {
                send(ex, 404, new Headers(), new byte[0]);
                return;
            }
            content = corrupt.getOrDefault(sha, content);
            Headers h = new Headers();
            h.add("ETag", "\"cdn-" + sha.substring(0, 8) + "\"");
            String range = ex.getRequestHeaders().getFirst("Range");
            int from = 0;
            int code = 200;
            if (range != null && !ignoreRange) {
                Matcher r = Pattern.compile("bytes=(\\d+)-").matcher(range);
                if (!r.matches()) throw new IllegalStateException("unexpected Range " + range);
                from = Integer.parseInt(r.group(1));
                if (from >= content.length) {
                    h.add("Content-Range", "bytes */" + content.length);
                    send(ex, 416, h, new byte[0]);
                    return;
                }
                code = 206;
                h.add("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            }
            if (sha.equals(cutOnce) && ex.getRequestMethod().equals("GET")) {
                cutOnce = null;
                ex.getResponseHeaders().putAll(h);
                ex.sendResponseHeaders(code, content.length - from);
                OutputStream out = ex.getResponseBody();
                out.write(content, from, Math.min(cutAfter, content.length - from));
                out.flush();
                if (stallMillis > 0) {
                    try {
                        Thread.sleep(stallMillis); // a silent connection, not a closed one
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                // Closing with bytes still owed makes the server drop the connection: a transfer cut mid-file.
                return;
            }
            byte[] body = new byte[content.length - from];
            System.arraycopy(content, from, body, 0, body.length);
            send(ex, code, h, body);
        }
    }

    private void record(HttpExchange ex, String server) {
        seen.add(new Seen(server, ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                ex.getRequestHeaders().getFirst("Range"), ex.getRequestHeaders().getFirst("Authorization")));
    }

    private static void send(HttpExchange ex, int code, Headers h, byte[] body) throws IOException {
        ex.getResponseHeaders().putAll(h);
        if (ex.getRequestMethod().equals("HEAD")) {
            // The hub reports the size on HEAD too; the JDK server then sends no body.
            if (code == 200) ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(code, -1);
            return;
        }
        ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) ex.getResponseBody().write(body);
    }

    private static byte[] sha(String alg, byte[] b) {
        try {
            return MessageDigest.getInstance(alg).digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }
}
