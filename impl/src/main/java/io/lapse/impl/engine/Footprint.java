package io.lapse.impl.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a bounded table holds, in entries and, when it weighs them, in bytes: the figures its
 * {@link Limits} are checked against. Each segment adds and subtracts what it links and unlinks,
 * under its own lock, and keeps its own share ({@code Segment.weight}), from which a change of
 * layout sets the totals again. A table without limits has none, and pays nothing.
 *
 * <p>Thread safety: the totals are atomic; between two segments' changes they may be off by what a
 * writer has linked and not yet added, which is what the documented slack of a limit allows.
 */
final class Footprint {

    /** Whether entries are weighed ({@code max_bytes} is set); fixed for the life of the footprint. */
    final boolean weighs;
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    Footprint(boolean weighs) {
        this.weighs = weighs;
    }

    /** Adds what a segment linked (or, negative, unlinked). */
    void add(long entryCount, long byteCount) {
        if (entryCount != 0) {
            entries.addAndGet(entryCount);
        }
        if (byteCount != 0) {
            bytes.addAndGet(byteCount);
        }
    }

    /** Sets the totals, under every slot lock of the table. */
    void set(long entryCount, long byteCount) {
        entries.set(entryCount);
        bytes.set(byteCount);
    }

    /** @return the entries linked */
    long entries() {
        return entries.get();
    }

    /** @return the bytes they weigh, 0 unless the table {@link #weighs} */
    long bytes() {
        return bytes.get();
    }
}
