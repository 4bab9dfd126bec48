package io.lapse.jmx.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.google.re2j.Pattern;

import io.lapse.cache.Match;

class RegexGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {"^user:[0-9]+$", "a{1000}", "(foo|bar){2,5}", "\\{1000\\}", "[{]{3}", "x{1,}", "(a+)+$",
        "(?:(?:a*)*)*b", "\\p{Greek}{10}", "[[:alpha:]]{2}x", "\\Qa{1000}{1000}\\E", "a{", "{5}", "(?i)session\\..*",
        "(?P<id>[0-9]{4})-[a-z]{1,8}"})
    void admitsOrdinaryPatterns(String pattern) {
        Match match = RegexGuard.regex("key regex", pattern);
        assertEquals(Match.Kind.REGEX, match.kind());
        assertEquals(pattern, match.pattern());
    }

    @ParameterizedTest
    @ValueSource(strings = {"((a{1000}){1000}){1000}", "(a{1000}){1000}", "((((a{100}){100}){100}){100})",
        "(?:a{100}){100}", "(ab|cd{100}){100}", "[ab]{100}{100}", "(a{10}){10}(b{10}){10}(c{71}){71}",
        "(((x{20}){20}){20})"})
    void refusesPatternsThatExpandPastTheLimit(String pattern) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> RegexGuard.regex("key regex", pattern));
        assertTrue(e.getMessage().startsWith("key regex '" + pattern + "' is too complex"), e.getMessage());
    }

    @Test
    void patternsJustUnderTheLimitAreAdmittedAndRun() {
        // Refused shapes would exhaust the heap while compiling; these compile and match as usual.
        String text = "ab".repeat(2000);
        assertTrue(RegexGuard.expansion("((ab){30}){30}") <= RegexGuard.MAX_EXPANSION);
        assertTrue(Pattern.compile(RegexGuard.regex("key regex", "((ab){30}){30}").pattern()).matcher(text).find());
        assertFalse(Pattern.compile(RegexGuard.regex("key regex", "(a{60}){60}").pattern()).matcher(text).find());
    }

    @Test
    void refusesNullAndOverlongPatternsWithoutEchoingThem() {
        assertEquals("value regex is null",
            assertThrows(IllegalArgumentException.class, () -> RegexGuard.regex("value regex", null)).getMessage());
        String longPattern = "x".repeat(RegexGuard.MAX_LENGTH + 1);
        assertEquals("key regex of 1025 characters is longer than the limit of 1024",
            assertThrows(IllegalArgumentException.class, () -> RegexGuard.regex("key regex", longPattern)).getMessage());
        RegexGuard.check("key regex", "x".repeat(RegexGuard.MAX_LENGTH));
    }

    @Test
    void theEstimateNeverFallsBelowTheRepetitionItCounts() {
        assertTrue(RegexGuard.expansion("a{1000}") >= 1000);
        assertTrue(RegexGuard.expansion("(a{50}){50}") >= 2500);
        assertTrue(RegexGuard.expansion("(a|b){2}") >= 4);
        assertEquals(3, RegexGuard.expansion("abc"));
    }
}
