package dev.jtc.tokenizer;

import java.util.Arrays;

/** A growing list of (id, start, end) triples: the working buffer of one encode call. */
final class TokenList {

    private int[] ids = new int[64];
    private int[] starts = new int[64];
    private int[] ends = new int[64];
    private int size;

    void add(int id, int start, int end) {
        if (size == ids.length) {
            int n = size * 2;
            ids = Arrays.copyOf(ids, n);
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
        }
        ids[size] = id;
        starts[size] = start;
        ends[size] = end;
        size++;
    }

    int size() {
        return size;
    }

    /**
     * The final encoding: {@code prefix} special tokens, then at most {@code maxLength} minus the
     * specials of our tokens, then {@code suffix}; specials get the empty span [0, 0).
     */
    Encoding toEncoding(int[] prefix, int[] suffix, int maxLength, java.util.function.IntFunction<String> tokenOf) {
        int specials = prefix.length + suffix.length;
        if (maxLength < specials) {
            throw new IllegalArgumentException("maximum length " + maxLength + " leaves no room for the "
                    + specials + " special tokens the model needs.");
        }
        int keep = (int) Math.min(size, (long) maxLength - specials);
        int n = keep + specials;
        int[] outIds = new int[n];
        int[] outStarts = new int[n];
        int[] outEnds = new int[n];
        System.arraycopy(prefix, 0, outIds, 0, prefix.length);
        System.arraycopy(ids, 0, outIds, prefix.length, keep);
        System.arraycopy(starts, 0, outStarts, prefix.length, keep);
        System.arraycopy(ends, 0, outEnds, prefix.length, keep);
        System.arraycopy(suffix, 0, outIds, prefix.length + keep, suffix.length);
        String[] tokens = new String[n];
        for (int i = 0; i < n; i++) tokens[i] = tokenOf.apply(outIds[i]);
        return new Encoding(outIds, tokens, outStarts, outEnds);
    }
}
