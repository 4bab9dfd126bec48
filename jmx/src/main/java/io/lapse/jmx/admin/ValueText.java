package io.lapse.jmx.admin;

import java.util.Base64;

/**
 * How management shows a cache value as text, the same in JMX and in the shell.
 *
 * <ul>
 * <li>a {@code String} as it is;</li>
 * <li>a {@code Long} in decimal;</li>
 * <li>a {@code byte[]} as {@value #BYTES_PREFIX} followed by its standard Base64 (RFC 4648, with
 * padding), e.g. {@code base64:AQID} for the bytes 1, 2, 3.</li>
 * </ul>
 * A {@code String} that itself starts with {@value #BYTES_PREFIX} reads the same as bytes would;
 * {@link #typeOf} (the {@code type} column of a dump) tells them apart.
 *
 * <p>Stateless; safe for use by any number of threads.
 */
public final class ValueText {

    /** What the text of a {@code byte[]} value starts with. */
    public static final String BYTES_PREFIX = "base64:";

    /** The type name of a {@code String} value. */
    public static final String STRING = "String";

    /** The type name of a {@code Long} value. */
    public static final String LONG = "Long";

    /** The type name of a {@code byte[]} value. */
    public static final String BYTES = "byte[]";

    private ValueText() {
    }

    /**
     * Renders a value in full.
     *
     * @param value a {@code String}, {@code Long} or {@code byte[]}, as a cache returns it
     * @return its text
     * @throws IllegalArgumentException if the value is of another type
     */
    public static String render(Object value) {
        return render(value, Integer.MAX_VALUE);
    }

    /**
     * Renders at most the first {@code maxChars} characters of a value's text. A large
     * {@code byte[]} is only encoded as far as needed.
     *
     * @param value a {@code String}, {@code Long} or {@code byte[]}
     * @param maxChars the most characters to return, at least 8
     * @return the text, cut to {@code maxChars}
     * @throws IllegalArgumentException if the value is of another type
     */
    public static String render(Object value, int maxChars) {
        if (value instanceof String) {
            String s = (String) value;
            return s.length() <= maxChars ? s : s.substring(0, maxChars);
        }
        if (value instanceof Long) {
            return value.toString();
        }
        if (value instanceof byte[]) {
            byte[] bytes = (byte[]) value;
            if (textLength(bytes) <= maxChars) {
                return BYTES_PREFIX + Base64.getEncoder().encodeToString(bytes);
            }
            // Base64 turns every 3 bytes into 4 characters: encode just the groups that fit.
            int groups = Math.max(0, (maxChars - BYTES_PREFIX.length()) / 4);
            byte[] head = new byte[Math.min(bytes.length, groups * 3)];
            System.arraycopy(bytes, 0, head, 0, head.length);
            return BYTES_PREFIX + Base64.getEncoder().encodeToString(head);
        }
        throw new IllegalArgumentException("not a cache value: " + (value == null ? "null" : value.getClass().getName()));
    }

    /**
     * The length of a value's full text, without rendering it.
     *
     * @param value a {@code String}, {@code Long} or {@code byte[]}
     * @return how many characters {@link #render(Object)} returns
     * @throws IllegalArgumentException if the value is of another type
     */
    public static long textLength(Object value) {
        if (value instanceof byte[]) {
            return BYTES_PREFIX.length() + 4L * ((((byte[]) value).length + 2) / 3);
        }
        return render(value).length();
    }

    /**
     * The length of a value: characters of a {@code String}, bytes of a {@code byte[]}, digits
     * (and sign) of a {@code Long}'s decimal text.
     *
     * @param value a {@code String}, {@code Long} or {@code byte[]}
     * @return the length
     * @throws IllegalArgumentException if the value is of another type
     */
    public static long lengthOf(Object value) {
        if (value instanceof String) {
            return ((String) value).length();
        }
        if (value instanceof byte[]) {
            return ((byte[]) value).length;
        }
        return render(value).length();
    }

    /**
     * Names the type of a value.
     *
     * @param value a {@code String}, {@code Long} or {@code byte[]}
     * @return {@value #STRING}, {@value #LONG} or {@value #BYTES}
     * @throws IllegalArgumentException if the value is of another type
     */
    public static String typeOf(Object value) {
        if (value instanceof String) {
            return STRING;
        }
        if (value instanceof Long) {
            return LONG;
        }
        if (value instanceof byte[]) {
            return BYTES;
        }
        throw new IllegalArgumentException("not a cache value: " + (value == null ? "null" : value.getClass().getName()));
    }
}
