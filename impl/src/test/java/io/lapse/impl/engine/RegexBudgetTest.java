package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.lapse.cache.Match;

class RegexBudgetTest {

    @ParameterizedTest
    @ValueSource(strings = {"^user:[0-9]+$", "a{1000}", "(foo|bar){2,5}", "\\{1000\\}", "[{]{3}", "x{1,}", "(a+)+$",
        "(?:(?:a*)*)*b", "\\p{Greek}{10}", "[[:alpha:]]{2}x", "\\Qa{1000}{1000}\\E", "(?i)session\\..*",
        "(?P<id>[0-9]{4})-[a-z]{1,8}"})
    void admitsOrdinaryPatterns(String pattern) {
        RegexBudget.check("t", "key regex", pattern);
        assertTrue(RegexBudget.expansion(pattern) <= RegexBudget.MAX_EXPANSION);
    }

    @ParameterizedTest
    @ValueSource(strings = {"((a{1000}){1000}){1000}", "(a{1000}){1000}", "((((a{100}){100}){100}){100})",
        "(?:a{100}){100}", "(ab|cd{100}){100}", "[ab]{100}{100}", "(a{10}){10}(b{10}){10}(c{71}){71}",
        "(((x{20}){20}){20})"})
    void refusesPatternsThatExpandPastTheLimitNamingCacheAndUse(String pattern) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> RegexBudget.check("t", "value regex", pattern));
        assertTrue(e.getMessage().startsWith("cache 't': value regex '" + pattern + "' is too complex"), e.getMessage());
    }

    @Test
    void theCacheRefusesThemBeforeCompilingAndLosesNothing() {
        CacheTable table = new CacheTable("t", new CacheSettings(2, 0, true, 0, null), new TimeSource(new ManualClock()),
            TableListener.NONE);
        table.put("aaa", "bbb");
        // Compiling this one would take the heap; the budget refuses it at once.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> table.removeKeys(Match.regex("((a{1000}){1000}){1000}")));
        assertTrue(e.getMessage().startsWith("cache 't': key regex '((a{1000}){1000}){1000}' is too complex"),
            e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> table.countValues(Match.regex("(b{100}){100}")));
        assertEquals(1, table.size());
        assertEquals(1, table.countKeys(Match.regex("((a){3}){1}")));
        assertEquals(0, table.countKeys(Match.regex("(a{60}){60}")));
        table.close();
    }

    @Test
    void patternsJustUnderTheLimitAreAdmitted() {
        assertTrue(RegexBudget.expansion("((ab){30}){30}") <= RegexBudget.MAX_EXPANSION);
        assertFalse(RegexBudget.expansion("((ab){50}){50}") <= RegexBudget.MAX_EXPANSION);
    }

    @Test
    void theEstimateNeverFallsBelowTheRepetitionItCounts() {
        assertTrue(RegexBudget.expansion("a{1000}") >= 1000);
        assertTrue(RegexBudget.expansion("(a{50}){50}") >= 2500);
        assertTrue(RegexBudget.expansion("(a|b){2}") >= 4);
        assertEquals(3, RegexBudget.expansion("abc"));
    }
}
