package dev.jtc.weights.safetensors;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.jtc.weights.WeightsException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * JSON reading for safetensors headers and shard indexes. Strict where Jackson is lenient by
 * default: a repeated key is an error (Jackson would silently keep the last one, so a file
 * could name a tensor twice and we would read whichever came last), and nothing but
 * whitespace may follow the document.
 */
final class StrictJson {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private StrictJson() {
    }

    /**
     * Decodes {@code bytes} as UTF-8 (rejecting malformed sequences rather than replacing them)
     * and parses one JSON object. {@code where} names the file and the part ("header") for messages.
     */
    static JsonNode parseObject(byte[] bytes, String where) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new WeightsException(where + " is not valid UTF-8 text.");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage() == null ? "unreadable" : oneLine(e.getOriginalMessage());
            JsonLocation at = e.getLocation();
            String position = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            if (why.startsWith("Duplicate")) {
                throw new WeightsException(where + " repeats a key" + position + " (" + why
                        + "); every tensor name and field may appear only once.");
            }
            throw new WeightsException(where + " is not valid JSON" + position + ": " + why + ".");
        }
        if (node == null || !node.isObject()) {
            throw new WeightsException(where + " is not a JSON object; it is " + describe(node) + ".");
        }
        return node;
    }

    /** "a string", "an array", ... for messages about a value of the wrong kind. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) return "empty";
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** A JSON value quoted for a message, cut short so a huge value cannot flood the message. */
    static String quote(String s) {
        String shown = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return "\"" + oneLine(shown) + "\"";
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").trim();
    }
}
