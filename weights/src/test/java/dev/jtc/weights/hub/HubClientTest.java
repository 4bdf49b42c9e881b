package dev.jtc.weights.hub;

import dev.jtc.weights.TinyModels;
import dev.jtc.weights.WeightsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HubClientTest {

    @TempDir
    Path cacheRoot;

    FakeHub hub;
    byte[] config;
    byte[] weights;
    byte[] vocab;
    byte[] merges;
    String commit;

    @BeforeEach
    void serveTinyGpt2() throws IOException {
        hub = new FakeHub();
        config = TinyModels.gpt2Config(2, 16, 2, 64, 32).getBytes(StandardCharsets.UTF_8);
        weights = TinyModels.safetensors(TinyModels.gpt2Shapes(2, 16, 64, 32), 7);
        vocab = "{\"!\": 0, \"\\\"\": 1}".getBytes(StandardCharsets.UTF_8);
        merges = "#version: 0.2\nĠ t\n".getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", config);
        files.put("model.safetensors", weights);
        files.put("vocab.json", vocab);
        files.put("merges.txt", merges);
        commit = hub.add("acme/tiny-gpt2", files, List.of("model.safetensors"));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    HubSettings settings(Optional<String> token) {
        return new HubSettings(cacheRoot, hub.endpoint(), token, false, false);
    }

    HubClient client() {
        return client(Optional.empty());
    }

    HubClient client(Optional<String> token) {
        return new HubClient(settings(token), null, Duration.ofSeconds(5), Duration.ofSeconds(10), 10);
    }

    @Test
    void downloadsIntoTheHuggingFaceCacheLayout() throws IOException {
        Path snapshot = client().download(RepoId.parse("acme/tiny-gpt2"));

        Path repoDir = cacheRoot.resolve("models--acme--tiny-gpt2");
        assertEquals(repoDir.resolve("snapshots").resolve(commit), snapshot);
        assertEquals(commit, Files.readString(repoDir.resolve("refs/main")));
        // LFS file: blob named by sha256; git file: by git blob sha1; snapshot entries are relative symlinks.
        String sha = FakeHub.sha256(weights);
        assertTrue(Files.isSymbolicLink(snapshot.resolve("model.safetensors")));
        assertEquals(Path.of("../../blobs/" + sha), Files.readSymbolicLink(snapshot.resolve("model.safetensors")));
        assertEquals(Path.of("../../blobs/" + FakeHub.gitSha1(config)), Files.readSymbolicLink(snapshot.resolve("config.json")));
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
        assertArrayEquals(config, Files.readAllBytes(snapshot.resolve("config.json")));
        assertArrayEquals(vocab, Files.readAllBytes(snapshot.resolve("vocab.json")));
        assertArrayEquals(merges, Files.readAllBytes(snapshot.resolve("merges.txt")));
        assertFalse(Files.exists(snapshot.resolve("tokenizer.json")), "absent optional files are skipped");
        try (var blobs = Files.list(repoDir.resolve("blobs"))) {
            assertTrue(blobs.noneMatch(p -> p.toString().endsWith(".incomplete")));
        }
        // The weights came from the CDN, fetched once, without a range.
        List<FakeHub.Seen> gets = hub.seen("cdn", "GET");
        assertEquals(1, gets.size());
        assertNull(gets.getFirst().range());
    }

    @Test
    void secondDownloadReusesTheBlobs() {
        client().download(RepoId.parse("acme/tiny-gpt2"));
        int before = hub.seen("cdn", "GET").size() + hub.seen("hub", "GET").size();
        client().download(RepoId.parse("acme/tiny-gpt2@" + commit));
        assertEquals(before, hub.seen("cdn", "GET").size() + hub.seen("hub", "GET").size());
    }

    @Test
    void twoThreadsDownloadingTheSameModelFetchItOnce() throws Exception {
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            var a = pool.submit(() -> client().download(RepoId.parse("acme/tiny-gpt2")));
            var b = pool.submit(() -> client().download(RepoId.parse("acme/tiny-gpt2")));
            assertEquals(a.get(), b.get());
            assertArrayEquals(weights, Files.readAllBytes(a.get().resolve("model.safetensors")));
        }
        assertEquals(1, hub.seen("cdn", "GET").size());
        assertTrue(Files.isRegularFile(cacheRoot.resolve(".locks/models--acme--tiny-gpt2/" + FakeHub.sha256(weights) + ".lock")));
    }

    @Test
    void resumesACutTransferWithARangeRequest() throws IOException {
        String sha = FakeHub.sha256(weights);
        hub.cutAfter = 3000;
        hub.cutOnce = sha;
        Path snapshot = client().download(RepoId.parse("acme/tiny-gpt2"));

        List<FakeHub.Seen> gets = hub.seen("cdn", "GET");
        assertEquals(2, gets.size(), "one cut transfer and one resumed transfer");
        assertNull(gets.get(0).range());
        String range = gets.get(1).range();
        assertTrue(range != null && range.matches("bytes=\\d+-"), "the second request asks for the rest: " + range);
        long from = Long.parseLong(range.substring(6, range.length() - 1));
        assertTrue(from > 0 && from <= 3000, "resumed at " + from);
        assertEquals(sha, FakeHub.sha256(Files.readAllBytes(snapshot.resolve("model.safetensors"))));
    }

    @Test
    void resumeWorksWhenTheServerIgnoresTheRange() throws IOException {
        hub.ignoreRange = true;
        hub.cutAfter = 2500;
        hub.cutOnce = FakeHub.sha256(weights);
        Path snapshot = client().download(RepoId.parse("acme/tiny-gpt2"));
        assertEquals(2, hub.seen("cdn", "GET").size());
        assertTrue(hub.seen("cdn", "GET").get(1).range() != null);
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
    }

    @Test
    void aStalledTransferIsAbandonedAndResumed() throws IOException {
        hub.cutAfter = 1000;
        hub.cutOnce = FakeHub.sha256(weights);
        hub.stallMillis = 5000;
        HubClient impatient = new HubClient(settings(Optional.empty()), null, Duration.ofSeconds(5), Duration.ofMillis(300), 10);
        long t0 = System.nanoTime();
        Path snapshot = impatient.download(RepoId.parse("acme/tiny-gpt2"));
        assertTrue(System.nanoTime() - t0 < 4_000_000_000L, "gave up on the silent connection before the server did");
        List<FakeHub.Seen> gets = hub.seen("cdn", "GET");
        assertEquals(2, gets.size());
        assertTrue(gets.get(1).range() != null && gets.get(1).range().startsWith("bytes="), gets.get(1).range());
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
        assertFalse(Thread.currentThread().isInterrupted(), "the watch's interrupt does not leak to the caller");
    }

    @Test
    void resumesAPartialFileLeftByAnEarlierRun() throws IOException {
        String sha = FakeHub.sha256(weights);
        Path blobs = Files.createDirectories(cacheRoot.resolve("models--acme--tiny-gpt2/blobs"));
        byte[] head = new byte[1234];
        System.arraycopy(weights, 0, head, 0, head.length);
        Files.write(blobs.resolve(sha + ".incomplete"), head);

        Path snapshot = client().download(RepoId.parse("acme/tiny-gpt2"));
        assertEquals("bytes=1234-", hub.seen("cdn", "GET").getFirst().range());
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
    }

    @Test
    void wrongChecksumFailsNamingTheFileAndLeavesNothingBehind() throws IOException {
        String sha = FakeHub.sha256(weights);
        byte[] bad = weights.clone();
        bad[bad.length / 2] ^= 1;
        hub.corrupt.put(sha, bad);

        WeightsException e = assertThrows(WeightsException.class, () -> client().download(RepoId.parse("acme/tiny-gpt2")));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("sha256")
                && e.getMessage().contains(sha), e.getMessage());
        Path blobs = cacheRoot.resolve("models--acme--tiny-gpt2/blobs");
        assertFalse(Files.exists(blobs.resolve(sha)));
        assertFalse(Files.exists(blobs.resolve(sha + ".incomplete")));

        hub.corrupt.clear(); // the next run starts clean and succeeds
        Path snapshot = client().download(RepoId.parse("acme/tiny-gpt2"));
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
    }

    @Test
    void missingWeightsAreOneSentence() {
        hub.add("acme/no-weights", Map.of("config.json", config, "pytorch_model.bin", new byte[10]), List.of());
        WeightsException e = assertThrows(WeightsException.class, () -> client().download(RepoId.parse("acme/no-weights")));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("acme/no-weights"), e.getMessage());
    }

    @Test
    void missingConfigIsOneSentence() {
        hub.add("acme/no-config", Map.of("model.safetensors", weights), List.of("model.safetensors"));
        WeightsException e = assertThrows(WeightsException.class, () -> client().download(RepoId.parse("acme/no-config")));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("acme/no-config"), e.getMessage());
    }

    @Test
    void unknownRepositoryAndRevisionAreNamed() {
        WeightsException repo = assertThrows(WeightsException.class, () -> client().download(RepoId.parse("acme/nothing")));
        assertTrue(repo.getMessage().contains("acme/nothing") && repo.getMessage().contains("HF_TOKEN"), repo.getMessage());
        WeightsException rev = assertThrows(WeightsException.class, () -> client().download(RepoId.parse("acme/tiny-gpt2@v9")));
        assertTrue(rev.getMessage().contains("no revision v9"), rev.getMessage());
    }

    @Test
    void shardedWeightsBringEveryShard() throws IOException {
        byte[] s1 = TinyModels.safetensors(Map.of("wte.weight", new long[]{64, 16}), 1);
        byte[] s2 = TinyModels.safetensors(Map.of("wpe.weight", new long[]{32, 16}), 2);
        String index = "{\"metadata\":{\"total_size\":6144},\"weight_map\":{"
                + "\"wte.weight\":\"model-00001-of-00002.safetensors\",\"wpe.weight\":\"model-00002-of-00002.safetensors\"}}";
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", config);
        files.put("model.safetensors.index.json", index.getBytes(StandardCharsets.UTF_8));
        files.put("model-00001-of-00002.safetensors", s1);
        files.put("model-00002-of-00002.safetensors", s2);
        hub.add("acme/sharded", files, List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"));

        Path snapshot = client().download(RepoId.parse("acme/sharded"));
        assertArrayEquals(s1, Files.readAllBytes(snapshot.resolve("model-00001-of-00002.safetensors")));
        assertArrayEquals(s2, Files.readAllBytes(snapshot.resolve("model-00002-of-00002.safetensors")));
    }

    @Test
    void indexPointingOutsideTheSnapshotIsRefused() {
        String index = "{\"weight_map\":{\"wte.weight\":\"../../../evil.safetensors\"}}";
        hub.add("acme/evil", Map.of("config.json", config, "model.safetensors.index.json",
                index.getBytes(StandardCharsets.UTF_8)), List.of());
        WeightsException e = assertThrows(WeightsException.class, () -> client().download(RepoId.parse("acme/evil")));
        assertTrue(e.getMessage().contains("wte.weight"), e.getMessage());
    }

    @Test
    void tokenGoesToTheHubButNotToTheCdn() {
        client(Optional.of("hf_secret")).download(RepoId.parse("acme/tiny-gpt2"));
        assertTrue(hub.seen("hub", "HEAD").stream().allMatch(s -> "Bearer hf_secret".equals(s.authorization())));
        assertTrue(hub.seen("cdn", "GET").stream().allMatch(s -> s.authorization() == null));
    }

    @Test
    void followsTheHubsRelativeRedirectOfARenamedRepository() throws IOException {
        hub.rename("oldorg/tiny-gpt2", "acme/tiny-gpt2");
        Path snapshot = client().download(RepoId.parse("oldorg/tiny-gpt2"));
        assertTrue(snapshot.startsWith(cacheRoot.resolve("models--oldorg--tiny-gpt2")));
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));
    }

    @Test
    void unreachableEndpointIsReportedAsSuch() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HubSettings dead = new HubSettings(cacheRoot, URI.create("http://127.0.0.1:" + port), Optional.empty(), false, false);
        HubClient c = new HubClient(dead, null, Duration.ofSeconds(2), Duration.ofSeconds(2), 10);
        HubClient.UnreachableException e = assertThrows(HubClient.UnreachableException.class,
                () -> c.download(RepoId.parse("gpt2")));
        assertTrue(e.getMessage().contains("ConnectException"), e.getMessage());
    }

    @Test
    void digestsAgreeWithGitAndSha256sum() throws IOException {
        // Known values: `printf 'hello\n' | git hash-object --stdin` and `printf 'hello\n' | sha256sum`.
        Path f = Files.writeString(cacheRoot.resolve("hello"), "hello\n");
        assertEquals("ce013625030ba8dba906f756967f9e9ca394464a",
                HubClient.digest(f, "SHA-1", "blob 6\0".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", HubClient.digest(f, "SHA-256", null));
    }

    @Test
    void etagsLoseQuotesAndWeakMarks() {
        assertEquals("abc", HubClient.normalizeEtag("W/\"abc\""));
        assertEquals("abc", HubClient.normalizeEtag("\"abc\""));
        assertEquals("abc", HubClient.normalizeEtag("abc"));
    }

    @Test
    void resolveUrlsEscapeTheRevisionButKeepFolders() {
        URI u = client().resolveUrl("acme/tiny-gpt2", "refs/pr/1", "onnx/model file.json");
        assertEquals(hub.endpoint() + "/acme/tiny-gpt2/resolve/refs%2Fpr%2F1/onnx/model%20file.json", u.toString());
    }
}
