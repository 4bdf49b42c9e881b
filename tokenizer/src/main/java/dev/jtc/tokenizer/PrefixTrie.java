package dev.jtc.tokenizer;

import java.util.Arrays;
import java.util.Map;

/**
 * The vocabulary as a character trie, so that WordPiece's longest-match-first search is one walk
 * over the word instead of one hash lookup per candidate substring. Transitions live in one
 * open-addressing table keyed by (node, UTF-16 unit); immutable after construction.
 */
final class PrefixTrie {

    static final int NONE = -1;

    private final long[] keys;
    private final int[] children;
    private final int mask;
    private final int[] tokenIds;

    PrefixTrie(Map<String, Integer> vocabulary) {
        long transitions = 0;
        for (String token : vocabulary.keySet()) transitions += token.length();
        int capacity = Integer.highestOneBit((int) Math.max(16, Math.min(1L << 29, transitions * 2 + 1))) << 1;
        keys = new long[capacity];
        children = new int[capacity];
        Arrays.fill(keys, -1L);
        mask = capacity - 1;
        int[] ids = new int[(int) Math.min(Integer.MAX_VALUE - 8, transitions + 1)];
        Arrays.fill(ids, NONE);
        int nodes = 1;
        for (Map.Entry<String, Integer> e : vocabulary.entrySet()) {
            String token = e.getKey();
            int node = 0;
            for (int i = 0; i < token.length(); i++) {
                long key = key(node, token.charAt(i));
                int slot = slot(key);
                if (keys[slot] == -1L) {
                    keys[slot] = key;
                    children[slot] = nodes++;
                }
                node = children[slot];
            }
            ids[node] = e.getValue();
        }
        tokenIds = Arrays.copyOf(ids, nodes);
    }

    /** The root: the node of the empty string. */
    int root() {
        return 0;
    }

    /** The node reached from {@code node} by the character, or {@link #NONE}. */
    int child(int node, char c) {
        long key = key(node, c);
        int slot = (int) mix(key) & mask;
        while (true) {
            long k = keys[slot];
            if (k == key) return children[slot];
            if (k == -1L) return NONE;
            slot = (slot + 1) & mask;
        }
    }

    /** The node reached from {@code node} by a whole string, or {@link #NONE}. */
    int walk(int node, String s) {
        for (int i = 0; i < s.length() && node != NONE; i++) node = child(node, s.charAt(i));
        return node;
    }

    /** The token id ending at this node, or {@link #NONE}. */
    int tokenId(int node) {
        return tokenIds[node];
    }

    private int slot(long key) {
        int slot = (int) mix(key) & mask;
        while (keys[slot] != -1L && keys[slot] != key) slot = (slot + 1) & mask;
        return slot;
    }

    private static long key(int node, char c) {
        return ((long) node << 16) | c;
    }

    private static long mix(long key) {
        key *= 0x9E3779B97F4A7C15L;
        return key ^ (key >>> 29);
    }
}
