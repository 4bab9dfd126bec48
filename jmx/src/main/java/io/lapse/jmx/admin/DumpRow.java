package io.lapse.jmx.admin;

import javax.management.ConstructorParameters;

import io.lapse.cache.CacheEntry;

/**
 * One entry of a {@link DumpPage}. Immutable; the MXBean framework maps it to a
 * {@code CompositeData} with an item per getter.
 */
public final class DumpRow {

    private final String key;
    private final String type;
    private final String value;
    private final long valueLength;
    private final boolean truncated;
    private final long expiresAtMillis;
    private final long remainingMillis;

    /**
     * Creates a row; the parameters are the properties of the same names.
     */
    @ConstructorParameters({"key", "type", "value", "valueLength", "truncated", "expiresAtMillis", "remainingMillis"})
    public DumpRow(String key, String type, String value, long valueLength, boolean truncated, long expiresAtMillis,
        long remainingMillis) {
        this.key = key;
        this.type = type;
        this.value = value;
        this.valueLength = valueLength;
        this.truncated = truncated;
        this.expiresAtMillis = expiresAtMillis;
        this.remainingMillis = remainingMillis;
    }

    /** The row of an entry, its value cut to {@code maxValueChars}, its time left counted from {@code now}. */
    static DumpRow of(CacheEntry entry, int maxValueChars, long now) {
        Object v = entry.value();
        String text = ValueText.render(v, maxValueChars);
        long length = ValueText.lengthOf(v);
        boolean cut = ValueText.textLength(v) > text.length();
        long deadline = entry.expiresAtMillis();
        return new DumpRow(entry.key(), ValueText.typeOf(v), text, length, cut, deadline,
            deadline == 0 ? 0 : Math.max(1, deadline - now));
    }

    /** @return the key, in full */
    public String getKey() {
        return key;
    }

    /** @return {@code String}, {@code Long} or {@code byte[]} */
    public String getType() {
        return type;
    }

    /** @return the value's text (see {@link ValueText}), cut when {@link #isTruncated()} */
    public String getValue() {
        return value;
    }

    /** @return the value's full length: characters of a String, bytes of a byte[], digits of a Long */
    public long getValueLength() {
        return valueLength;
    }

    /** @return whether {@link #getValue()} is only the start of the value's text */
    public boolean isTruncated() {
        return truncated;
    }

    /** @return the deadline in epoch milliseconds, 0 if the entry never expires */
    public long getExpiresAtMillis() {
        return expiresAtMillis;
    }

    /** @return milliseconds left until the deadline when the page was taken, 0 if it never expires */
    public long getRemainingMillis() {
        return remainingMillis;
    }
}
