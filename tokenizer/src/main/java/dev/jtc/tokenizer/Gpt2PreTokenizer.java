package dev.jtc.tokenizer;

/**
 * GPT-2's pre-tokenization pattern
 * {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+},
 * hand-written instead of a regex: tried in that order at each position, the first alternative
 * that matches wins. The whitespace rule keeps the last space of a run for the word after it.
 * {@code \s} is Unicode White_Space, as in Oniguruma (Hugging Face) and fancy-regex (tiktoken).
 */
final class Gpt2PreTokenizer {

    private Gpt2PreTokenizer() {
    }

    /** The end of the piece that starts at {@code i}; {@code i < to}. */
    static int pieceEnd(String s, int i, int to) {
        char c0 = s.charAt(i);
        if (c0 == '\'' && i + 1 < to) {
            char d = s.charAt(i + 1);
            if (d == 's' || d == 't' || d == 'm' || d == 'd') return i + 2;
            if (i + 2 < to) {
                char e = s.charAt(i + 2);
                if ((d == 'r' && e == 'e') || (d == 'v' && e == 'e') || (d == 'l' && e == 'l')) return i + 3;
            }
        }
        int j = (c0 == ' ' && i + 1 < to) ? i + 1 : i;
        int first = s.codePointAt(j);
        if (j > i || c0 != ' ') {
            if (UnicodeClasses.isLetter(first)) return run(s, j, to, Kind.LETTER);
            if (UnicodeClasses.isNumber(first)) return run(s, j, to, Kind.NUMBER);
            if (!UnicodeClasses.isWhiteSpace(first)) return run(s, j, to, Kind.OTHER);
        }
        // \s+(?!\S) then \s+: a whitespace run, less its last character when a non-space follows
        int k = i;
        while (k < to && UnicodeClasses.isWhiteSpace(s.charAt(k))) k++;
        if (k == to || k - 1 == i) return k;
        return k - 1;
    }

    private enum Kind { LETTER, NUMBER, OTHER }

    private static int run(String s, int k, int to, Kind kind) {
        while (k < to) {
            char ch = s.charAt(k);
            int c;
            int len;
            if (ch < 0x80) {
                c = ch;
                len = 1;
            } else {
                c = s.codePointAt(k);
                len = Character.charCount(c);
            }
            boolean in = switch (kind) {
                case LETTER -> UnicodeClasses.isLetter(c);
                case NUMBER -> UnicodeClasses.isNumber(c);
                case OTHER -> !UnicodeClasses.isWhiteSpace(c) && !UnicodeClasses.isLetter(c) && !UnicodeClasses.isNumber(c);
            };
            if (!in) break;
            k += len;
        }
        return k;
    }
}
