package dev.jtc.weights.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtc.weights.TensorInfo;
import dev.jtc.weights.TensorSource;
import dev.jtc.weights.WeightsException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint split into several safetensors files, described by {@code model.safetensors.index.json}:
 * {@code {"metadata": {...}, "weight_map": {"tensor name": "shard file name", ...}}}.
 *
 * <p>The index is the authority: a tensor is visible only if the index lists it, and it is
 * read from the shard the index names. Tensors present in a shard but missing from the index
 * are not exposed. Shard names are resolved against the index's directory and may not leave it.
 * {@link #metadata()} is the index's {@code metadata} with each value as its JSON text
 * (for example {@code total_size} becomes {@code "497759232"}).
 */
public final class ShardedSafetensors implements TensorSource {

    /** Index files are a few hundred kilobytes even for very large models. */
    private static final long MAX_INDEX_BYTES = 100_000_000L;

    private final Path index;
    private final Map<String, SafetensorsFile> shardOf;
    private final List<SafetensorsFile> shards;
    private final List<String> names;
    private final Map<String, String> metadata;

    private ShardedSafetensors(Path index, Map<String, SafetensorsFile> shardOf, List<SafetensorsFile> shards,
                               List<String> names, Map<String, String> metadata) {
        this.index = index;
        this.shardOf = shardOf;
        this.shards = shards;
        this.names = names;
        this.metadata = metadata;
    }

    /** Reads the index, opens each shard once and checks that every listed tensor is in its shard. */
    public static ShardedSafetensors open(Path indexJson) {
        String where = indexJson.toString();
        byte[] bytes;
        try {
            if (Files.size(indexJson) > MAX_INDEX_BYTES) {
                throw new WeightsException(where + ": the shard index is larger than " + MAX_INDEX_BYTES
                        + " bytes; it is not a safetensors index.");
            }
            bytes = Files.readAllBytes(indexJson);
        } catch (NoSuchFileException e) {
            throw new WeightsException(where + ": no such shard index file.", e);
        } catch (IOException e) {
            throw new WeightsException(where + ": the shard index cannot be read (" + e + ").", e);
        }
        JsonNode root = StrictJson.parseObject(bytes, where);
        Map<String, String> metadata = indexMetadata(where, root.get("metadata"));
        Map<String, String> weightMap = weightMap(where, root.get("weight_map"));

        Path directory = indexJson.toAbsolutePath().getParent();
        Map<String, SafetensorsFile> opened = new LinkedHashMap<>();
        try {
            Map<String, SafetensorsFile> shardOf = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                String shardName = e.getValue();
                SafetensorsFile shard = opened.get(shardName);
                if (shard == null) {
                    shard = SafetensorsFile.open(shardPath(where, directory, shardName, e.getKey()));
                    opened.put(shardName, shard);
                }
                if (!shard.contains(e.getKey())) {
                    throw new WeightsException(where + ": the index puts tensor " + StrictJson.quote(e.getKey())
                            + " in shard " + StrictJson.quote(shardName) + ", which does not contain it.");
                }
                shardOf.put(e.getKey(), shard);
            }
            // Storage order: shards in the order the index first names them, each in its own storage order.
            List<String> names = new ArrayList<>(shardOf.size());
            for (SafetensorsFile shard : opened.values()) {
                for (String n : shard.names()) {
                    if (shardOf.get(n) == shard) names.add(n);
                }
            }
            return new ShardedSafetensors(indexJson, Collections.unmodifiableMap(shardOf),
                    List.copyOf(opened.values()), List.copyOf(names), metadata);
        } catch (RuntimeException e) {
            for (SafetensorsFile shard : opened.values()) shard.close();
            throw e;
        }
    }

    private static Path shardPath(String where, Path directory, String shardName, String tensor) {
        Path p;
        try {
            p = directory.resolve(shardName).normalize();
        } catch (InvalidPathException e) {
            throw new WeightsException(where + ": shard name " + StrictJson.quote(shardName) + " for tensor "
                    + StrictJson.quote(tensor) + " is not a valid file name.");
        }
        if (shardName.isEmpty() || !p.startsWith(directory) || p.equals(directory)) {
            throw new WeightsException(where + ": shard name " + StrictJson.quote(shardName) + " for tensor "
                    + StrictJson.quote(tensor) + " does not name a file inside the index's directory " + directory + ".");
        }
        if (!Files.isRegularFile(p)) {
            throw new WeightsException(where + ": shard " + StrictJson.quote(shardName) + " (listed for tensor "
                    + StrictJson.quote(tensor) + ") is missing; expected the file " + p + ".");
        }
        return p;
    }

    private static Map<String, String> weightMap(String where, JsonNode node) {
        if (node == null) {
            throw new WeightsException(where + ": the shard index lacks \"weight_map\"; expected an object mapping each "
                    + "tensor name to its shard file.");
        }
        if (!node.isObject()) {
            throw new WeightsException(where + ": \"weight_map\" is " + StrictJson.describe(node)
                    + "; expected an object mapping each tensor name to its shard file.");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new WeightsException(where + ": \"weight_map\" maps tensor " + StrictJson.quote(e.getKey()) + " to "
                        + StrictJson.describe(e.getValue()) + "; expected a shard file name.");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    private static Map<String, String> indexMetadata(String where, JsonNode node) {
        if (node == null || node.isNull()) return Map.of();
        if (!node.isObject()) {
            throw new WeightsException(where + ": \"metadata\" is " + StrictJson.describe(node) + "; expected an object.");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            out.put(e.getKey(), v.isTextual() ? v.textValue() : v.toString());
        }
        return Collections.unmodifiableMap(out);
    }

    /** The index file. */
    @Override
    public Path origin() {
        return index;
    }

    /** The shard files, in the order the index first names them. */
    public List<Path> shards() {
        return shards.stream().map(SafetensorsFile::origin).toList();
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public boolean contains(String name) {
        return shardOf.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        return shard(name).info(name);
    }

    @Override
    public MemorySegment raw(String name) {
        return shard(name).raw(name);
    }

    @Override
    public MemorySegment f32(String name, Arena arena) {
        return shard(name).f32(name, arena);
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Unmaps every shard. */
    @Override
    public void close() {
        for (SafetensorsFile shard : shards) shard.close();
    }

    private SafetensorsFile shard(String name) {
        SafetensorsFile s = shardOf.get(name);
        if (s == null) {
            throw new WeightsException(index + ": the shard index lists no tensor named \"" + name + "\".");
        }
        return s;
    }
}
