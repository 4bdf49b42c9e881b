package dev.jtc.weights.hub;

import dev.jtc.weights.WeightsException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The on-disk layout huggingface_hub uses, so that jtc reads what Python downloaded and the other way round:
 * <pre>
 * &lt;cache&gt;/models--org--name/
 *     refs/&lt;revision&gt;                 the commit hash the revision pointed to
 *     blobs/&lt;etag&gt;                    file contents, named by the hub's ETag (sha256 or git sha1)
 *     blobs/&lt;etag&gt;.incomplete         a download in progress, resumed by the next attempt
 *     snapshots/&lt;commit&gt;/&lt;file&gt;       relative symlinks into ../../blobs
 * &lt;cache&gt;/.locks/models--org--name/&lt;etag&gt;.lock   held while a blob is being downloaded
 * </pre>
 */
public final class HubCache {

    private final Path root;

    public HubCache(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path repoDir(RepoId repo) {
        return root.resolve(repo.cacheFolderName());
    }

    /** The snapshot folder the repo's revision resolves to locally, if the cache knows that revision. */
    public Optional<Path> snapshot(RepoId repo) {
        Path dir = repoDir(repo);
        String commit = repo.revision();
        if (!repo.revisionIsCommit()) {
            Path ref = dir.resolve("refs").resolve(repo.revision());
            if (!Files.isRegularFile(ref)) return Optional.empty();
            try {
                commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new WeightsException("the Hugging Face cache entry " + ref + " could not be read: " + e.getMessage() + ".", e);
            }
            if (!RepoId.isCommit(commit)) {
                throw new WeightsException("the Hugging Face cache entry " + ref + " should hold a 40-digit commit hash, found \""
                        + commit + "\".");
            }
        }
        Path snap = dir.resolve("snapshots").resolve(commit);
        return Files.isDirectory(snap) ? Optional.of(snap) : Optional.empty();
    }

    public Path snapshotDir(RepoId repo, String commit) {
        return repoDir(repo).resolve("snapshots").resolve(commit);
    }

    public Path blob(RepoId repo, String etag) {
        return repoDir(repo).resolve("blobs").resolve(etag);
    }

    public Path incomplete(RepoId repo, String etag) {
        return repoDir(repo).resolve("blobs").resolve(etag + ".incomplete");
    }

    /** Where huggingface_hub keeps its lock for a blob: {@code <cache>/.locks/models--org--name/<etag>.lock}. */
    public Path lock(RepoId repo, String etag) {
        return root.resolve(".locks").resolve(repo.cacheFolderName()).resolve(etag + ".lock");
    }

    /** Records that {@code revision} pointed to {@code commit}, atomically. Commit hashes need no ref. */
    public void writeRef(RepoId repo, String commit) throws IOException {
        if (repo.revisionIsCommit()) return;
        Path ref = repoDir(repo).resolve("refs").resolve(repo.revision());
        Files.createDirectories(ref.getParent());
        Path tmp = Files.createTempFile(ref.getParent(), ".ref", ".tmp");
        try {
            Files.writeString(tmp, commit, StandardCharsets.UTF_8);
            moveAtomically(tmp, ref);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Makes {@code snapshots/<commit>/<file>} point at {@code blobs/<etag>} with a relative symlink, as
     * huggingface_hub does; where the file system has no symlinks, the snapshot gets a copy instead.
     */
    public Path link(RepoId repo, String commit, String file, String etag) throws IOException {
        Path target = snapshotDir(repo, commit).resolve(file);
        Path blob = blob(repo, etag);
        Files.createDirectories(target.getParent());
        Path relative = target.getParent().relativize(blob);
        Path tmp = target.resolveSibling("." + target.getFileName() + ".link-" + java.util.UUID.randomUUID());
        try {
            Files.createSymbolicLink(tmp, relative);
        } catch (UnsupportedOperationException | FileSystemException e) {
            Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            moveAtomically(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
