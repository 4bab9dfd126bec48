package io.lapse.cluster;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts how long remote changes took from their sender to this node, in microseconds: buckets
 * exact below 8 µs and within 1/8 above (eight per power of two), the largest value kept
 * exactly. A percentile is the upper bound of the bucket it falls in, never above the largest.
 *
 * <p>Safe for use by any number of threads; a percentile read while values are recorded may
 * count some of them and not others.
 */
final class LagHistogram {

    private static final int SUB_BITS = 3;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = SUB + (63 - SUB_BITS) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong max = new AtomicLong();

    /**
     * Records one lag.
     *
     * @param micros the lag; a negative one (clocks apart) counts as 0
     */
    void record(long micros) {
        long v = Math.max(0, micros);
        counts.incrementAndGet(bucket(v));
        if (v > max.get()) {
            max.accumulateAndGet(v, Math::max);
        }
    }

    static int bucket(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) (v >>> (exponent - SUB_BITS)) & (SUB - 1);
        return SUB + (exponent - SUB_BITS) * SUB + sub;
    }

    static long upperBound(int bucket) {
        if (bucket < SUB) {
            return bucket;
        }
        int exponent = SUB_BITS + (bucket - SUB) / SUB;
        long sub = (bucket - SUB) % SUB;
        long width = 1L << (exponent - SUB_BITS);
        return (SUB + sub + 1) * width - 1;
    }

    /**
     * Returns a percentile.
     *
     * @param fraction 0.5 for the median, 0.99 for the 99th percentile
     * @return the lag in ms at or under which that fraction lies, 0 when nothing was recorded
     */
    double percentileMillis(double fraction) {
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
        int i = 0;
        while (seen + snapshot[i] < rank && i < BUCKETS - 1) {
            seen += snapshot[i++];
        }
        return Math.min(upperBound(i), max.get()) / 1_000.0;
    }

    /** @return the largest lag recorded, in ms */
    double maxMillis() {
        return max.get() / 1_000.0;
    }

    /** @return how many lags were recorded */
    long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }
}
