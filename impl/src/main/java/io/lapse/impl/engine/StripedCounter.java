package io.lapse.impl.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A counter for the read path: each thread adds to a cell chosen by its id, cells a cache line
 * apart, so threads on different cells never share a line. Exact: every add is atomic.
 */
final class StripedCounter {

    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);
    /** Longs between cells: 128 bytes, two cache lines, against adjacent-line prefetch. */
    private static final int SPACING = 16;

    private final long[] cells;
    private final int mask;

    StripedCounter() {
        int stripes = Integer.highestOneBit(Math.max(4, Runtime.getRuntime().availableProcessors() * 4 - 1) << 1);
        stripes = Math.min(stripes, 256);
        mask = stripes - 1;
        cells = new long[(stripes + 1) * SPACING];
    }

    void increment() {
        CELL.getAndAdd(cells, index(), 1L);
    }

    private int index() {
        long id = Thread.currentThread().getId();
        return ((int) (id * 0x9E3779B97F4A7C15L >>> 32) & mask) * SPACING + SPACING;
    }

    long sum() {
        long sum = 0;
        for (int i = SPACING; i < cells.length; i += SPACING) {
            sum += (long) CELL.getVolatile(cells, i);
        }
        return sum;
    }

    void reset() {
        for (int i = SPACING; i < cells.length; i += SPACING) {
            CELL.setVolatile(cells, i, 0L);
        }
    }
}
