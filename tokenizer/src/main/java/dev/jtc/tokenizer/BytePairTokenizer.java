package dev.jtc.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * GPT-2's byte-level BPE, as Hugging Face's GPT2TokenizerFast and OpenAI's encoder: added tokens
 * (&lt;|endoftext|&gt;) are cut out of the raw text, the rest is split by
 * {@link Gpt2PreTokenizer}, each piece is taken as UTF-8 bytes, one symbol per byte, and the
 * adjacent pair with the lowest merge rank is merged until none is left (ties: leftmost first).
 * Decoding concatenates the tokens' bytes, so {@code decode(encode(x).ids()) == x} for every
 * well-formed string. Unpaired surrogates, which UTF-8 cannot carry, are encoded as U+FFFD
 * (as Hugging Face does); such a string decodes with U+FFFD in their place.
 * <p>Pieces seen before come from a bounded, thread-safe cache owned by this instance.
 * Immutable apart from that cache and thread-safe.
 */
public final class BytePairTokenizer extends VocabularyTokenizer {

    /** Pieces longer than this are not cached: they are rare and would hold memory. */
    private static final int CACHE_PIECE_LIMIT = 64;
    private static final int CACHE_CAPACITY = 1 << 16;
    /** Up to this many symbols the quadratic merge loop beats the heap. */
    private static final int SMALL_WORD = 40;

    private final MergeTable merges;
    private final int[] byteIds = new int[256];
    private final byte[][] tokenBytes;
    private final boolean addPrefixSpace;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();
    /**
     * Pieces that are one whole token, found without allocating: every vocabulary entry whose
     * bytes are UTF-8 text. The shortcut is taken only once the merges have been run on that
     * entry and gave exactly it (checked the first time it is met, then remembered in
     * {@link #wholeChecked}), so it never differs from running the merges.
     */
    private final int[] wholeIds;
    /** Per slot: 0 not checked yet, 1 the merges give the entry itself, 2 they do not. */
    private final AtomicIntegerArray wholeChecked;
    private final int[] wholeHashes;
    private final String[] wholeTexts;
    private final int wholeMask;

    BytePairTokenizer(Vocabulary vocabulary, MergeTable merges, AddedTokens addedTokens, boolean addPrefixSpace,
                      int[] prefixSpecials, int[] suffixSpecials, int maxLength) {
        super(vocabulary, addedTokens, prefixSpecials, suffixSpecials, maxLength);
        this.merges = merges;
        for (int b = 0; b < 256; b++) byteIds[b] = vocabulary.id(String.valueOf(ByteLevelAlphabet.charOf(b)));
        this.tokenBytes = new byte[vocabulary.size()][];
        for (int id = 0; id < tokenBytes.length; id++) {
            String t;
            try {
                t = vocabulary.token(id);
            } catch (IllegalArgumentException gap) {
                continue;
            }
            byte[] bytes = ByteLevelAlphabet.bytesOf(t);
            tokenBytes[id] = bytes != null ? bytes : t.getBytes(StandardCharsets.UTF_8);
        }
        this.addPrefixSpace = addPrefixSpace;
        int capacity = Integer.highestOneBit(Math.max(16, tokenBytes.length * 2)) << 1;
        wholeIds = new int[capacity];
        wholeHashes = new int[capacity];
        wholeTexts = new String[capacity];
        wholeMask = capacity - 1;
        wholeChecked = new AtomicIntegerArray(capacity);
        boolean[] added = new boolean[tokenBytes.length];
        for (AddedTokens.AddedToken t : addedTokens.all()) added[t.id()] = true;
        var decoder = StandardCharsets.UTF_8.newDecoder();
        for (int id = 0; id < tokenBytes.length; id++) {
            byte[] b = tokenBytes[id];
            if (b == null || b.length == 0 || added[id]) continue;
            String text;
            try {
                text = decoder.decode(java.nio.ByteBuffer.wrap(b)).toString();
            } catch (java.nio.charset.CharacterCodingException partialCharacter) {
                continue;
            }
            int h = hash(text, 0, text.length());
            int slot = h & wholeMask;
            while (wholeIds[slot] != 0) slot = (slot + 1) & wholeMask;
            wholeIds[slot] = id + 1;
            wholeHashes[slot] = h;
            wholeTexts[slot] = text;
        }
    }

    private static int hash(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) h = 31 * h + s.charAt(i);
        return h ^ (h >>> 16);
    }

    /** The id of the one token that is exactly {@code text[from, to)}, or -1. */
    private int wholeToken(String text, int from, int to) {
        int h = hash(text, from, to);
        int len = to - from;
        for (int slot = h & wholeMask; wholeIds[slot] != 0; slot = (slot + 1) & wholeMask) {
            if (wholeHashes[slot] == h && wholeTexts[slot].length() == len && text.regionMatches(from, wholeTexts[slot], 0, len)) {
                int id = wholeIds[slot] - 1;
                int checked = wholeChecked.get(slot);
                if (checked == 0) {
                    int[] merged = bytePairs(tokenBytes[id]);
                    checked = merged.length == 1 && merged[0] == id ? 1 : 2;
                    wholeChecked.set(slot, checked);
                }
                return checked == 1 ? id : -1;
            }
        }
        return -1;
    }

    /**
     * The same tokenizer with the quirk of the paper's original pipeline: its slow Hugging Face
     * GPT2Tokenizer had '.' registered as the pad token (a plain string, not an AddedToken), so
     * transformers' {@code tokenize} (4.x, the tokens-trie version) cut the text at every '.',
     * kept '.' as one token (id of '.'), and — "we strip left and right by default" for a
     * no-split token that is not an AddedToken — removed the whitespace (Python's
     * {@code str.isspace}) at the end of the text before each '.' and at the start of the text
     * after it. So "Hi. There" gives "Hi", ".", "There" (no leading space on "There").
     * &lt;|endoftext|&gt; is an AddedToken without lstrip/rstrip there and strips nothing.
     */
    public BytePairTokenizer withPeriodAsPadToken() {
        int period = vocabulary.id(".");
        if (period < 0) throw new IllegalArgumentException("the vocabulary has no '.' token, so '.' cannot be the pad token.");
        AddedTokens quirk = addedTokens.with(periodAsPad(period));
        return new BytePairTokenizer(vocabulary, merges, quirk, addPrefixSpace, prefixSpecials, suffixSpecials, maxLength);
    }

    /** '.' as the slow tokenizer's plain-string pad token: cut out, Python whitespace stripped on both sides. */
    static AddedTokens.AddedToken periodAsPad(int periodId) {
        return new AddedTokens.AddedToken(".", periodId, false, true, true, true);
    }

    @Override
    void encodeBetweenAddedTokens(String text, int start, int end, TokenList out) {
        if (addPrefixSpace && text.charAt(start) != ' ') {
            String spaced = " " + text.substring(start, end);
            encodeText(spaced, 0, spaced.length(), start - 1, start, out);
        } else {
            encodeText(text, start, end, 0, start, out);
        }
    }

    /** Encodes {@code text[from, to)}; offsets are shifted by {@code shift} and kept at least {@code low}. */
    private void encodeText(String text, int from, int to, int shift, int low, TokenList out) {
        for (int i = from; i < to; ) {
            int end = Gpt2PreTokenizer.pieceEnd(text, i, to);
            encodePiece(text, i, end, shift, low, out);
            i = end;
        }
    }

    private void encodePiece(String text, int from, int to, int shift, int low, TokenList out) {
        int whole = wholeToken(text, from, to);
        if (whole >= 0) {
            out.add(whole, Math.max(low, from + shift), Math.max(low, to + shift));
            return;
        }
        boolean ascii = true;
        for (int i = from; i < to && ascii; i++) ascii = text.charAt(i) < 0x80;
        int[] ids;
        if (to - from <= CACHE_PIECE_LIMIT) {
            String key = text.substring(from, to);
            ids = cache.get(key);
            if (ids == null) {
                ids = bytePairs(utf8(text, from, to, ascii));
                if (cache.size() < CACHE_CAPACITY) cache.putIfAbsent(key, ids);
            }
        } else {
            ids = bytePairs(utf8(text, from, to, ascii));
        }
        if (ascii) {
            int pos = from;
            for (int id : ids) {
                int len = tokenBytes[id].length;
                out.add(id, Math.max(low, pos + shift), Math.max(low, pos + len + shift));
                pos += len;
            }
            return;
        }
        // map each UTF-8 byte to the UTF-16 span of its character
        int byteCount = 0;
        int[] charStart = new int[(to - from) * 3];
        int[] charEnd = new int[charStart.length];
        for (int i = from; i < to; ) {
            int c = text.codePointAt(i);
            int n = Character.charCount(c);
            int bytes = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            for (int k = 0; k < bytes; k++) {
                charStart[byteCount] = i;
                charEnd[byteCount++] = i + n;
            }
            i += n;
        }
        int pos = 0;
        for (int id : ids) {
            int len = tokenBytes[id].length;
            int last = Math.min(pos + len, byteCount) - 1;
            out.add(id, Math.max(low, charStart[pos] + shift), Math.max(low, charEnd[last] + shift));
            pos += len;
        }
    }

    private static byte[] utf8(String text, int from, int to, boolean ascii) {
        if (ascii) {
            byte[] b = new byte[to - from];
            for (int i = 0; i < b.length; i++) b[i] = (byte) text.charAt(from + i);
            return b;
        }
        return text.substring(from, to).getBytes(StandardCharsets.UTF_8);
    }

    /** Byte-pair encoding of one piece's bytes. */
    private int[] bytePairs(byte[] bytes) {
        int[] sym = new int[bytes.length];
        int n = 0;
        for (byte b : bytes) {
            int id = byteIds[b & 0xFF];
            if (id >= 0) sym[n++] = id; // a byte missing from the vocabulary is dropped, as HF does without unk
        }
        if (n <= 1) return n == sym.length ? sym : Arrays.copyOf(sym, n);
        return n <= SMALL_WORD ? mergeSmall(sym, n) : mergeLarge(sym, n);
    }

    private int[] mergeSmall(int[] sym, int n) {
        int[] rank = new int[n - 1];
        for (int p = 0; p < n - 1; p++) rank[p] = merges.rank(sym[p], sym[p + 1]);
        while (n > 1) {
            int best = MergeTable.NO_MERGE;
            int at = -1;
            for (int p = 0; p < n - 1; p++) {
                if (rank[p] < best) {
                    best = rank[p];
                    at = p;
                }
            }
            if (at < 0) break;
            sym[at] = merges.mergedAt(merges.find(sym[at], sym[at + 1]));
            System.arraycopy(sym, at + 2, sym, at + 1, n - at - 2);
            System.arraycopy(rank, at + 1, rank, at, n - at - 2);
            n--;
            if (at > 0) rank[at - 1] = merges.rank(sym[at - 1], sym[at]);
            if (at < n - 1) rank[at] = merges.rank(sym[at], sym[at + 1]);
        }
        return Arrays.copyOf(sym, n);
    }

    /** Heap of (rank, position) over a linked list of symbols: O(n log n) for long pieces. */
    private int[] mergeLarge(int[] sym, int n) {
        int[] next = new int[n];
        int[] prev = new int[n];
        boolean[] dead = new boolean[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            int r = merges.rank(sym[i], sym[i + 1]);
            if (r != MergeTable.NO_MERGE) heap.push(((long) r << 32) | i);
        }
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int r = (int) (top >>> 32);
            int i = (int) top;
            if (dead[i] || next[i] < 0) continue;
            int j = next[i];
            int slot = merges.find(sym[i], sym[j]);
            if (slot < 0 || merges.rankAt(slot) != r) continue;
            sym[i] = merges.mergedAt(slot);
            dead[j] = true;
            next[i] = next[j];
            if (next[j] >= 0) prev[next[j]] = i;
            if (prev[i] >= 0) {
                int r2 = merges.rank(sym[prev[i]], sym[i]);
                if (r2 != MergeTable.NO_MERGE) heap.push(((long) r2 << 32) | prev[i]);
            }
            if (next[i] >= 0) {
                int r2 = merges.rank(sym[i], sym[next[i]]);
                if (r2 != MergeTable.NO_MERGE) heap.push(((long) r2 << 32) | i);
            }
        }
        int count = 0;
        for (int i = 0; i >= 0; i = next[i]) sym[count++] = sym[i];
        return Arrays.copyOf(sym, count);
    }

    /**
     * The bytes of all tokens, read as UTF-8; invalid sequences (a multi-byte character cut
     * between tokens at the end) become U+FFFD, as in Hugging Face's lossy decoding.
     */
    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        int total = 0;
        for (int id : ids) total += bytes(id).length;
        byte[] all = new byte[total];
        int pos = 0;
        for (int id : ids) {
            if (skipSpecialTokens && isSpecial(id)) continue;
            byte[] b = tokenBytes[id];
            System.arraycopy(b, 0, all, pos, b.length);
            pos += b.length;
        }
        return new String(all, 0, pos, StandardCharsets.UTF_8);
    }

    private byte[] bytes(int id) {
        if (id < 0 || id >= tokenBytes.length || tokenBytes[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary (0.." + (tokenBytes.length - 1) + ").");
        }
        return tokenBytes[id];
    }

    /** A binary min-heap of longs. */
    private static final class LongHeap {
        private long[] a;
        private int size;

        LongHeap(int capacity) {
            a = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == a.length) a = Arrays.copyOf(a, size * 2);
            int i = size++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (a[p] <= v) break;
                a[i] = a[p];
                i = p;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long v = a[--size];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) break;
                if (c + 1 < size && a[c + 1] < a[c]) c++;
                if (a[c] >= v) break;
                a[i] = a[c];
                i = c;
            }
            a[i] = v;
            return top;
        }
    }
}
