package dev.jtc.weights.hub;

import java.util.regex.Pattern;

/**
 * A Hugging Face model repository and the revision wanted: {@code "gpt2"}, {@code "openai-community/gpt2"},
 * {@code "gpt2@main"}, {@code "org/name@<40-hex commit>"}, {@code "org/name@refs/pr/1"}.
 *
 * @param name     the repository id as the hub spells it, with at most one {@code /}
 * @param revision a branch, tag, {@code refs/...} name or commit hash; {@code "main"} when none was given
 */
public record RepoId(String name, String revision) {

    public static final String DEFAULT_REVISION = "main";

    // The hub's own rule (huggingface_hub's validate_repo_id): letters, digits, '-', '_', '.', at most one '/'.
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    public RepoId {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("\"" + name + "\" is not a Hugging Face repository id; expected \"name\" or "
                    + "\"organisation/name\" made of letters, digits, '-', '_' and '.'.");
        }
        if (revision.isEmpty() || revision.contains("..") || revision.startsWith("/") || revision.endsWith("/")
                || revision.contains("\\") || revision.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("\"" + revision + "\" is not a usable revision of " + name
                    + "; expected a branch, tag or commit hash.");
        }
    }

    /** Parses {@code name[@revision]}; throws {@link IllegalArgumentException} with one sentence when it is no repo id. */
    public static RepoId parse(String spec) {
        int at = spec.indexOf('@');
        return at < 0 ? new RepoId(spec, DEFAULT_REVISION) : new RepoId(spec.substring(0, at), spec.substring(at + 1));
    }

    /** Whether {@code spec} has the form {@code name[@revision]} of a repository id. */
    public static boolean looksLikeRepoId(String spec) {
        int at = spec.indexOf('@');
        String name = at < 0 ? spec : spec.substring(0, at);
        return isValidName(name) && (at < 0 || at < spec.length() - 1);
    }

    private static boolean isValidName(String name) {
        if (name == null || name.contains("--") || name.contains("..") || name.endsWith(".git")) return false;
        String[] parts = name.split("/", -1);
        if (parts.length > 2) return false;
        for (String p : parts) {
            if (!PART.matcher(p).matches() || p.endsWith(".") || p.endsWith("-")) return false;
        }
        return true;
    }

    /** Whether the revision is a full commit hash, which needs no {@code refs/} entry to resolve. */
    public boolean revisionIsCommit() {
        return isCommit(revision);
    }

    public static boolean isCommit(String s) {
        return COMMIT.matcher(s).matches();
    }

    /** The folder name huggingface_hub gives this repository in its cache: {@code models--org--name}. */
    public String cacheFolderName() {
        return "models--" + name.replace("/", "--");
    }

    public RepoId atRevision(String rev) {
        return new RepoId(name, rev);
    }

    @Override
    public String toString() {
        return revision.equals(DEFAULT_REVISION) ? name : name + "@" + revision;
    }
}
