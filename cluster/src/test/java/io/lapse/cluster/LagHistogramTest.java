package io.lapse.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Percentiles within an eighth of the truth, never above the largest value, exact below 8 µs. */
class LagHistogramTest {

    @Test
    void nothingRecordedReadsZero() {
        LagHistogram h = new LagHistogram();
        assertEquals(0, h.percentileMillis(0.5));
        assertEquals(0, h.maxMillis());
    }

    @Test
    void percentilesAreTheirBucketsUpperBoundsWithinAnEighth() {
        LagHistogram h = new LagHistogram();
        for (int us = 1; us <= 10_000; us++) {
            h.record(us);
        }
        assertEquals(10_000, h.count());
        double p50 = h.percentileMillis(0.5);
        double p99 = h.percentileMillis(0.99);
        assertTrue(p50 >= 5.0 && p50 <= 5.0 * 1.125, "p50 " + p50);
        assertTrue(p99 >= 9.9 && p99 <= 10.0, "p99 " + p99 + ", capped by the max");
        assertEquals(10.0, h.maxMillis());
    }

    @Test
    void bucketsCoverEveryValueAndTheirBoundsContainIt() {
        long[] values = {0, 1, 7, 8, 9, 15, 16, 17, 1_000, 123_456_789, Long.MAX_VALUE / 3, Long.MAX_VALUE};
        for (long v : values) {
            int b = LagHistogram.bucket(v);
            assertTrue(LagHistogram.upperBound(b) >= v, v + " in bucket " + b);
            assertTrue(b == 0 || LagHistogram.upperBound(b - 1) < v, v + " above the bucket before");
        }
        for (long v = 0; v < 8; v++) {
            assertEquals(v, LagHistogram.upperBound(LagHistogram.bucket(v)), "exact below 8");
        }
    }

    @Test
    void aNegativeLagCountsAsZero() {
        LagHistogram h = new LagHistogram();
        h.record(-5_000);
        assertEquals(0, h.percentileMillis(0.99));
        assertEquals(1, h.count());
    }
}
