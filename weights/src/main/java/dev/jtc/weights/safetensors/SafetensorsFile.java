package dev.jtc.weights.safetensors;

import dev.jtc.weights.DType;
import dev.jtc.weights.TensorInfo;
import dev.jtc.weights.TensorSource;
import dev.jtc.weights.WeightsException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * One {@code .safetensors} file, memory-mapped whole and read without copies.
 *
 * <p>Layout: an unsigned 64-bit little-endian header length {@code n}, {@code n} bytes of UTF-8
 * JSON, then the data section. Every check of {@link SafetensorsHeader} happens in {@link #open},
 * so afterwards every tensor's span is known to lie inside the mapping.
 */
public final class SafetensorsFile implements TensorSource {

    /** The format's own limit (the Rust crate's MAX_HEADER_SIZE): bigger means a corrupt length. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final Arena arena;
    private final MemorySegment data;
    private final SafetensorsHeader header;
    private boolean closed;

    private SafetensorsFile(Path file, Arena arena, MemorySegment data, SafetensorsHeader header) {
        this.file = file;
        this.arena = arena;
        this.data = data;
        this.header = header;
    }

    /** Maps {@code file} and validates its header; throws {@link WeightsException} naming the file on any defect. */
    public static SafetensorsFile open(Path file) {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new WeightsException(name + ": is a directory, not a safetensors file.");
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment whole;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = channel.size();
                if (size < Long.BYTES) {
                    throw new WeightsException(name + ": the file has " + size + " bytes, fewer than the 8-byte header "
                            + "length every safetensors file starts with.");
                }
                // The mapping outlives the channel; it is released when the arena closes.
                whole = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            long size = whole.byteSize();
            long headerLength = whole.get(LONG_LE, 0);
            // Unsigned in the format: a negative long is a length of at least 2^63.
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw new WeightsException(name + ": the header length " + Long.toUnsignedString(headerLength)
                        + " exceeds the format's limit of " + MAX_HEADER_BYTES + " bytes; the file is corrupt or not "
                        + "a safetensors file.");
            }
            if (headerLength > size - Long.BYTES) {
                throw new WeightsException(name + ": the header length " + headerLength + " runs past the end of the "
                        + "file, which has only " + (size - Long.BYTES) + " bytes after the length field.");
            }
            byte[] json = whole.asSlice(Long.BYTES, headerLength).toArray(ValueLayout.JAVA_BYTE);
            MemorySegment data = whole.asSlice(Long.BYTES + headerLength);
            SafetensorsHeader header = SafetensorsHeader.parse(name, json, data.byteSize());
            return new SafetensorsFile(file, arena, data, header);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new WeightsException(name + ": no such file.", e);
        } catch (IOException e) {
            arena.close();
            throw new WeightsException(name + ": cannot be read as a safetensors file (" + e + ").", e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public Path origin() {
        return file;
    }

    @Override
    public List<String> names() {
        return header.storageOrder();
    }

    @Override
    public boolean contains(String name) {
        return header.get(name) != null;
    }

    @Override
    public TensorInfo info(String name) {
        return stored(name).info();
    }

    /** A read-only view of the mapped bytes: the same memory on every call. */
    @Override
    public MemorySegment raw(String name) {
        SafetensorsHeader.Stored s = stored(name);
        return data.asSlice(s.begin(), s.byteSize()).asReadOnly();
    }

    /**
     * F32 comes back as the mapped bytes themselves, unless the file stores the tensor at an offset
     * that is not a multiple of 4 (possible in files whose writer did not pad the header): then an
     * aligned copy, so callers may always read it with aligned float access. F16, BF16 and F64 are
     * converted into a new segment in {@code arena}; other dtypes are not floating point and are refused.
     */
    @Override
    public MemorySegment f32(String name, Arena arena) {
        SafetensorsHeader.Stored s = stored(name);
        MemorySegment src = raw(name);
        DType dtype = s.info().dtype();
        if (dtype == DType.F32 && src.address() % Float.BYTES == 0) return src;
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16 && dtype != DType.F64) {
            throw new WeightsException(file + ": tensor \"" + name + "\" has dtype " + dtype
                    + ", which is not a floating-point type convertible to F32.");
        }
        return ToFloat32.convert(src, dtype, s.info().elementCount(), arena);
    }

    /** An I32 tensor as a Java array; for small tensors such as token ids or position indices. */
    public int[] ints(String name) {
        MemorySegment src = smallArray(name, DType.I32);
        return src.toArray(INT_LE);
    }

    /** An I64 tensor as a Java array; for small tensors such as token ids or position indices. */
    public long[] longs(String name) {
        MemorySegment src = smallArray(name, DType.I64);
        return src.toArray(LONG_LE);
    }

    private MemorySegment smallArray(String name, DType expected) {
        SafetensorsHeader.Stored s = stored(name);
        if (s.info().dtype() != expected) {
            throw new WeightsException(file + ": tensor \"" + name + "\" has dtype " + s.info().dtype() + ", not "
                    + expected + ".");
        }
        if (s.info().elementCount() > Integer.MAX_VALUE - 8) {
            throw new WeightsException(file + ": tensor \"" + name + "\" has " + s.info().elementCount()
                    + " elements, too many for a Java array; read it through raw().");
        }
        return raw(name);
    }

    /** The file's {@code __metadata__}, in header order. */
    @Override
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Unmaps the file; every segment handed out becomes inaccessible. Closing twice does nothing. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    private SafetensorsHeader.Stored stored(String name) {
        SafetensorsHeader.Stored s = header.get(name);
        if (s == null) {
            throw new WeightsException(file + ": there is no tensor named \"" + name + "\" (the file holds "
                    + header.storageOrder().size() + " tensors).");
        }
        return s;
    }
}
