package io.lapse.impl.engine;

import java.util.Locale;

/**
 * Parses the durations of configurations: a whole number of seconds ({@code 30}), or a whole
 * number with a unit: {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 500ms},
 * {@code 5m}, {@code 1d}).
 */
public final class Durations {

    private static final long MAX_MILLIS = io.lapse.cache.Cache.MAX_TTL.toMillis();

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @param text the text, surrounding white space allowed
     * @return the duration in milliseconds, 0 or more
     * @throws IllegalArgumentException if the text is empty, negative, not a whole number with
     *     one of the units, or longer than 100 years
     */
    public static long parseMillis(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < t.length() && Character.isDigit(t.charAt(end))) {
            end++;
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

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration: expected whole seconds, "
            + "or a whole number with a unit ms, s, m, h or d (e.g. 500ms, 30s, 5m, 2h, 1d)");
    }

    private static IllegalArgumentException tooLong(String text) {
        return new IllegalArgumentException("'" + text + "' is longer than the limit of 36500 days");
    }
}
