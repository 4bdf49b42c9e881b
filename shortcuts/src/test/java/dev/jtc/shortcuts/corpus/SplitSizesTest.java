package dev.jtc.shortcuts.corpus;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SplitSizesTest {

    @Test
    void thePapersSplitWhenEnoughAreAvailable() {
        assertEquals(new SplitSizes(9_000, 3_000), SplitSizes.resolve(12_000, null, null));
        assertEquals(new SplitSizes(9_000, 3_000), SplitSizes.resolve(20_000, null, null));
    }

    @Test
    void otherwiseTheLargestThreeToOneSplit() {
        assertEquals(new SplitSizes(876, 292), SplitSizes.resolve(1_168, null, null));
        assertEquals(new SplitSizes(8_997, 2_999), SplitSizes.resolve(11_999, null, null));
        assertEquals(new SplitSizes(3, 1), SplitSizes.resolve(7, null, null));
    }

    @Test
    void oneGivenSizeKeepsThreeToOne() {
        assertEquals(new SplitSizes(600, 200), SplitSizes.resolve(1_000, 600, null));
        assertEquals(new SplitSizes(300, 100), SplitSizes.resolve(1_000, null, 100));
        assertEquals(new SplitSizes(500, 0), SplitSizes.resolve(1_000, 500, 0));
    }

    @Test
    void askingForMoreThanAvailableNamesTheNumbers() {
        var e = assertThrows(IllegalArgumentException.class, () -> SplitSizes.resolve(1_168, 9_000, 3_000));
        assertEquals("9000 training + 3000 validation sentences = 12000 were asked for, but only 1168 are available.", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SplitSizes.resolve(1_000, 900, null));
    }

    @Test
    void badSizesAreOneSentence() {
        assertEquals("the training split needs at least 1 sentence, got 0.",
                assertThrows(IllegalArgumentException.class, () -> SplitSizes.resolve(100, 0, 10)).getMessage());
        assertEquals("the validation split cannot be negative, got -1.",
                assertThrows(IllegalArgumentException.class, () -> SplitSizes.resolve(100, 10, -1)).getMessage());
        assertEquals("only 3 sentences are available; a 3 : 1 train/validation split needs at least 4.",
                assertThrows(IllegalArgumentException.class, () -> SplitSizes.resolve(3, null, null)).getMessage());
    }
}
