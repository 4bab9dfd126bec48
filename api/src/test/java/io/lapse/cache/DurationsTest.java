package io.lapse.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void parsesSecondsAndUnits() {
        assertEquals(0, Durations.parseMillis("0"));
        assertEquals(30_000, Durations.parseMillis("30"));
        assertEquals(500, Durations.parseMillis("500ms"));
        assertEquals(30_000, Durations.parseMillis(" 30s "));
        assertEquals(300_000, Durations.parseMillis("5m"));
        assertEquals(7_200_000, Durations.parseMillis("2h"));
        assertEquals(86_400_000, Durations.parseMillis("1D"));
        assertEquals(1_500, Durations.parseMillis("1500 ms"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-5", "5x", "ms", "1.5s", "5 minutes", "1e3", "+3", "99999999999999999999"})
    void refusesWhatIsNotADuration(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parseMillis(text));
        assertTrue(e.getMessage().contains("duration") || e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void refusesNullAndWhatExceedsTheLimit() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parseMillis(null));
        assertEquals(36_500L * 86_400_000, Durations.parseMillis("36500d"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseMillis("36501d"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0665s", "\uff15", "1\u0663", "\u09e7\u09e6ms"})
    void refusesDigitsOtherThanAscii(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parseMillis(text));
        assertEquals("'" + text + "' is not a duration: use the digits 0-9", e.getMessage());
    }

    @Test
    void formatsInTheLargestUnitThatDividesAndParsesBack() {
        assertEquals("0s", Durations.format(0));
        assertEquals("500ms", Durations.format(500));
        assertEquals("1500ms", Durations.format(1_500));
        assertEquals("5s", Durations.format(5_000));
        assertEquals("90s", Durations.format(90_000));
        assertEquals("1h", Durations.format(3_600_000));
        assertEquals("2d", Durations.format(172_800_000));
        for (long millis : new long[] {1, 999, 61_000, 86_400_001}) {
            assertEquals(millis, Durations.parseMillis(Durations.format(millis)));
        }
    }
}
