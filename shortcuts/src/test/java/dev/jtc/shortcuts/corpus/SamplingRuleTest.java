package dev.jtc.shortcuts.corpus;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SamplingRuleTest {

    @Test
    void parsesItsNames() {
        assertEquals(SamplingRule.PAPER, SamplingRule.parse("paper"));
        assertEquals(SamplingRule.SENTENCES, SamplingRule.parse(" Sentences "));
        assertEquals("paper", SamplingRule.PAPER.toString());
        assertEquals("unknown sampling rule \"random\"; expected paper or sentences.",
                assertThrows(IllegalArgumentException.class, () -> SamplingRule.parse("random")).getMessage());
    }
}
