package dev.jtc.weights.tf;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TensorFlow tensor bundle (the {@code variables/} of a SavedModel, or a V2 checkpoint):
 * {@code PREFIX.index} lists the tensors, {@code PREFIX.data-0000k-of-0000n} hold their bytes.
 * The index is parsed by hand (a LevelDB table of {@code BundleEntryProto} values); the data
 * shards are memory-mapped, so {@link #raw} is a zero-copy slice of the file.
 *
 * <p>Tensors whose TensorFlow dtype jtc has no type for (strings, complex numbers, resources;
 * TF2 checkpoints carry a string object graph) are left out of {@link #names()} and listed by
 * {@link #unsupported()}; asking for one by name is a clear error rather than a silent skip.
 */
public final class TensorBundle implements TensorSource {

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path prefix;
    private final Arena arena;
    private final Map<String, BundleEntry> entries;
    private final Map<String, TensorInfo> infos;
    private final Map<String, String> unsupported;
    private final MemorySegment[] shards;
    private final Path[] shardFiles;

    private TensorBundle(Path prefix, Arena arena, Map<String, BundleEntry> entries, Map<String, TensorInfo> infos,
                         Map<String, String> unsupported, MemorySegment[] shards, Path[] shardFiles) {
        this.prefix = prefix;
        this.arena = arena;
        this.entries = entries;
        this.infos = infos;
        this.unsupported = unsupported;
        this.shards = shards;
        this.shardFiles = shardFiles;
    }

    /**
     * Opens the bundle at {@code path}: its prefix ({@code .../variables/variables}), its {@code .index}
     * file, the {@code variables} directory or the SavedModel directory above it.
     */
    public static TensorBundle open(Path path) {
        Path prefix = prefixOf(path);
        Path indexFile = indexFile(prefix);
        byte[] index;
        try {
            index = Files.readAllBytes(indexFile);
        } catch (NoSuchFileException e) {
            throw new WeightsException(indexFile + ": no such file; expected a TensorFlow bundle index.");
        } catch (IOException e) {
            throw new WeightsException(indexFile + ": cannot be read (" + e.getMessage() + ").", e);
        }
        String where = indexFile.toString();
        List<SortedStringTable.Entry> table = SortedStringTable.read(index, where);
        if (table.isEmpty() || table.getFirst().key().length != 0) {
            throw new WeightsException(where + ": the first entry is not the bundle header (empty key); "
                    + "this table is not a TensorFlow tensor bundle index.");
        }
        int numShards = header(table.getFirst().value(), where);

        Map<String, BundleEntry> entries = new LinkedHashMap<>();
        Map<String, String> unsupported = new LinkedHashMap<>();
        for (SortedStringTable.Entry e : table.subList(1, table.size())) {
            String name = new String(e.key(), StandardCharsets.UTF_8);
            BundleEntry entry = BundleEntry.decode(name, e.value(), where + ", tensor " + name);
            if (entry.sliced()) {
                throw new WeightsException(where + ", tensor " + name + ": partitioned (sliced) variables are not "
                        + "supported; expected every tensor stored whole.");
            }
            if (entry.shardId() < 0 || entry.shardId() >= numShards) {
                throw new WeightsException(where + ", tensor " + name + ": shard " + entry.shardId()
                        + " does not exist; the header says there are " + numShards + ".");
            }
            if (entry.dtype().isEmpty()) unsupported.put(name, entry.tfDtypeName());
            entries.put(name, entry);
        }

        Arena arena = Arena.ofShared();
        try {
            Path[] shardFiles = new Path[numShards];
            MemorySegment[] shards = new MemorySegment[numShards];
            for (int i = 0; i < numShards; i++) {
                shardFiles[i] = shardFile(prefix, i, numShards);
                shards[i] = map(shardFiles[i], arena);
            }
            Map<String, TensorInfo> infos = new LinkedHashMap<>();
            for (BundleEntry e : entries.values()) {
                checkPlacement(e, shards[e.shardId()].byteSize(), shardFiles[e.shardId()], where);
                e.dtype().ifPresent(t -> infos.put(e.name(), info(e, t, where)));
            }
            return new TensorBundle(prefix, arena, entries, infos, unsupported, shards, shardFiles);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The bundle prefix for any of the paths {@link #open} accepts. */
    public static Path prefixOf(Path path) {
        String file = path.getFileName() == null ? "" : path.getFileName().toString();
        if (file.endsWith(".index") && !Files.isDirectory(path)) {
            return path.resolveSibling(file.substring(0, file.length() - ".index".length()));
        }
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve("variables/variables.index"))) return path.resolve("variables/variables");
            if (Files.isRegularFile(path.resolve("variables.index"))) return path.resolve("variables");
            throw new WeightsException(path + ": no TensorFlow bundle here; expected variables.index or "
                    + "variables/variables.index in this directory.");
        }
        return path;
    }

    private static Path indexFile(Path prefix) {
        return prefix.resolveSibling(prefix.getFileName() + ".index");
    }

    private static Path shardFile(Path prefix, int shard, int numShards) {
        return prefix.resolveSibling(String.format("%s.data-%05d-of-%05d", prefix.getFileName(), shard, numShards));
    }

    /** Decodes the BundleHeaderProto and returns the number of data shards. */
    private static int header(byte[] value, String where) {
        ProtoReader r = new ProtoReader(value, 0, value.length, where + ", bundle header");
        long numShards = 0, endianness = 0;
        while (r.hasMore()) {
            int tag = r.tag();
            switch (tag) {
                case 1 << 3 -> numShards = r.varint();
                case 2 << 3 -> endianness = r.varint();
                default -> r.skip(tag & 7); // version (VersionDef) and anything newer
            }
        }
        if (numShards < 1 || numShards > 99_999) {
            throw new WeightsException(where + ": the bundle header gives " + numShards
                    + " data shards; expected between 1 and 99999.");
        }
        if (endianness != 0) {
            throw new WeightsException(where + ": the bundle was written big-endian; jtc reads only "
                    + "little-endian bundles.");
        }
        return (int) numShards;
    }

    private static MemorySegment map(Path file, Arena arena) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (NoSuchFileException e) {
            throw new WeightsException(file + ": missing data shard of the bundle " + file.getParent() + ".");
        } catch (IOException e) {
            throw new WeightsException(file + ": cannot map the data shard (" + e.getMessage() + ").", e);
        }
    }

    private static void checkPlacement(BundleEntry e, long shardSize, Path shardFile, String where) {
        if (e.offset() < 0 || e.size() < 0 || e.offset() > shardSize || e.size() > shardSize - e.offset()) {
            throw new WeightsException(where + ", tensor " + e.name() + ": bytes [" + e.offset() + ", "
                    + (e.offset() + e.size()) + ") lie outside the data shard " + shardFile.getFileName()
                    + " of " + shardSize + " bytes.");
        }
    }

    private static TensorInfo info(BundleEntry e, DType t, String where) {
        TensorInfo info = new TensorInfo(e.name(), t, e.shape());
        long expected;
        try {
            expected = info.byteSize();
        } catch (ArithmeticException overflow) {
            throw new WeightsException(where + ", tensor " + e.name() + ": the shape overflows a 64-bit size.");
        }
        if (expected != e.size()) {
            throw new WeightsException(where + ", tensor " + e.name() + ": " + e.size() + " bytes stored, but "
                    + e.tfDtypeName() + " " + java.util.Arrays.toString(e.shape()) + " needs " + expected + ".");
        }
        return info;
    }

    @Override
    public Path origin() {
        return prefix;
    }

    @Override
    public List<String> names() {
        return List.copyOf(infos.keySet());
    }

    @Override
    public boolean contains(String name) {
        return infos.containsKey(name);
    }

    /** Tensors left out of {@link #names()} because jtc has no type for them: name → TensorFlow dtype. */
    public Map<String, String> unsupported() {
        return Collections.unmodifiableMap(unsupported);
    }

    /** Number of data shards. */
    public int shardCount() {
        return shards.length;
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo info = infos.get(name);
        if (info == null) throw absent(name);
        return info;
    }

    @Override
    public MemorySegment raw(String name) {
        BundleEntry e = entries.get(name);
        if (e == null || !infos.containsKey(name)) throw absent(name);
        return slice(e);
    }

    private MemorySegment slice(BundleEntry e) {
        return shards[e.shardId()].asSlice(e.offset(), e.size()).asReadOnly();
    }

    private WeightsException absent(String name) {
        String dtype = unsupported.get(name);
        if (dtype != null) {
            return new WeightsException(indexFile(prefix) + ": tensor " + name + " has dtype " + dtype
                    + ", which jtc does not support; expected a numeric dtype.");
        }
        return new WeightsException(indexFile(prefix) + ": no tensor named " + name + ".");
    }

    @Override
    public MemorySegment f32(String name, Arena target) {
        TensorInfo info = info(name);
        MemorySegment raw = raw(name);
        if (info.dtype() == DType.F32) return raw;
        long n = info.elementCount();
        MemorySegment out = target.allocate(n * 4, 64);
        for (long i = 0; i < n; i++) out.setAtIndex(F32_LE, i, Elements.asFloat(raw, info.dtype(), i));
        return out;
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    /** True when the tensor's bytes match the masked CRC-32C its index entry stores. */
    public boolean verify(String name) {
        BundleEntry e = entries.get(name);
        if (e == null) throw absent(name);
        return checksumOk(e);
    }

    private boolean checksumOk(BundleEntry e) {
        return e.tfDtype() == BundleEntry.DT_STRING ? MaskedCrc32c.ofStrings(slice(e), elements(e)) == e.crc32c()
                : MaskedCrc32c.of(slice(e)) == e.crc32c();
    }

    private static long elements(BundleEntry e) {
        long n = 1;
        for (long d : e.shape()) n *= d;
        return n;
    }

    /**
     * Checks every entry's checksum (unsupported dtypes included: their bytes are checksummed
     * too) and returns the names that failed, in index order; empty when all passed.
     */
    public List<String> verify() {
        List<String> failed = new ArrayList<>();
        for (BundleEntry e : entries.values()) {
            if (!checksumOk(e)) failed.add(e.name());
        }
        return failed;
    }

    /** Number of entries {@link #verify()} checks. */
    public int entryCount() {
        return entries.size();
    }

    /** The data shard files, for messages and {@code jtc inspect}. */
    public List<Path> shardFiles() {
        return List.of(shardFiles);
    }

    @Override
    public void close() {
        arena.close();
    }
}
