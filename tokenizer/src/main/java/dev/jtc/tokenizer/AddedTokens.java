package dev.jtc.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tokens that are cut out of the raw text before the model sees it ([CLS], [MASK],
 * &lt;|endoftext|&gt;, …): the leftmost, longest occurrence wins, as in Hugging Face's added
 * vocabulary. Around a token marked to strip, whitespace is removed from the neighbouring text.
 */
final class AddedTokens {

    /**
     * One added token.
     *
     * @param stripLeft        remove whitespace at the end of the text before it (HF {@code lstrip})
     * @param stripRight       remove whitespace at the start of the text after it (HF {@code rstrip})
     * @param pythonWhitespace strip by Python's {@code str.isspace()} instead of Unicode White_Space
     */
    record AddedToken(String content, int id, boolean special, boolean stripLeft, boolean stripRight,
                      boolean pythonWhitespace) {
        AddedToken {
            if (content.isEmpty()) throw new IllegalArgumentException("an added token cannot be empty.");
        }
    }

    /** A piece of the text: either plain text {@code [start, end)} or an added token ({@code tokenId >= 0}). */
    record Segment(int start, int end, int tokenId) {
        boolean isToken() {
            return tokenId >= 0;
        }
    }

    static final AddedTokens NONE = new AddedTokens(List.of());

    private final AddedToken[] tokens;
    /** For each first UTF-16 unit, the tokens that start with it, longest first. */
    private final Map<Character, AddedToken[]> byFirstChar = new HashMap<>();
    private final boolean[] startsAToken = new boolean[1 << 16];

    AddedTokens(List<AddedToken> tokens) {
        this.tokens = tokens.toArray(AddedToken[]::new);
        Map<Character, List<AddedToken>> lists = new HashMap<>();
        for (AddedToken t : this.tokens) {
            char c = t.content().charAt(0);
            startsAToken[c] = true;
            lists.computeIfAbsent(c, k -> new ArrayList<>()).add(t);
        }
        lists.forEach((c, l) -> {
            l.sort(Comparator.comparingInt((AddedToken t) -> t.content().length()).reversed());
            byFirstChar.put(c, l.toArray(AddedToken[]::new));
        });
    }

    List<AddedToken> all() {
        return List.of(tokens);
    }

    AddedTokens with(AddedToken extra) {
        List<AddedToken> l = new ArrayList<>(Arrays.asList(tokens));
        l.removeIf(t -> t.content().equals(extra.content()));
        l.add(extra);
        return new AddedTokens(l);
    }

    /** Splits the text into plain pieces and added tokens; plain pieces left empty by stripping are dropped. */
    List<Segment> split(String text) {
        List<Segment> out = new ArrayList<>();
        List<AddedToken> matched = new ArrayList<>();
        int n = text.length();
        int plainStart = 0;
        if (tokens.length > 0) {
            for (int i = 0; i < n; i++) {
                char c = text.charAt(i);
                if (!startsAToken[c]) continue;
                for (AddedToken t : byFirstChar.get(c)) {
                    if (text.startsWith(t.content(), i)) {
                        if (plainStart < i) {
                            out.add(new Segment(plainStart, i, -1));
                            matched.add(null);
                        }
                        out.add(new Segment(i, i + t.content().length(), t.id()));
                        matched.add(t);
                        i += t.content().length() - 1;
                        plainStart = i + 1;
                        break;
                    }
                }
            }
        }
        if (plainStart < n) {
            out.add(new Segment(plainStart, n, -1));
            matched.add(null);
        }
        return strip(text, out, matched);
    }

    private static List<Segment> strip(String text, List<Segment> segments, List<AddedToken> matched) {
        boolean any = false;
        for (AddedToken t : matched) any |= t != null && (t.stripLeft() || t.stripRight());
        if (!any) return segments;
        Segment[] s = segments.toArray(Segment[]::new);
        for (int i = 0; i < s.length; i++) {
            AddedToken t = matched.get(i);
            if (t == null) continue;
            if (t.stripRight() && i + 1 < s.length && !s[i + 1].isToken()) {
                int a = s[i + 1].start();
                while (a < s[i + 1].end() && isSpace(text.codePointAt(a), t.pythonWhitespace())) a++;
                s[i + 1] = new Segment(a, s[i + 1].end(), -1);
            }
            if (t.stripLeft() && i > 0 && !s[i - 1].isToken()) {
                int b = s[i - 1].end();
                while (b > s[i - 1].start() && isSpace(text.charAt(b - 1), t.pythonWhitespace())) b--;
                s[i - 1] = new Segment(s[i - 1].start(), b, -1);
            }
        }
        List<Segment> out = new ArrayList<>(s.length);
        for (Segment seg : s) if (seg.isToken() || seg.end() > seg.start()) out.add(seg);
        return out;
    }

    private static boolean isSpace(int c, boolean python) {
        return python ? UnicodeClasses.isPythonSpace(c) : UnicodeClasses.isWhiteSpace(c);
    }
}
