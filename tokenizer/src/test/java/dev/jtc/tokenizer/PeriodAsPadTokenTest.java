package dev.jtc.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The quirk of the paper's pipeline ('.' as pad token in the slow HF GPT2Tokenizer). The
 * reference re-states transformers' {@code tokenize} (4.x): cut the text at every '.', strip
 * Python whitespace from the end of the piece before a '.' and the start of the piece after it,
 * drop empty pieces, and encode each piece on its own (here with jtokkit, independent of us).
 */
class PeriodAsPadTokenTest {

    private static final com.knuddels.jtokkit.api.Encoding R50K =
            Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
    private static final BytePairTokenizer STANDARD = JtokkitParityTest.load();
    private static final BytePairTokenizer QUIRK = STANDARD.withPeriodAsPadToken();
    private static final int PERIOD = 13;

    /** Python 3's str.isspace() (listed from python3 itself). */
    private static boolean pythonSpace(char c) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    static int[] reference(String text) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '.') {
                parts.add(text.substring(from, i));
                parts.add(".");
                from = i + 1;
            }
        }
        parts.add(text.substring(from));
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            String p = parts.get(i);
            if (p.equals(".") && i % 2 == 1) {
                ids.add(PERIOD);
                continue;
            }
            int a = 0;
            int b = p.length();
            if (i > 0) while (a < b && pythonSpace(p.charAt(a))) a++;
            if (i < parts.size() - 1) while (b > a && pythonSpace(p.charAt(b - 1))) b--;
            if (a < b) for (int id : R50K.encodeOrdinary(p.substring(a, b)).toArray()) ids.add(id);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void examples() {
        // "Hello. World." → Hello . World . — no leading space on "World"
        assertArrayEquals(new int[]{15496, PERIOD, 10603, PERIOD}, QUIRK.encode("Hello. World.", false, 1024).ids());
        assertArrayEquals(reference("Mr. Smith went to Washington.\n"), QUIRK.encode("Mr. Smith went to Washington.\n").ids());
        assertArrayEquals(reference("a . b"), QUIRK.encode("a . b").ids());
        assertArrayEquals(reference("3.14 ... x \u00a0.\u00a0 y"), QUIRK.encode("3.14 ... x \u00a0.\u00a0 y").ids());
    }

    @Test
    void offByDefault() {
        assertNotEquals(java.util.Arrays.toString(STANDARD.encode("Hello. World.").ids()),
                java.util.Arrays.toString(QUIRK.encode("Hello. World.").ids()));
        assertArrayEquals(R50K.encodeOrdinary("Hello. World.").toArray(), STANDARD.encode("Hello. World.").ids());
    }

    @Test
    void corpus() {
        for (String text : References.europarl().stream().filter(References::isEnglish).limit(300).toList()) {
            assertArrayEquals(reference(text), QUIRK.encode(text, false, Integer.MAX_VALUE).ids(), text);
        }
    }

    @Property(tries = 300)
    void arbitraryText(@ForAll("dotted") String text) {
        assertArrayEquals(reference(text), QUIRK.encode(text, false, Integer.MAX_VALUE).ids(), text);
    }

    @Provide
    Arbitrary<String> dotted() {
        return Arbitraries.of(".", " ", "  ", "\n", "\u00a0", "\u001f", "word", " word", "3", "'s", "..", "é", "\t")
                .list().ofMaxSize(25).map(l -> String.join("", l));
    }
}
