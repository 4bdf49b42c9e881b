package dev.jtc.tokenizer;

/**
 * The character classes the Hugging Face tokenizers use, written out because Java's own
 * predicates differ: {@link Character#isWhitespace} leaves out no-break spaces and includes
 * U+001C..U+001F, while the Rust library and the GPT-2 pattern use Unicode's White_Space
 * property. Classes are taken from the JDK's Unicode tables (Unicode 16 in JDK 25); a character
 * assigned after the Unicode version of the Rust library may be classed differently there.
 */
final class UnicodeClasses {

    private UnicodeClasses() {
    }

    /** Unicode White_Space: Rust's {@code char::is_whitespace}, Oniguruma's and fancy-regex's {@code \s}. */
    static boolean isWhiteSpace(int c) {
        if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
        return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A)
                || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    /** Python's {@code str.isspace()}: White_Space plus the separators U+001C..U+001F. */
    static boolean isPythonSpace(int c) {
        return isWhiteSpace(c) || (c >= 0x1C && c <= 0x1F);
    }

    /** {@code \p{L}}: Lu, Ll, Lt, Lm, Lo. */
    static boolean isLetter(int c) {
        if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
        return Character.isLetter(c);
    }

    /** {@code \p{N}}: Nd, Nl, No (Java's isDigit is only Nd). */
    static boolean isNumber(int c) {
        if (c < 0x80) return c >= '0' && c <= '9';
        int t = Character.getType(c);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    /** BertNormalizer's whitespace: tab, newline, carriage return, and White_Space. */
    static boolean isBertWhitespace(int c) {
        return isWhiteSpace(c);
    }

    /**
     * BertNormalizer's "control" (removed when cleaning text): the Unicode "other" categories
     * Cc, Cf, Cs, Co, except tab, newline and carriage return, which count as whitespace.
     * Unassigned code points (Cn) are kept: the Rust library does not count them (U+0378 becomes
     * [UNK], not nothing), unlike Python's BertTokenizer.
     *
     * <p>Hugging Face classifies with the Rust crate unicode_categories, whose tables are
     * Unicode 8.0: a character assigned later is unassigned there, so it is no control, no
     * punctuation and no nonspacing mark for BERT, whatever the JDK's newer tables say.
     * (Checked code point by code point against the Rust library.)
     */
    static boolean isBertControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') return false;
        if (c < 0x80) return c < 0x20 || c == 0x7F;
        if (!UnicodeAge8.assigned(c)) return false;
        int t = bertCategory(c);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.SURROGATE
                || t == Character.PRIVATE_USE;
    }

    /**
     * BertPreTokenizer's punctuation: every ASCII punctuation character (33–47, 58–64, 91–96,
     * 123–126, which includes symbols such as $ + &lt; = &gt; ^ ` | ~) and every Unicode P* character.
     */
    static boolean isBertPunctuation(int c) {
        if (c < 0x80) {
            return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
        }
        if (!UnicodeAge8.assigned(c)) return false; // see isBertControl
        return switch (bertCategory(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** The CJK ideograph blocks that BertNormalizer surrounds with spaces. */
    static boolean isChineseCharacter(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    /** A nonspacing mark (Mn) as of Unicode 8.0 (see isBertControl), dropped when accents are stripped. */
    static boolean isNonspacingMark(int c) {
        return c >= 0x300 && UnicodeAge8.assigned(c) && bertCategory(c) == Character.NON_SPACING_MARK;
    }

    /**
     * The general category as Unicode 8.0 had it, for BERT's classes: the JDK's category, except
     * for the characters whose category changed since (from the Unicode release notes; each was
     * checked against the Rust library).
     */
    private static int bertCategory(int c) {
        return switch (c) {
            case 0x166D, 0x111C9 -> Character.OTHER_PUNCTUATION; // So since 12.0; Mn since 11.0
            case 0x1734, 0x1171E -> Character.NON_SPACING_MARK;  // Mc since 14.0
            case 0x1885, 0x1886 -> Character.OTHER_LETTER;        // Mn since 9.0
            case 0xA9BD -> Character.COMBINING_SPACING_MARK;      // Mn since 12.0
            default -> Character.getType(c);
        };
    }

    /**
     * Replaces each unpaired surrogate by U+FFFD (one UTF-16 unit for one, so offsets stay valid).
     * Rust strings, and so Hugging Face, cannot hold unpaired surrogates; UTF-8 encoders
     * replace them with U+FFFD, and we do the same before tokenizing.
     */
    static String replaceUnpairedSurrogates(String text) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) break;
            i++;
        }
        if (i == n) return text;
        char[] chars = text.toCharArray();
        for (; i < n; i++) {
            char c = chars[i];
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(chars[i + 1])) {
                i++;
            } else if (Character.isSurrogate(c)) {
                chars[i] = '\uFFFD';
            }
        }
        return new String(chars);
    }
}
