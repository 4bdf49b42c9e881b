package dev.jtc.tokenizer;

import java.util.List;

/** Hard inputs for the parity tests: every line must give Hugging Face's ids exactly. */
final class Adversarial {

    private Adversarial() {
    }

    static List<String> texts() {
        return List.of(
                "",
                " ",
                "emoji 😀 🥰🥰🥰 👍🏽 thumbs",
                "family 👨‍👩‍👧‍👦 and flag 🏳️‍🌈 zwj",
                "☺️ variation ♥︎ selectors",
                "combining e\u0301 a\u0308\u0304 \u0301alone Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̥͎",
                "Ça va? Élève naïve résumé ÅNGSTRÖM İstanbul ß ẞ Straße",
                "ΟΔΟΣ σοφός ΣΊΣΥΦΟΣ",
                "中文测试，日本語のテキスト、한국어 텍스트 豈 𠀀𠀁",
                "مرحبا بالعالم ١٢٣ – שָׁלוֹם עוֹלָם",
                "Hello мир 世界 κόσμος 123 ١٢٣ हिन्दी ภาษาไทย",
                "a\tb\nc\r\nd\u000Be\u000Cf",
                "   leading and trailing   ",
                "a" + " ".repeat(50) + "b" + "\t".repeat(7) + "c\n\n\n",
                "\u00a0nbsp\u2003em\u3000ideographic\u202Fnarrow\u2007figure",
                "x\u2028y\u2029z\u0085w\u001Cfs\u001Fus",
                "controls a\u0000b\u0007c\u001bd\u200be\u200df\ufeffg\u00adh\u0600i",
                "private \uE000 unassigned \u0378 replacement \uFFFD end",
                "a".repeat(10000),
                "é".repeat(10000),
                "Donau" + "dampfschiff".repeat(909),
                "😀".repeat(2500),
                "the capital of france is [MASK] .",
                "[CLS] x [SEP] [PAD][UNK] [MASK][MASK] a[MASK]b [mask] [Mask]",
                "<|endoftext|>hello<|endoftext|> <|endoftext|> world",
                "I'm, you're, he'll, we've, she'd, it's, can't, 'S 'T ''s '' ' s",
                "3.14159 1,000,000 ²³ ½ Ⅻ ๑๒๓ 0x1F 1e-9",
                "$100 + 5% = <tag> ^_^ `code` |pipe| ~tilde {brace} «quote» “smart” — dash … ¿¡ @#&*",
                "ℝ ℕ ∑ ∫ ≤ ≥ ⊂ ℌ ﬁ ligature",
                "ＡＢＣ１２３ fullwidth ｶﾀｶﾅ",
                "new emoji 🫨 🪿 U+1FAE8",
                "mixed\u00A0\u00A0nbsp  \u00A0 runs",
                "...   ,,,!!!???",
                "'twas the night's end''");
    }

    /** Strings with unpaired surrogates; we treat each as U+FFFD (documented), HF cannot hold them. */
    static List<String> withUnpairedSurrogates() {
        return List.of("x\uD800y", "\uDC00", "a\uD83Db c\uDE00d", "end\uD83D");
    }
}
