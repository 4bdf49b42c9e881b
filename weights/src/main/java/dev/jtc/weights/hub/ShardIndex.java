package dev.jtc.weights.hub;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtc.weights.WeightsException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The shard file names a {@code model.safetensors.index.json} refers to (the values of its {@code weight_map}).
 * Only plain relative names are accepted, so that an index from the network cannot point outside its snapshot.
 */
public record ShardIndex(Path file, List<String> shards) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ShardIndex read(Path indexJson) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(indexJson));
        } catch (JacksonException e) {
            throw new WeightsException(indexJson + " is not valid JSON (" + e.getOriginalMessage() + ").", e);
        } catch (IOException e) {
            throw new WeightsException(indexJson + " could not be read: " + e.getMessage() + ".", e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new WeightsException(indexJson + ": field \"weight_map\" is missing or empty; expected an object from tensor "
                    + "names to shard files.");
        }
        TreeSet<String> shards = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String shard = e.getValue().asText();
            if (!e.getValue().isTextual() || !isPlainRelative(shard)) {
                throw new WeightsException(indexJson + ": tensor \"" + e.getKey() + "\" maps to " + e.getValue()
                        + ", expected a shard file name inside the model directory.");
            }
            shards.add(shard);
        }
        return new ShardIndex(indexJson, List.copyOf(shards));
    }

    /** A forward-slash relative path without empty, "." or ".." segments. */
    static boolean isPlainRelative(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains(":")) return false;
        for (String seg : name.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) return false;
        }
        return true;
    }
}
