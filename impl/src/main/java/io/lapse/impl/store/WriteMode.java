package io.lapse.impl.store;

import java.util.Locale;

/** When a store writes the cache's contents to its table (htable's {@code dbmode}, extended). */
public enum WriteMode {

    /** Never: the table is only read, at start and on reload (htable {@code dbmode=0}). */
    NONE("none"),

    /** Once, when the cache stops: the table is replaced by the live entries (htable {@code dbmode=1}). */
    ON_STOP("on-stop"),

    /** Every change, committed before the call that made it returns. */
    WRITE_THROUGH("write-through");

    private final String text;

    WriteMode(String text) {
        this.text = text;
    }

    /**
     * Reads a mode: its name, or htable's {@code 0} and {@code 1}; case does not matter.
     *
     * @param value the configured value
     * @return the mode
     * @throws IllegalArgumentException if it names none
     */
    public static WriteMode parse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        switch (v) {
            case "0":
            case "none":
                return NONE;
            case "1":
            case "on-stop":
                return ON_STOP;
            case "write-through":
                return WRITE_THROUGH;
            default:
                throw new IllegalArgumentException("'" + value + "' is not a write mode: use none (0), on-stop (1) or "
                    + "write-through");
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
