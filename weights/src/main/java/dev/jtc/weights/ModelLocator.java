package dev.jtc.weights;

import dev.jtc.weights.LocatedModel.Origin;
import dev.jtc.weights.LocatedModel.WeightFormat;
import dev.jtc.weights.builtin.BuiltinModels;
import dev.jtc.weights.hub.HubCache;
import dev.jtc.weights.hub.HubClient;
import dev.jtc.weights.hub.HubSettings;
import dev.jtc.weights.hub.RepoId;
import dev.jtc.weights.hub.ShardIndex;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Finds a model from what the user typed, in this order:
 * <ol>
 *   <li>an existing directory in Hugging Face layout ({@code config.json} with {@code model.safetensors} or
 *       {@code model.safetensors.index.json}) or a TensorFlow SavedModel ({@code variables/variables.index});
 *       a {@code .safetensors} or {@code .safetensors.index.json} file stands for its directory, and a
 *       {@code models--org--name} folder of the Hugging Face cache for the snapshot of its main branch;</li>
 *   <li>a built-in id ({@link BuiltinModels});</li>
 *   <li>a Hugging Face id ({@code gpt2}, {@code org/name}, optionally {@code @revision}) already in the local
 *       Hugging Face cache;</li>
 *   <li>that id downloaded from the hub into the same cache, unless {@code HF_HUB_OFFLINE} forbids it.</li>
 * </ol>
 * Nothing is mapped or parsed beyond what deciding needs; {@link Checkpoint} opens what this finds.
 */
public final class ModelLocator {

    static final String CONFIG = "config.json";
    static final String SAFETENSORS = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";

    private ModelLocator() {
    }

    /** Locates {@code spec} with the environment's Hugging Face settings; download progress goes to stderr. */
    public static LocatedModel locate(String spec) {
        return locate(spec, HubSettings::fromEnvironment, System.err);
    }

    /** Locates {@code spec} with explicit hub settings; {@code progress} may be null for silence. */
    public static LocatedModel locate(String spec, HubSettings hub, PrintStream progress) {
        return locate(spec, () -> hub, progress);
    }

    /** The hub settings are read only when a directory or built-in id did not answer, so a bad HF_ENDPOINT cannot
     *  get in the way of a local model. */
    private static LocatedModel locate(String spec, Supplier<HubSettings> settings, PrintStream progress) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("the model is empty; expected a directory, a built-in model id or a "
                    + "Hugging Face id such as gpt2 or org/name.");
        }
        Path path = asPath(spec);
        if (path != null && Files.isDirectory(path)) return directory(path, spec, Origin.LOCAL_DIRECTORY);
        if (path != null && Files.isRegularFile(path)) return weightFile(path, spec);
        if (path != null && looksLikePath(spec)) {
            throw new IllegalArgumentException("the model directory " + path.toAbsolutePath().normalize() + " does not exist.");
        }
        Optional<LocatedModel> builtin = BuiltinModels.locate(spec);
        if (builtin.isPresent()) return builtin.get();
        if (!RepoId.looksLikeRepoId(spec)) {
            throw new IllegalArgumentException("\"" + spec + "\" is neither an existing directory, a built-in model id, nor a "
                    + "Hugging Face id (name, org/name or org/name@revision).");
        }
        RepoId repo = RepoId.parse(spec);
        HubSettings hub = settings.get();
        HubCache cache = new HubCache(hub.cache());
        Optional<Path> snapshot = cache.snapshot(repo);
        if (snapshot.isPresent()) {
            Optional<LocatedModel> cached = complete(snapshot.get(), spec, Origin.HF_CACHE);
            if (cached.isPresent()) return cached.get();
        }
        String notHere = "\"" + spec + "\" is neither a directory, a built-in model id, nor "
                + (snapshot.isPresent() ? "complete in the Hugging Face cache at " + snapshot.get()
                                        : "in the Hugging Face cache at " + cache.repoDir(repo));
        if (hub.offline()) {
            throw new WeightsException(notHere + ", and HF_HUB_OFFLINE is set, which forbids downloading it from " + hub.endpoint() + ".");
        }
        Path downloaded;
        try {
            downloaded = new HubClient(hub, hub.progress() ? progress : null).download(repo);
        } catch (HubClient.UnreachableException e) {
            throw new WeightsException(notHere + ", and the hub at " + hub.endpoint() + " could not be reached ("
                    + e.getMessage() + ").", e);
        }
        return complete(downloaded, spec, Origin.HF_HUB).orElseThrow(() -> new WeightsException(
                "the download of " + spec + " into " + downloaded + " is incomplete: " + layoutProblem(downloaded) + "."));
    }

    /** A local directory: Hugging Face layout or a TensorFlow SavedModel, else one sentence saying what is expected. */
    public static LocatedModel directory(Path dir, String id, Origin origin) {
        Optional<LocatedModel> m = layout(dir, id, origin);
        if (m.isEmpty() && dir.getFileName() != null && dir.getFileName().toString().startsWith("models--")) {
            // A repository folder of the Hugging Face cache itself: take the snapshot its main branch points to.
            Path ref = dir.resolve("refs").resolve(RepoId.DEFAULT_REVISION);
            try {
                if (Files.isRegularFile(ref)) {
                    String commit = Files.readString(ref).strip();
                    if (RepoId.isCommit(commit)) m = complete(dir.resolve("snapshots").resolve(commit), id, Origin.HF_CACHE);
                }
            } catch (java.io.IOException e) {
                throw new WeightsException("the Hugging Face cache entry " + ref + " could not be read: " + e.getMessage() + ".", e);
            }
        }
        return m.orElseThrow(() -> new WeightsException("the directory " + dir + " holds no model jtc "
                + "can read: " + layoutProblem(dir) + "."));
    }

    private static LocatedModel weightFile(Path file, String id) {
        String name = file.getFileName().toString();
        Path dir = file.toAbsolutePath().getParent();
        if (name.endsWith(".safetensors.index.json")) {
            return new LocatedModel(id, Origin.LOCAL_DIRECTORY, dir, file, WeightFormat.SAFETENSORS_SHARDED);
        }
        if (name.endsWith(".safetensors")) return new LocatedModel(id, Origin.LOCAL_DIRECTORY, dir, file, WeightFormat.SAFETENSORS);
        throw new IllegalArgumentException("the model " + file + " is a file but not a .safetensors or .safetensors.index.json; "
                + "expected a model directory or a safetensors file.");
    }

    private static Optional<LocatedModel> layout(Path dir, String id, Origin origin) {
        boolean config = Files.isRegularFile(dir.resolve(CONFIG));
        if (config && Files.isRegularFile(dir.resolve(SAFETENSORS))) {
            return Optional.of(new LocatedModel(id, origin, dir, dir.resolve(SAFETENSORS), WeightFormat.SAFETENSORS));
        }
        if (config && Files.isRegularFile(dir.resolve(INDEX))) {
            return Optional.of(new LocatedModel(id, origin, dir, dir.resolve(INDEX), WeightFormat.SAFETENSORS_SHARDED));
        }
        if (Files.isRegularFile(dir.resolve("variables").resolve("variables.index"))) {
            return Optional.of(new LocatedModel(id, origin, dir, dir.resolve("variables").resolve("variables"), WeightFormat.TF_BUNDLE));
        }
        if (Files.isRegularFile(dir.resolve("variables.index"))) {
            return Optional.of(new LocatedModel(id, origin, dir, dir.resolve("variables"), WeightFormat.TF_BUNDLE));
        }
        return Optional.empty();
    }

    /** Like {@link #layout} but also requires every shard an index names, as a cached snapshot may be partial. */
    private static Optional<LocatedModel> complete(Path dir, String id, Origin origin) {
        Optional<LocatedModel> m = layout(dir, id, origin);
        if (m.isPresent() && m.get().format() == WeightFormat.SAFETENSORS_SHARDED) {
            for (String shard : ShardIndex.read(m.get().weights()).shards()) {
                if (!Files.isRegularFile(dir.resolve(shard))) return Optional.empty();
            }
        }
        return m;
    }

    private static String layoutProblem(Path dir) {
        boolean config = Files.isRegularFile(dir.resolve(CONFIG));
        boolean weights = Files.isRegularFile(dir.resolve(SAFETENSORS)) || Files.isRegularFile(dir.resolve(INDEX));
        if (weights && !config) return "it has safetensors weights but no config.json, which gives the model's sizes";
        if (config && weights) return "shards listed in " + INDEX + " are missing";
        if (config && (Files.isRegularFile(dir.resolve("pytorch_model.bin")) || Files.isRegularFile(dir.resolve("tf_model.h5")))) {
            return "it has config.json but its weights are not in safetensors form (model.safetensors), the only Hugging Face "
                    + "format jtc reads";
        }
        return "expected config.json with model.safetensors or model.safetensors.index.json (Hugging Face layout), "
                + "or variables/variables.index (TensorFlow SavedModel)";
    }

    private static Path asPath(String spec) {
        try {
            String s = spec.startsWith("~/") ? System.getProperty("user.home") + spec.substring(1) : spec;
            return Path.of(s);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** Specs that can only mean a path: a repo id never starts with '/', '.', '~' or ends with '/'. */
    private static boolean looksLikePath(String spec) {
        return spec.startsWith("/") || spec.startsWith(".") || spec.startsWith("~") || spec.endsWith("/")
                || spec.contains("\\") || spec.matches("^[A-Za-z]:.*");
    }
}
