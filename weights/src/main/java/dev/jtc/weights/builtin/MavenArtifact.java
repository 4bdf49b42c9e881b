package dev.jtc.weights.builtin;

import dev.jtc.weights.WeightsException;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.transfer.AbstractTransferListener;
import org.eclipse.aether.transfer.TransferEvent;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A jar on Maven Central, found in the local Maven repository first and downloaded with Maven
 * Resolver only when it is not there (the download lands in that local repository, as Maven's own would).
 *
 * @param groupId    Maven group
 * @param artifactId Maven artifact
 * @param version    exact version
 */
public record MavenArtifact(String groupId, String artifactId, String version) {

    static final String CENTRAL = "https://repo.maven.apache.org/maven2/";

    public String coordinates() {
        return groupId + ":" + artifactId + ":" + version;
    }

    /**
     * The local Maven repository: {@code -Dmaven.repo.local}, else {@code $MAVEN_REPO_LOCAL},
     * else {@code ~/.m2/repository}.
     */
    static Path localRepository() {
        String property = System.getProperty("maven.repo.local");
        if (property != null && !property.isBlank()) return Path.of(property);
        String env = System.getenv("MAVEN_REPO_LOCAL");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** Where the jar sits in a local repository laid out the Maven way. */
    Path pathIn(Path repository) {
        return repository.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version)
                .resolve(artifactId + "-" + version + ".jar");
    }

    /** The jar in the local repository, downloading it from Maven Central (progress on {@code progress}) if absent. */
    public Path resolve(PrintStream progress) {
        Path repository = localRepository();
        Path local = pathIn(repository);
        if (Files.isRegularFile(local)) return local;
        // Resolver logs through SLF4J; without a provider SLF4J prints three warning lines on stderr.
        if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "ERROR");
        RepositorySystem system = new RepositorySystemSupplier().get();
        try (RepositorySystemSession.CloseableSession session = new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(repository)
                .setTransferListener(new Progress(progress))
                .build()) {
            RemoteRepository central = new RemoteRepository.Builder("central", "default", CENTRAL).build();
            ArtifactRequest request = new ArtifactRequest(new DefaultArtifact(coordinates()), List.of(central), null);
            return system.resolveArtifact(session, request).getArtifact().getPath();
        } catch (ArtifactResolutionException e) {
            throw new WeightsException("Maven artifact " + coordinates() + ": not in the local repository " + repository
                    + " and could not be downloaded from " + CENTRAL + " (" + firstLine(e.getMessage()) + ").", e);
        } finally {
            system.shutdown();
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "no reason given";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** One self-overwriting progress line on stderr, at most twice a second. */
    private static final class Progress extends AbstractTransferListener {
        private final PrintStream out;
        private long lastPrint;

        Progress(PrintStream out) {
            this.out = out;
        }

        @Override
        public void transferProgressed(TransferEvent event) {
            long now = System.nanoTime();
            if (now - lastPrint < 500_000_000L) return;
            lastPrint = now;
            long total = event.getResource().getContentLength();
            out.printf("\rjtc: downloading %s: %,d MB%s", event.getResource().getResourceName(),
                    event.getTransferredBytes() >> 20, total > 0 ? " of " + String.format("%,d", total >> 20) + " MB" : "");
            out.flush();
        }

        @Override
        public void transferSucceeded(TransferEvent event) {
            if (event.getResource().getContentLength() > 1 << 20) {
                out.printf("\rjtc: downloaded %s (%,d MB).%n", event.getResource().getResourceName(),
                        event.getTransferredBytes() >> 20);
            }
        }
    }
}
