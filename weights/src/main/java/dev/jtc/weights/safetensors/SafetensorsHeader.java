package dev.jtc.weights.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jtc.weights.DType;
import dev.jtc.weights.TensorInfo;
import dev.jtc.weights.WeightsException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file, checked against the size of its data section.
 *
 * <p>Accepted files are exactly those the reference Rust crate accepts, minus duplicate keys
 * (which it silently resolves): every tensor's byte span lies inside the data section, matches
 * its shape and dtype, and the spans tile the data section with no overlap, no hole and no
 * trailing bytes (the crate's {@code InvalidOffset} and {@code MetadataIncompleteBuffer}).
 * Holes are rejected rather than tolerated because a hole means the header and the data
 * disagree about where tensors are, and a file we accept must load everywhere else too.
 * Unknown fields inside a tensor entry are ignored, as the crate does.
 */
final class SafetensorsHeader {

    static final String METADATA_KEY = "__metadata__";

    /** One tensor: its description and its byte span, relative to the start of the data section. */
    record Stored(TensorInfo info, long begin, long end) {
        long byteSize() {
            return end - begin;
        }
    }

    private final Map<String, String> metadata;
    private final Map<String, Stored> byName;
    private final List<String> storageOrder;

    private SafetensorsHeader(Map<String, String> metadata, Map<String, Stored> byName, List<String> storageOrder) {
        this.metadata = metadata;
        this.byName = byName;
        this.storageOrder = storageOrder;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    List<String> storageOrder() {
        return storageOrder;
    }

    /** The tensor, or null when the header does not list it. */
    Stored get(String name) {
        return byName.get(name);
    }

    /**
     * Parses and validates a header. {@code file} is how the file is named in messages;
     * {@code dataLength} is the number of bytes after the header.
     */
    static SafetensorsHeader parse(String file, byte[] json, long dataLength) {
        JsonNode root = StrictJson.parseObject(json, file + ": the header");
        Map<String, String> metadata = Map.of();
        Map<String, Stored> byName = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            if (name.equals(METADATA_KEY)) {
                metadata = parseMetadata(file, field.getValue());
            } else {
                byName.put(name, parseTensor(file, name, field.getValue(), dataLength));
            }
        }
        List<Stored> sorted = new ArrayList<>(byName.values());
        // Stable sort: zero-size tensors sharing an offset keep their header order.
        sorted.sort(Comparator.comparingLong(Stored::begin).thenComparingLong(Stored::end));
        checkTiling(file, sorted, dataLength);
        List<String> order = new ArrayList<>(sorted.size());
        for (Stored s : sorted) order.add(s.info().name());
        return new SafetensorsHeader(metadata, Collections.unmodifiableMap(byName), List.copyOf(order));
    }

    private static Map<String, String> parseMetadata(String file, JsonNode node) {
        if (node.isNull()) return Map.of();
        if (!node.isObject()) {
            throw new WeightsException(file + ": \"" + METADATA_KEY + "\" must be a JSON object of strings, but it is "
                    + StrictJson.describe(node) + ".");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new WeightsException(file + ": \"" + METADATA_KEY + "\" entry " + StrictJson.quote(e.getKey())
                        + " must be a string, but it is " + StrictJson.describe(e.getValue()) + ".");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static Stored parseTensor(String file, String name, JsonNode node, long dataLength) {
        String where = file + ": tensor " + StrictJson.quote(name);
        if (!node.isObject()) {
            throw new WeightsException(where + " is described by " + StrictJson.describe(node)
                    + "; expected an object with dtype, shape and data_offsets.");
        }
        JsonNode dtypeNode = required(where, node, "dtype");
        if (!dtypeNode.isTextual()) {
            throw new WeightsException(where + " has a \"dtype\" that is " + StrictJson.describe(dtypeNode)
                    + "; expected a string such as \"F32\".");
        }
        DType dtype = DType.fromSafetensors(dtypeNode.textValue(), where);

        long[] shape = nonNegativeLongs(where, "shape", required(where, node, "shape"), -1);
        long[] offsets = nonNegativeLongs(where, "data_offsets", required(where, node, "data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new WeightsException(where + " has data_offsets [" + begin + ", " + end
                    + "] that end before they begin; expected [begin, end] with begin <= end.");
        }
        TensorInfo info = new TensorInfo(name, dtype, shape);
        long bytes;
        try {
            bytes = info.byteSize();
        } catch (ArithmeticException e) {
            throw new WeightsException(where + " has shape " + Arrays.toString(shape)
                    + " whose size overflows a 64-bit byte count.");
        }
        if (end > dataLength) {
            throw new WeightsException(where + " has data_offsets [" + begin + ", " + end
                    + "] outside the data section, which holds " + dataLength + " bytes.");
        }
        if (end - begin != bytes) {
            throw new WeightsException(where + " has shape " + Arrays.toString(shape) + " of " + dtype + ", which needs "
                    + bytes + " bytes, but its data_offsets [" + begin + ", " + end + "] span " + (end - begin) + ".");
        }
        return new Stored(info, begin, end);
    }

    private static JsonNode required(String where, JsonNode entry, String field) {
        JsonNode v = entry.get(field);
        if (v == null) {
            throw new WeightsException(where + " lacks the field \"" + field + "\"; every tensor needs dtype, shape and "
                    + "data_offsets.");
        }
        return v;
    }

    /** A JSON array of non-negative integers, of exactly {@code length} elements unless it is -1. */
    private static long[] nonNegativeLongs(String where, String field, JsonNode node, int length) {
        String expected = length < 0 ? "an array of non-negative integers" : "an array of " + length
                + " non-negative integers [begin, end]";
        if (!node.isArray()) {
            throw new WeightsException(where + " has a \"" + field + "\" that is " + StrictJson.describe(node)
                    + "; expected " + expected + ".");
        }
        if (length >= 0 && node.size() != length) {
            throw new WeightsException(where + " has a \"" + field + "\" with " + node.size() + " elements; expected "
                    + expected + ".");
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber()) {
                throw new WeightsException(where + " has a \"" + field + "\" whose element " + i + " is "
                        + (v.isNumber() ? "the non-integer " + v.asText() : StrictJson.describe(v)) + "; expected "
                        + expected + ".");
            }
            if (!v.canConvertToLong()) {
                throw new WeightsException(where + " has a \"" + field + "\" whose element " + i + " ("
                        + StrictJson.quote(v.asText()) + ") does not fit in 64 bits.");
            }
            long x = v.longValue();
            if (x < 0) {
                throw new WeightsException(where + " has a negative " + (field.equals("shape") ? "dimension " : "offset ")
                        + x + " in \"" + field + "\"; expected " + expected + ".");
            }
            out[i] = x;
        }
        return out;
    }

    /** The spans, sorted by offset, must cover [0, dataLength) exactly once. */
    private static void checkTiling(String file, List<Stored> sorted, long dataLength) {
        long covered = 0;
        Stored previous = null;
        for (Stored s : sorted) {
            if (s.begin() < covered) {
                throw new WeightsException(file + ": tensors " + StrictJson.quote(previous.info().name()) + " [" + previous.begin()
                        + ", " + previous.end() + ") and " + StrictJson.quote(s.info().name()) + " [" + s.begin() + ", " + s.end()
                        + ") overlap in the data section.");
            }
            if (s.begin() > covered) {
                throw new WeightsException(file + ": bytes [" + covered + ", " + s.begin() + ") of the data section belong "
                        + "to no tensor (a hole before " + StrictJson.quote(s.info().name())
                        + "); the tensors must cover the data section without gaps.");
            }
            covered = s.end();
            previous = s;
        }
        if (covered != dataLength) {
            throw new WeightsException(file + ": the data section holds " + dataLength + " bytes but the tensors cover only "
                    + covered + "; the file has " + (dataLength - covered) + " trailing bytes that belong to no tensor.");
        }
    }
}
