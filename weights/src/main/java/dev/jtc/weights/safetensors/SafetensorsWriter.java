package dev.jtc.weights.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtc.weights.DType;
import dev.jtc.weights.TensorInfo;
import dev.jtc.weights.WeightsException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a safetensors file: tensors in the given order, packed without gaps, the header padded
 * with spaces so the data section starts at an 8-byte aligned offset (as the Rust crate does),
 * so every tensor whose offset is a multiple of its element size can be read aligned.
 *
 * <p>Tensor bytes are streamed from their segments to the file channel in bounded chunks: a
 * tensor is never copied onto the Java heap. The file appears atomically: it is written to a
 * temporary file in the same directory, forced to disk and then renamed over {@code file}.
 */
public final class SafetensorsWriter {

    /** Largest slice handed to one channel write; also keeps us below ByteBuffer's 2 GiB limit. */
    private static final long CHUNK_BYTES = 64L << 20;

    private static final int STAGING_BYTES = 1 << 20;

    /**
     * One tensor to write. {@code data} holds exactly shape×dtype bytes in little-endian order
     * (what a segment written through {@code ValueLayout.JAVA_FLOAT} holds on x86 and ARM).
     */
    public record Entry(String name, DType dtype, long[] shape, MemorySegment data) {
        public Entry {
            Objects.requireNonNull(name, "tensor name");
            Objects.requireNonNull(dtype, "dtype of tensor " + name);
            Objects.requireNonNull(shape, "shape of tensor " + name);
            Objects.requireNonNull(data, "data of tensor " + name);
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    private SafetensorsWriter() {
    }

    /**
     * Writes {@code tensors} with the string {@code metadata} (may be empty or null) to {@code file},
     * replacing it atomically. Bad arguments get an {@link IllegalArgumentException} naming the tensor;
     * I/O failures a {@link WeightsException} naming the file.
     */
    public static void write(Path file, Map<String, String> metadata, List<Entry> tensors) {
        byte[] header = header(file, metadata == null ? Map.of() : metadata, tensors);
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        if (!Files.isDirectory(directory)) {
            throw new WeightsException(file + ": cannot create a temporary file in " + directory
                    + " because that directory does not exist.");
        }
        // Not Files.createTempFile: that makes the file owner-only (0600), and the result must be
        // as readable as any file the user writes (the umask decides).
        Path temp = directory.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toUnsignedString(System.nanoTime(), 36) + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                writeFully(out, ByteBuffer.wrap(header));
                ByteBuffer staging = null;
                for (Entry t : tensors) {
                    MemorySegment data = t.data();
                    if (data.isNative()) {
                        // Off-heap (allocated or mapped): the channel reads straight from it.
                        for (long at = 0; at < data.byteSize(); at += CHUNK_BYTES) {
                            long n = Math.min(CHUNK_BYTES, data.byteSize() - at);
                            writeFully(out, data.asSlice(at, n).asByteBuffer());
                        }
                    } else {
                        // A heap segment over float[] etc. has no ByteBuffer view: go through a small direct buffer.
                        if (staging == null) staging = ByteBuffer.allocateDirect(STAGING_BYTES);
                        // ofBuffer views position..limit: clear first, or a second heap tensor sees an empty buffer.
                        MemorySegment stage = MemorySegment.ofBuffer(staging.clear());
                        for (long at = 0; at < data.byteSize(); at += STAGING_BYTES) {
                            int n = (int) Math.min(STAGING_BYTES, data.byteSize() - at);
                            MemorySegment.copy(data, at, stage, 0, n);
                            writeFully(out, staging.clear().limit(n));
                        }
                    }
                }
                out.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UncheckedIOException e) {
            deleteQuietly(temp);
            throw new WeightsException(file + ": cannot be written (" + e + ").", e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    /** The 8-byte length followed by the padded JSON header; validates every entry on the way. */
    static byte[] header(Path file, Map<String, String> metadata, List<Entry> tensors) {
        Objects.requireNonNull(tensors, "tensors");
        ObjectNode root = StrictJson.MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException(file + ": metadata keys and values must not be null, got "
                            + e.getKey() + " = " + e.getValue() + ".");
                }
                meta.put(e.getKey(), e.getValue());
            }
        }
        Set<String> seen = new HashSet<>();
        long offset = 0;
        for (Entry t : tensors) {
            String where = file + ": tensor \"" + t.name() + "\"";
            if (t.name().equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException(where + " uses the name reserved for the file's metadata.");
            }
            if (!seen.add(t.name())) {
                throw new IllegalArgumentException(where + " appears twice; tensor names must be unique.");
            }
            for (long d : t.shape()) {
                if (d < 0) {
                    throw new IllegalArgumentException(where + " has a negative dimension in shape "
                            + Arrays.toString(t.shape()) + ".");
                }
            }
            long bytes;
            try {
                bytes = new TensorInfo(t.name(), t.dtype(), t.shape()).byteSize();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(where + " has shape " + Arrays.toString(t.shape())
                        + " whose size overflows a 64-bit byte count.");
            }
            if (t.data().byteSize() != bytes) {
                throw new IllegalArgumentException(where + " has shape " + Arrays.toString(t.shape()) + " of " + t.dtype()
                        + ", which needs " + bytes + " bytes, but its data segment holds " + t.data().byteSize() + ".");
            }
            ObjectNode entry = root.putObject(t.name());
            entry.put("dtype", t.dtype().safetensorsName());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) shape.add(d);
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset = Math.addExact(offset, bytes);
        }
        byte[] json;
        try {
            json = StrictJson.MAPPER.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
        int padded = (int) ((json.length + 7L) / 8 * 8);
        ByteBuffer out = ByteBuffer.allocate(Long.BYTES + padded).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        while (out.hasRemaining()) out.put((byte) ' ');
        return out.array();
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) out.write(buffer);
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // The original failure is what the caller needs to see.
        }
    }
}
