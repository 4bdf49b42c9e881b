package dev.jtc.weights.hub;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the Hugging Face cache lives and how to reach the hub, read from the same environment variables
 * huggingface_hub reads, so that jtc and Python share one cache.
 *
 * @param cache    the hub cache root (the folder holding {@code models--org--name})
 * @param endpoint {@code HF_ENDPOINT}, default {@code https://huggingface.co}
 * @param token    {@code HF_TOKEN}, sent as a bearer token to the endpoint's host only
 * @param offline  {@code HF_HUB_OFFLINE} set to 1/true/yes/on: never touch the network
 * @param progress false when {@code HF_HUB_DISABLE_PROGRESS_BARS} is set to a true value
 */
public record HubSettings(Path cache, URI endpoint, Optional<String> token, boolean offline, boolean progress) {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final Set<String> TRUE = Set.of("1", "true", "yes", "on");

    /** Settings from this process's environment and home directory. */
    public static HubSettings fromEnvironment() {
        return from(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** Settings from the given variables; {@code home} stands for {@code ~}. */
    public static HubSettings from(Map<String, String> env, Path home) {
        Path cache;
        if (set(env, "HF_HUB_CACHE")) {
            cache = Path.of(env.get("HF_HUB_CACHE"));
        } else if (set(env, "HUGGINGFACE_HUB_CACHE")) { // the older spelling huggingface_hub still honours
            cache = Path.of(env.get("HUGGINGFACE_HUB_CACHE"));
        } else if (set(env, "HF_HOME")) {
            cache = Path.of(env.get("HF_HOME"), "hub");
        } else if (set(env, "XDG_CACHE_HOME")) {
            cache = Path.of(env.get("XDG_CACHE_HOME"), "huggingface", "hub");
        } else {
            cache = home.resolve(".cache").resolve("huggingface").resolve("hub");
        }
        String ep = set(env, "HF_ENDPOINT") ? env.get("HF_ENDPOINT").strip() : DEFAULT_ENDPOINT;
        URI endpoint = endpoint(ep);
        Optional<String> token = set(env, "HF_TOKEN") ? Optional.of(env.get("HF_TOKEN").strip())
                : set(env, "HUGGING_FACE_HUB_TOKEN") ? Optional.of(env.get("HUGGING_FACE_HUB_TOKEN").strip())
                : Optional.empty();
        boolean offline = isTrue(env.get("HF_HUB_OFFLINE"));
        boolean progress = !isTrue(env.get("HF_HUB_DISABLE_PROGRESS_BARS"));
        return new HubSettings(cache.toAbsolutePath(), endpoint, token, offline, progress);
    }

    static URI endpoint(String s) {
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        try {
            URI u = new URI(s);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) throw new URISyntaxException(s, "no host");
            return u;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("HF_ENDPOINT \"" + s + "\" is not an http(s) URL such as " + DEFAULT_ENDPOINT + ".");
        }
    }

    public HubSettings withOffline(boolean off) {
        return new HubSettings(cache, endpoint, token, off, progress);
    }

    private static boolean set(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    private static boolean isTrue(String v) {
        return v != null && TRUE.contains(v.strip().toLowerCase(Locale.ROOT));
    }
}
