package io.lapse.impl.engine;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts expiry lateness (how long after its deadline an expiry was noticed) in buckets that are
 * exact to the millisecond up to 127 ms and within 1/16 above, up to 2^40 ms; the largest value
 * is kept exactly. Percentiles are the upper bound of the bucket they fall in.
 *
 * <p>Safe for use by any number of threads; a snapshot taken while values are recorded may
 * include some of them and not others.
 */
final class LagHistogram {

    private static final int LINEAR = 128;
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private static final int FIRST_EXPONENT = 7;
    private static final int LAST_EXPONENT = 40;
    private static final int BUCKETS = LINEAR + (LAST_EXPONENT - FIRST_EXPONENT + 1) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong max = new AtomicLong();

    /** Records one lateness; negative values count as 0. */
    void record(long millis) {
        long v = Math.max(0, millis);
        counts.incrementAndGet(bucket(v));
        if (v > max.get()) {
            max.accumulateAndGet(v, Math::max);
        }
    }

    private static int bucket(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int exponent = Math.min(63 - Long.numberOfLeadingZeros(v), LAST_EXPONENT);
        int sub = (int) (Math.min(v >>> (exponent - SUB_BITS), 2L * SUB - 1) & (SUB - 1));
        return LINEAR + (exponent - FIRST_EXPONENT) * SUB + sub;
    }

    private static long upperBound(int bucket) {
        if (bucket < LINEAR) {
            return bucket;
        }
        int exponent = FIRST_EXPONENT + (bucket - LINEAR) / SUB;
        int sub = (bucket - LINEAR) % SUB;
        long base = 1L << exponent;
        long width = base >>> SUB_BITS;
        return base + (sub + 1) * width - 1;
    }

    /**
     * Returns a percentile.
     *
     * @param fraction 0.5 for the median, 0.99 for the 99th percentile
     * @return the lateness in ms at or under which that fraction lies, 0 when nothing was recorded
     */
    long percentile(double fraction) {
        long[] snapshot = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return Math.min(upperBound(i), max.get());
            }
        }
        return max.get();
    }

    /** @return the largest lateness recorded, in ms */
    long max() {
        return max.get();
    }

    /** Forgets everything recorded. */
    void reset() {
        for (int i = 0; i < BUCKETS; i++) {
            counts.set(i, 0);
        }
        max.set(0);
    }
}
