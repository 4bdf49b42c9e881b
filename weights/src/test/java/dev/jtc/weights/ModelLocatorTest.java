package dev.jtc.weights;

import dev.jtc.weights.LocatedModel.Origin;
import dev.jtc.weights.LocatedModel.WeightFormat;
import dev.jtc.weights.hub.FakeHub;
import dev.jtc.weights.hub.HubSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelLocatorTest {

    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path tmp;

    HubSettings offline(Path cache) {
        return new HubSettings(cache, URI.create(HubSettings.DEFAULT_ENDPOINT), Optional.empty(), true, false);
    }

    Path hfDir(String weightsFile) throws IOException {
        Path d = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(d.resolve("config.json"), "{}");
        Files.write(d.resolve(weightsFile), new byte[8]);
        return d;
    }

    @Test
    void directoryInHuggingFaceLayout() throws IOException {
        Path d = hfDir("model.safetensors");
        LocatedModel m = ModelLocator.locate(d.toString(), offline(tmp.resolve("cache")), null);
        assertEquals(new LocatedModel(d.toString(), Origin.LOCAL_DIRECTORY, d, d.resolve("model.safetensors"), WeightFormat.SAFETENSORS), m);
    }

    @Test
    void shardedDirectory() throws IOException {
        Path d = hfDir("model.safetensors.index.json");
        LocatedModel m = ModelLocator.locate(d.toString(), offline(tmp.resolve("cache")), null);
        assertEquals(WeightFormat.SAFETENSORS_SHARDED, m.format());
        assertEquals(d.resolve("model.safetensors.index.json"), m.weights());
    }

    @Test
    void tensorFlowSavedModelDirectory() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("bert/variables"));
        Files.write(d.resolve("variables.index"), new byte[1]);
        LocatedModel m = ModelLocator.locate(tmp.resolve("bert").toString(), offline(tmp.resolve("cache")), null);
        assertEquals(WeightFormat.TF_BUNDLE, m.format());
        assertEquals(tmp.resolve("bert/variables/variables"), m.weights());
    }

    @Test
    void safetensorsFileStandsForItsDirectory() throws IOException {
        Path d = hfDir("model.safetensors");
        LocatedModel m = ModelLocator.locate(d.resolve("model.safetensors").toString(), offline(tmp.resolve("cache")), null);
        assertEquals(d, m.directory());
        assertEquals(WeightFormat.SAFETENSORS, m.format());
    }

    @Test
    void directoryWithoutAModelSaysWhatIsExpected() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("empty"));
        WeightsException e = assertThrows(WeightsException.class, () -> ModelLocator.locate(d.toString(), offline(tmp), null));
        assertTrue(e.getMessage().contains(d.toString()) && e.getMessage().contains("config.json")
                && e.getMessage().contains("model.safetensors"), e.getMessage());
        Path pt = hfDir("pytorch_model.bin");
        WeightsException p = assertThrows(WeightsException.class, () -> ModelLocator.locate(pt.toString(), offline(tmp), null));
        assertTrue(p.getMessage().contains("safetensors form"), p.getMessage());
    }

    @Test
    void missingDirectoryIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelLocator.locate("./no/such/dir", offline(tmp), null));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void nonsenseIsNeitherPathNorId() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelLocator.locate("a/b/c", offline(tmp), null));
        assertTrue(e.getMessage().contains("neither"), e.getMessage());
    }

    /** Builds the layout huggingface_hub leaves behind: refs/main, blobs/, snapshots/<commit>/ with relative links. */
    Path pythonStyleCache(String repoFolder, boolean withWeights) throws IOException {
        Path cache = tmp.resolve("hub");
        Path repo = Files.createDirectories(cache.resolve(repoFolder));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT);
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        Path snap = Files.createDirectories(repo.resolve("snapshots/" + COMMIT));
        Files.writeString(blobs.resolve("aaaa"), TinyModels.gpt2Config(1, 4, 2, 8, 8));
        Files.createSymbolicLink(snap.resolve("config.json"), Path.of("../../blobs/aaaa"));
        if (withWeights) {
            Files.write(blobs.resolve("bbbb"), TinyModels.safetensors(TinyModels.gpt2Shapes(1, 4, 8, 8), 1));
            Files.createSymbolicLink(snap.resolve("model.safetensors"), Path.of("../../blobs/bbbb"));
        }
        return cache;
    }

    @Test
    void findsAModelInTheHuggingFaceCache() throws IOException {
        Path cache = pythonStyleCache("models--openai-community--gpt2", true);
        Path snap = cache.resolve("models--openai-community--gpt2/snapshots/" + COMMIT);
        for (String spec : List.of("openai-community/gpt2", "openai-community/gpt2@main", "openai-community/gpt2@" + COMMIT)) {
            LocatedModel m = ModelLocator.locate(spec, offline(cache), null);
            assertEquals(Origin.HF_CACHE, m.origin(), spec);
            assertEquals(snap, m.directory(), spec);
            assertEquals(snap.resolve("model.safetensors"), m.weights(), spec);
            assertTrue(m.file("config.json").isPresent(), spec);
        }
    }

    @Test
    void aCacheRepositoryFolderStandsForItsMainSnapshot() throws IOException {
        Path cache = pythonStyleCache("models--gpt2", true);
        LocatedModel m = ModelLocator.locate(cache.resolve("models--gpt2").toString(), offline(tmp.resolve("elsewhere")), null);
        assertEquals(cache.resolve("models--gpt2/snapshots/" + COMMIT), m.directory());
        assertEquals(Origin.HF_CACHE, m.origin());
    }

    @Test
    void unknownIdOfflineIsOneSentenceNamingTheCache() throws IOException {
        Path cache = pythonStyleCache("models--gpt2", false);
        WeightsException e = assertThrows(WeightsException.class, () -> ModelLocator.locate("gpt2", offline(cache), null));
        assertTrue(e.getMessage().contains("neither a directory, a built-in model id, nor complete in the Hugging Face cache at "
                + cache.resolve("models--gpt2/snapshots/" + COMMIT)) && e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
        WeightsException other = assertThrows(WeightsException.class, () -> ModelLocator.locate("acme/other", offline(cache), null));
        assertTrue(other.getMessage().contains("in the Hugging Face cache at " + cache.resolve("models--acme--other")),
                other.getMessage());
    }

    @Test
    void unreachableHubIsOneSentence() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HubSettings dead = new HubSettings(tmp.resolve("hub"), URI.create("http://127.0.0.1:" + port), Optional.empty(), false, false);
        WeightsException e = assertThrows(WeightsException.class, () -> ModelLocator.locate("gpt2", dead, null));
        assertTrue(e.getMessage().contains("could not be reached") && e.getMessage().contains("127.0.0.1:" + port)
                && e.getMessage().contains(tmp.resolve("hub").resolve("models--gpt2").toString()), e.getMessage());
    }

    @Test
    void downloadsFromTheHubThenFindsItOffline() throws IOException {
        try (FakeHub hub = new FakeHub()) {
            byte[] weights = TinyModels.safetensors(TinyModels.gpt2Shapes(1, 8, 16, 8), 3);
            String commit = hub.add("acme/tiny", Map.of(
                    "config.json", TinyModels.gpt2Config(1, 8, 2, 16, 8).getBytes(StandardCharsets.UTF_8),
                    "model.safetensors", weights), List.of("model.safetensors"));
            Path cache = tmp.resolve("hub");
            HubSettings online = new HubSettings(cache, hub.endpoint(), Optional.empty(), false, false);
            LocatedModel m = ModelLocator.locate("acme/tiny", online, null);
            assertEquals(Origin.HF_HUB, m.origin());
            assertEquals(cache.resolve("models--acme--tiny/snapshots/" + commit), m.directory());
            assertEquals(WeightFormat.SAFETENSORS, m.format());

            LocatedModel again = ModelLocator.locate("acme/tiny", online.withOffline(true), null);
            assertEquals(Origin.HF_CACHE, again.origin());
            assertEquals(m.weights(), again.weights());
        }
    }

    @Test
    void settingsFollowHuggingFaceHubsVariables() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/home/u/.cache/huggingface/hub"), HubSettings.from(Map.of(), home).cache());
        assertEquals(Path.of("/x/huggingface/hub"), HubSettings.from(Map.of("XDG_CACHE_HOME", "/x"), home).cache());
        assertEquals(Path.of("/h/hub"), HubSettings.from(Map.of("XDG_CACHE_HOME", "/x", "HF_HOME", "/h"), home).cache());
        assertEquals(Path.of("/c"), HubSettings.from(Map.of("HF_HOME", "/h", "HF_HUB_CACHE", "/c"), home).cache());
        HubSettings s = HubSettings.from(Map.of("HF_HUB_OFFLINE", "1", "HF_ENDPOINT", "https://mirror.example/", "HF_TOKEN", "t"), home);
        assertTrue(s.offline());
        assertEquals(URI.create("https://mirror.example"), s.endpoint());
        assertEquals(Optional.of("t"), s.token());
        assertTrue(!HubSettings.from(Map.of("HF_HUB_OFFLINE", "0"), home).offline());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HubSettings.from(Map.of("HF_ENDPOINT", "huggingface.co"), home));
        assertTrue(e.getMessage().contains("HF_ENDPOINT"), e.getMessage());
    }
}
