package dev.jtc.tokenizer;

import java.util.Arrays;

/**
 * The BPE merges as a table from a pair of token ids to the merge's rank (its line in
 * merges.txt, lower merges first) and the id of the merged token. Open addressing on primitive
 * arrays: this lookup is the inner loop of byte-pair encoding.
 */
final class MergeTable {

    static final int NO_MERGE = Integer.MAX_VALUE;

    private final long[] keys;
    private final int[] ranks;
    private final int[] mergedIds;
    private final int mask;

    MergeTable(int[] lefts, int[] rights, int[] merged) {
        int capacity = Integer.highestOneBit(Math.max(16, lefts.length * 2)) << 1;
        keys = new long[capacity];
        ranks = new int[capacity];
        mergedIds = new int[capacity];
        Arrays.fill(keys, -1L);
        mask = capacity - 1;
        for (int rank = 0; rank < lefts.length; rank++) {
            long key = key(lefts[rank], rights[rank]);
            int slot = (int) mix(key) & mask;
            while (keys[slot] != -1L && keys[slot] != key) slot = (slot + 1) & mask;
            if (keys[slot] == key) continue; // a repeated merge keeps its first (lowest) rank
            keys[slot] = key;
            ranks[slot] = rank;
            mergedIds[slot] = merged[rank];
        }
    }

    /** The slot of the pair, or -1 when the pair does not merge. */
    int find(int left, int right) {
        long key = key(left, right);
        int slot = (int) mix(key) & mask;
        while (true) {
            long k = keys[slot];
            if (k == key) return slot;
            if (k == -1L) return -1;
            slot = (slot + 1) & mask;
        }
    }

    int rankAt(int slot) {
        return ranks[slot];
    }

    int mergedAt(int slot) {
        return mergedIds[slot];
    }

    /** The rank of merging the pair, or {@link #NO_MERGE}. */
    int rank(int left, int right) {
        int slot = find(left, right);
        return slot < 0 ? NO_MERGE : ranks[slot];
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static long mix(long key) {
        key *= 0x9E3779B97F4A7C15L;
        return key ^ (key >>> 31);
    }
}
