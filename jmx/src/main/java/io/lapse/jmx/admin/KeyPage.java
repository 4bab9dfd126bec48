package io.lapse.jmx.admin;

import javax.management.ConstructorParameters;

/**
 * One page of the live keys that match, as {@code keys(kind, pattern, offset, limit)} returns it.
 * Immutable; the MXBean framework maps it to a {@code CompositeData} whose {@code keys} item is a
 * {@code String[]}.
 */
public final class KeyPage {

    private final long offset;
    private final String[] keys;
    private final long nextOffset;

    /**
     * Creates a page; the parameters are the properties of the same names.
     */
    @ConstructorParameters({"offset", "keys", "nextOffset"})
    public KeyPage(long offset, String[] keys, long nextOffset) {
        this.offset = offset;
        this.keys = keys.clone();
        this.nextOffset = nextOffset;
    }

    /** @return the position of the first key among the matching keys */
    public long getOffset() {
        return offset;
    }

    /** @return the keys, in the cache's iteration order */
    public String[] getKeys() {
        return keys.clone();
    }

    /** @return the offset of the next page, or -1 when this page reached the last matching key */
    public long getNextOffset() {
        return nextOffset;
    }
}
