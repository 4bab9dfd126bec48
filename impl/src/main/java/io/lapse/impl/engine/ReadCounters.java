package io.lapse.impl.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Exact hit and miss counts for the read path, without an atomic instruction per read.
 *
 * <p>An atomic add drains the core's store buffer and makes threads on two cores fight over a
 * cache line. Here each reading thread claims a cell of its own (one compare-and-set, once) and
 * from then on counts with a plain load and store: exact, because nobody else writes that cell.
 * Finding the cell (the current thread, its id, a probe) still costs a read about a sixth of its
 * time, which is why a cache counts reads only while its statistics are on. Cells lie two cache lines apart, so threads never share a line. A thread finds its
 * cell by hashing its id and probing a few cells on; a thread that finds none free counts in a
 * shared {@link LongAdder}, still exactly. Cells of threads that have ended are taken back (their
 * counts kept) when statistics are read and, now and then, when a thread finds no free cell.
 *
 * <p>Thread safety: {@link #hit()} and {@link #miss()} may be called by any number of threads;
 * {@link #hits()}, {@link #misses()} and {@link #reset()} too, and are serialized on this object.
 * A sum is exact for the counts made before it started and may include some made while it ran.
 */
final class ReadCounters {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Longs per cell: 128 bytes, two cache lines, against adjacent-line prefetch. */
    private static final int STRIDE = 16;
    private static final int OWNER = 0;
    private static final int HITS = 1;
    private static final int MISSES = 2;
    private static final int PROBES = 4;
    /** Claim failures between two attempts to take back the cells of ended threads. */
    private static final int RECLAIM_EVERY = 1 << 12;

    private final int mask;
    /** Per cell: the owner's thread id (0 when free), hits, misses; then padding. */
    private final long[] cells;
    /** The owners, for telling whether they still run; written under the claim's CAS, read under this lock. */
    private final WeakReference<?>[] owners;
    /** The counts made while taking a cell failed. */
    private final LongAdder sharedHits = new LongAdder();
    private final LongAdder sharedMisses = new LongAdder();
    /** Counts of cells taken back from ended threads, and zero points set by reset; guarded by this. */
    private long foldedHits;
    private long foldedMisses;
    private final long[] zeroes;
    private long sharedHitsZero;
    private long sharedMissesZero;
    /** Racy on purpose: only paces the taking back of cells. */
    private int claimFailures;

    ReadCounters() {
        int wanted = Math.max(32, Runtime.getRuntime().availableProcessors() * 8);
        int size = Integer.highestOneBit(Math.min(wanted, 256) - 1) << 1;
        mask = size - 1;
        cells = new long[(size + 1) * STRIDE];
        owners = new WeakReference<?>[size];
        zeroes = new long[size * 2];
    }

    /** Counts a read that found a live entry. */
    void hit() {
        int base = cell();
        if (base >= 0) {
            LONGS.setOpaque(cells, base + HITS, (long) LONGS.getOpaque(cells, base + HITS) + 1);
        } else {
            sharedHits.increment();
        }
    }

    /** Counts a read that found none. */
    void miss() {
        int base = cell();
        if (base >= 0) {
            LONGS.setOpaque(cells, base + MISSES, (long) LONGS.getOpaque(cells, base + MISSES) + 1);
        } else {
            sharedMisses.increment();
        }
    }

    /** The offset of the calling thread's cell, or -1 when it has none. */
    private int cell() {
        long id = Thread.currentThread().getId();
        int start = (int) (id * 0x9E3779B97F4A7C15L >>> 40);
        for (int p = 0; p < PROBES; p++) {
            int base = offset((start + p) & mask);
            long owner = (long) LONGS.getOpaque(cells, base + OWNER);
            if (owner == id) {
                return base;
            }
            if (owner == 0 && claim((start + p) & mask, id)) {
                return base;
            }
        }
        if ((++claimFailures & (RECLAIM_EVERY - 1)) == 0) {
            reclaim();
        }
        return -1;
    }

    private static int offset(int index) {
        return (index + 1) * STRIDE;
    }

    private boolean claim(int index, long id) {
        if (id == 0) {
            // 0 marks a free cell; only a Thread subclass that overrides getId() could say it
            return false;
        }
        int base = offset(index);
        if (!LONGS.compareAndSet(cells, base + OWNER, 0L, id)) {
            return false;
        }
        owners[index] = new WeakReference<>(Thread.currentThread());
        return true;
    }

    /**
     * Takes back the cells of threads that have ended, keeping their counts. A thread that has
     * ended writes no more, and its end happens-before {@link Thread#isAlive()} returning false.
     */
    private synchronized void reclaim() {
        for (int i = 0; i <= mask; i++) {
            int base = offset(i);
            if ((long) LONGS.getVolatile(cells, base + OWNER) == 0) {
                continue;
            }
            WeakReference<?> ref = owners[i];
            Thread owner = ref == null ? null : (Thread) ref.get();
            if (ref != null && (owner == null || !owner.isAlive())) {
                foldedHits += (long) LONGS.getVolatile(cells, base + HITS) - zeroes[2 * i];
                foldedMisses += (long) LONGS.getVolatile(cells, base + MISSES) - zeroes[2 * i + 1];
                LONGS.setVolatile(cells, base + HITS, 0L);
                LONGS.setVolatile(cells, base + MISSES, 0L);
                zeroes[2 * i] = 0;
                zeroes[2 * i + 1] = 0;
                owners[i] = null;
                LONGS.setVolatile(cells, base + OWNER, 0L);
            }
        }
    }

    /**
     * Returns the hits counted since creation or the last {@link #reset()}.
     *
     * @return the count
     */
    synchronized long hits() {
        reclaim();
        return sum(HITS, 0) + foldedHits + sharedHits.sum() - sharedHitsZero;
    }

    /**
     * Returns the misses counted since creation or the last {@link #reset()}.
     *
     * @return the count
     */
    synchronized long misses() {
        reclaim();
        return sum(MISSES, 1) + foldedMisses + sharedMisses.sum() - sharedMissesZero;
    }

    private long sum(int field, int zero) {
        long total = 0;
        for (int i = 0; i <= mask; i++) {
            total += (long) LONGS.getVolatile(cells, offset(i) + field) - zeroes[2 * i + zero];
        }
        return total;
    }

    /**
     * Starts counting from zero. The cells belong to their threads, so instead of writing them,
     * this records where each stands and counts from there.
     */
    synchronized void reset() {
        for (int i = 0; i <= mask; i++) {
            int base = offset(i);
            zeroes[2 * i] = (long) LONGS.getVolatile(cells, base + HITS);
            zeroes[2 * i + 1] = (long) LONGS.getVolatile(cells, base + MISSES);
        }
        foldedHits = 0;
        foldedMisses = 0;
        sharedHitsZero = sharedHits.sum();
        sharedMissesZero = sharedMisses.sum();
    }
}
