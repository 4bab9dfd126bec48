package io.lapse.cache;

import java.time.Duration;
import java.util.Locale;

/**
 * The one syntax of durations in Lapse, for configurations ({@code autoexpire}, {@code idleexpire},
 * {@code resolution}, {@code db_wait}, {@code db_timeout}), the shell's TTLs and anything else that
 * reads a duration typed by a person: a whole number of seconds ({@code 30}), or a whole number
 * with a unit: {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 500ms}, {@code 5m},
 * {@code 1d}), any case, white space around it or before the unit allowed, at most
 * {@link Cache#MAX_TTL}. Digits are ASCII: other scripts' digits are refused. Stateless.
 */
public final class Durations {

    private static final long MAX_MILLIS = Cache.MAX_TTL.toMillis();

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @param text the text, surrounding white space allowed
     * @return the duration in milliseconds, 0 or more
     * @throws IllegalArgumentException if the text is empty, negative, not a whole number (in
     *     the digits 0-9) with one of the units, or longer than 100 years
     */
    public static long parseMillis(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < t.length() && isAsciiDigit(t.charAt(end))) {
            end++;
        }
        for (int i = end; i < t.length(); i++) {
            if (Character.isDigit(t.charAt(i))) {
                // Long.parseLong would read them, but nobody means a duration with them
                throw new IllegalArgumentException("'" + text + "' is not a duration: use the digits 0-9");
            }
        }
        if (end == 0) {
            throw invalid(text);
        }
        String unit = t.substring(end).strip();
        long factor;
        switch (unit) {
            case "ms":
                factor = 1;
                break;
            case "":
            case "s":
                factor = 1_000;
                break;
            case "m":
                factor = 60_000;
                break;
            case "h":
                factor = 3_600_000;
                break;
            case "d":
                factor = 86_400_000;
                break;
            default:
                throw invalid(text);
        }
        long amount;
        try {
            amount = Long.parseLong(t.substring(0, end));
        } catch (NumberFormatException e) {
            throw tooLong(text);
        }
        if (amount > MAX_MILLIS / factor) {
            throw tooLong(text);
        }
        return amount * factor;
    }

    /**
     * Parses a duration, as {@link #parseMillis}.
     *
     * @param text the text, surrounding white space allowed
     * @return the duration, zero or more
     * @throws IllegalArgumentException if it is not such a duration, saying so
     */
    public static Duration parse(String text) {
        return Duration.ofMillis(parseMillis(text));
    }

    /**
     * Writes a duration as {@link #parseMillis} reads it, in the largest unit that divides it.
     *
     * @param millis a duration in ms, 0 or more
     * @return e.g. {@code 500ms}, {@code 5s}, {@code 1h}; {@code 0s} for 0
     */
    public static String format(long millis) {
        if (millis == 0) {
            return "0s";
        }
        long[] factors = {86_400_000, 3_600_000, 60_000, 1_000};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < factors.length; i++) {
            if (millis % factors[i] == 0) {
                return millis / factors[i] + units[i];
            }
        }
        return millis + "ms";
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration: expected whole seconds, "
            + "or a whole number with a unit ms, s, m, h or d (e.g. 500ms, 30s, 5m, 2h, 1d)");
    }

    private static IllegalArgumentException tooLong(String text) {
        return new IllegalArgumentException("'" + text + "' is longer than the limit of 36500 days");
    }
}
