package io.lapse.impl.osgi;

import java.util.Locale;

/**
 * Reads a size in bytes as a configuration writes it: a whole number of bytes, or one with a unit,
 * {@code KB}, {@code MB}, {@code GB} (powers of 1,000) or {@code KiB}, {@code MiB}, {@code GiB}
 * (powers of 1,024), case as you like: {@code 64MB}, {@code 1GiB}, {@code 500000}. Stateless.
 */
final class ByteSizes {

    private ByteSizes() {
    }

    /**
     * Parses a size.
     *
     * @param text the text, not null
     * @return the bytes, at least 0
     * @throws IllegalArgumentException saying what is wrong, if it is not such a size or overflows
     */
    static long parse(String text) {
        String t = text.strip();
        int i = 0;
        while (i < t.length() && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a size: use a whole number of bytes, or one with "
                + "KB, MB, GB, KiB, MiB or GiB (64MB, 1GiB)");
        }
        long number;
        try {
            number = Long.parseLong(t.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a size");
        }
        long unit;
        switch (t.substring(i).strip().toLowerCase(Locale.ROOT)) {
            case "":
            case "b":
                unit = 1;
                break;
            case "kb":
                unit = 1_000L;
                break;
            case "mb":
                unit = 1_000_000L;
                break;
            case "gb":
                unit = 1_000_000_000L;
                break;
            case "kib":
                unit = 1L << 10;
                break;
            case "mib":
                unit = 1L << 20;
                break;
            case "gib":
                unit = 1L << 30;
                break;
            default:
                throw new IllegalArgumentException("'" + text + "' has an unknown unit: use KB, MB, GB, KiB, MiB or GiB");
        }
        try {
            return Math.multiplyExact(number, unit);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a size");
        }
    }
}
