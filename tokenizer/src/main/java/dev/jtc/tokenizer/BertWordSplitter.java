package dev.jtc.tokenizer;

import java.text.Normalizer;
import java.util.Arrays;

/**
 * Hugging Face's BertNormalizer followed by BertPreTokenizer, in one pass that remembers for every
 * normalized character the span of the original character it came from. In order:
 * remove NUL, U+FFFD and "other" characters and turn whitespace into spaces (clean text);
 * surround CJK ideographs with spaces; NFD and drop nonspacing marks (strip accents); lower-case
 * character by character (full mapping, no context, as Rust's {@code char::to_lowercase});
 * then split at whitespace and cut every punctuation character out as its own word.
 * Decomposition is per character: canonical reordering of combining marks across characters is
 * skipped; it changes nothing once nonspacing marks are dropped, except for the rare spacing
 * marks with a non-zero combining class.
 */
final class BertWordSplitter {

    /** The BertNormalizer settings; {@code stripAccents} defaults to {@code lowercase} in HF. */
    record Options(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {
    }

    /** Receives each word: normalized UTF-16 units and, per unit, the original span. */
    interface WordSink {
        void word(char[] chars, int length, int[] starts, int[] ends);
    }

    /** NFD of each BMP character minus nonspacing marks; null where that is the character itself. */
    private static final String[] STRIPPED = buildStrippedTable();

    private final Options options;

    BertWordSplitter(Options options) {
        this.options = options;
    }

    Options options() {
        return options;
    }

    void split(String text, int from, int to, WordSink sink) {
        Word word = new Word(Math.min(64, to - from + 4));
        for (int i = from; i < to; ) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            if (options.cleanText()) {
                if (c == 0 || c == 0xFFFD || UnicodeClasses.isBertControl(c)) {
                    i = next;
                    continue;
                }
                if (UnicodeClasses.isBertWhitespace(c)) c = ' ';
            }
            boolean chinese = options.handleChineseChars() && UnicodeClasses.isChineseCharacter(c);
            if (chinese) word.flush(sink);
            if (options.stripAccents()) {
                String stripped = stripped(c);
                if (stripped == null) {
                    lowerAndAdd(c, i, next, word, sink);
                } else {
                    for (int k = 0; k < stripped.length(); ) {
                        int d = stripped.codePointAt(k);
                        lowerAndAdd(d, i, next, word, sink);
                        k += Character.charCount(d);
                    }
                }
            } else {
                lowerAndAdd(c, i, next, word, sink);
            }
            if (chinese) word.flush(sink);
            i = next;
        }
        word.flush(sink);
    }

    private void lowerAndAdd(int c, int start, int end, Word word, WordSink sink) {
        if (options.lowercase()) {
            if (c == 0x130) { // the one unconditional multi-character lower-case mapping
                add('i', start, end, word, sink);
                add(0x307, start, end, word, sink);
                return;
            }
            c = Character.toLowerCase(c);
        }
        add(c, start, end, word, sink);
    }

    private static void add(int c, int start, int end, Word word, WordSink sink) {
        if (UnicodeClasses.isWhiteSpace(c)) {
            word.flush(sink);
        } else if (UnicodeClasses.isBertPunctuation(c)) {
            word.flush(sink);
            word.append(c, start, end);
            word.flush(sink);
        } else {
            word.append(c, start, end);
        }
    }

    private static String stripped(int c) {
        if (c < 0xC0) return null;
        if (c < 0x10000) return STRIPPED[c];
        return strip(c);
    }

    private static String strip(int c) {
        String s = Character.toString(c);
        String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder b = new StringBuilder(nfd.length());
        for (int k = 0; k < nfd.length(); ) {
            int d = nfd.codePointAt(k);
            if (!UnicodeClasses.isNonspacingMark(d)) b.appendCodePoint(d);
            k += Character.charCount(d);
        }
        String r = b.toString();
        return r.equals(s) ? null : r;
    }

    private static String[] buildStrippedTable() {
        String[] table = new String[0x10000];
        for (int c = 0xC0; c < 0x10000; c++) {
            if (Character.isSurrogate((char) c)) continue;
            table[c] = strip(c);
        }
        return table;
    }

    /** The word being built: normalized units and their original spans. */
    private static final class Word {
        char[] chars;
        int[] starts;
        int[] ends;
        int length;

        Word(int capacity) {
            chars = new char[capacity];
            starts = new int[capacity];
            ends = new int[capacity];
        }

        void append(int c, int start, int end) {
            if (length + 2 > chars.length) {
                int n = chars.length * 2 + 2;
                chars = Arrays.copyOf(chars, n);
                starts = Arrays.copyOf(starts, n);
                ends = Arrays.copyOf(ends, n);
            }
            if (c < 0x10000) {
                chars[length] = (char) c;
                starts[length] = start;
                ends[length++] = end;
            } else {
                chars[length] = Character.highSurrogate(c);
                starts[length] = start;
                ends[length++] = end;
                chars[length] = Character.lowSurrogate(c);
                starts[length] = start;
                ends[length++] = end;
            }
        }

        void flush(WordSink sink) {
            if (length > 0) {
                sink.word(chars, length, starts, ends);
                length = 0;
            }
        }
    }
}
