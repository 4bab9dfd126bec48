package io.lapse.jmx.admin;

import javax.management.ConstructorParameters;

/**
 * One page of a cache's live entries, as {@code dump(offset, limit)} returns it. Immutable; the
 * MXBean framework maps it to a {@code CompositeData} whose {@code rows} item is an array of
 * {@link DumpRow} composites.
 */
public final class DumpPage {

    private final long offset;
    private final DumpRow[] rows;
    private final long nextOffset;
    private final long size;

    /**
     * Creates a page; the parameters are the properties of the same names.
     */
    @ConstructorParameters({"offset", "rows", "nextOffset", "size"})
    public DumpPage(long offset, DumpRow[] rows, long nextOffset, long size) {
        this.offset = offset;
        this.rows = rows.clone();
        this.nextOffset = nextOffset;
        this.size = size;
    }

    /** @return the position of the first row among the live entries */
    public long getOffset() {
        return offset;
    }

    /** @return the rows, in the cache's iteration order */
    public DumpRow[] getRows() {
        return rows.clone();
    }

    /** @return the offset of the next page, or -1 when this page reached the last entry */
    public long getNextOffset() {
        return nextOffset;
    }

    /** @return the number of live entries when the page was taken */
    public long getSize() {
        return size;
    }
}
