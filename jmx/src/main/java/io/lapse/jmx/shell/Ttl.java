package io.lapse.jmx.shell;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a TTL typed in the shell: whole seconds ({@code 30}) or a number with a unit
 * ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}), as in the cache
 * configuration's {@code autoexpire}; {@code 0} means the entry never expires.
 */
final class Ttl {

    private static final Pattern SYNTAX = Pattern.compile("([0-9]{1,12})(ms|s|m|h|d)?");

    private Ttl() {
    }

    /**
     * Parses a TTL.
     *
     * @param text what was typed
     * @return the TTL
     * @throws IllegalArgumentException if it is not a TTL; the message shows the syntax
     */
    static Duration parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("ttl " + Typed.quote(text) + " is not seconds or a number with ms, s, m, h or d");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        switch (unit) {
            case "ms": return Duration.ofMillis(amount);
            case "m": return Duration.ofMinutes(amount);
            case "h": return Duration.ofHours(amount);
            case "d": return Duration.ofDays(amount);
            default: return Duration.ofSeconds(amount);
        }
    }

    /**
     * Shows the time left until a deadline, for a dump.
     *
     * @param remainingMillis milliseconds left, 0 for an entry that never expires
     * @return e.g. {@code never}, {@code 850ms}, {@code 29.5s}, {@code 12m}
     */
    static String remaining(long remainingMillis) {
        if (remainingMillis == 0) {
            return "never";
        }
        if (remainingMillis < 1_000) {
            return remainingMillis + "ms";
        }
        if (remainingMillis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", remainingMillis / 1000.0);
        }
        if (remainingMillis < 3_600_000) {
            return remainingMillis / 60_000 + "m";
        }
        if (remainingMillis < 86_400_000) {
            return remainingMillis / 3_600_000 + "h";
        }
        return remainingMillis / 86_400_000 + "d";
    }
}
