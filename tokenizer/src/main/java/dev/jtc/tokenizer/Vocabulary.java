package dev.jtc.tokenizer;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/** Token strings by id and ids by token string; immutable. */
final class Vocabulary {

    private final String[] tokens;
    private final Map<String, Integer> ids;

    /** @param ids every id in {@code 0..size-1} at most once; gaps are allowed and have no token */
    Vocabulary(Map<String, Integer> ids, String source) {
        int size = 0;
        for (int id : ids.values()) {
            if (id < 0) throw new TokenizerFileException(source + ": token ids must not be negative, found " + id + ".");
            size = Math.max(size, id + 1);
        }
        tokens = new String[size];
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            String previous = tokens[e.getValue()];
            if (previous != null) {
                throw new TokenizerFileException(source + ": tokens '" + previous + "' and '" + e.getKey()
                        + "' have the same id " + e.getValue() + ".");
            }
            tokens[e.getValue()] = e.getKey();
        }
        this.ids = Collections.unmodifiableMap(new HashMap<>(ids));
    }

    int size() {
        return tokens.length;
    }

    /** The id, or -1. */
    int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    String token(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary (0.." + (tokens.length - 1) + ").");
        }
        return tokens[id];
    }

    Map<String, Integer> asMap() {
        return ids;
    }
}
