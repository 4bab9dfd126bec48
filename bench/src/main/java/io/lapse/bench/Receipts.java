package io.lapse.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one node of section G received from the others: how many remote changes it applied, when
 * the last one was, and each one's lag, from the moment its writer put it (the {@link System#nanoTime()}
 * the writer took just before its put, carried as the value) to the moment the change was applied
 * here and a read on this node returns it. The nodes share one JVM, so the clocks are one.
 *
 * <p>Safe for use by any number of receiving threads.
 */
final class Receipts {

    /** Lags up to an hour, in microseconds, to three significant digits. */
    private final Histogram lagMicros = new ConcurrentHistogram(3_600_000_000L, 3);
    private final LongAdder applied = new LongAdder();
    private final AtomicLong lastNanos = new AtomicLong();

    /**
     * Records a remote change just applied.
     *
     * @param sentNanos the writer's {@link System#nanoTime()} just before its put
     */
    void applied(long sentNanos) {
        long now = System.nanoTime();
        lagMicros.recordValue(Math.max(0, now - sentNanos) / 1_000);
        applied.increment();
        lastNanos.accumulateAndGet(now, (a, b) -> a == 0 || b - a > 0 ? b : a);
    }

    /** @return how many remote changes were applied */
    long count() {
        return applied.sum();
    }

    /** @return the {@link System#nanoTime()} of the last receipt; 0 before the first */
    long lastNanos() {
        return lastNanos.get();
    }

    /**
     * Adds this node's lags to a histogram of several nodes.
     *
     * @param all the histogram, in microseconds
     */
    void addTo(Histogram all) {
        all.add(lagMicros);
    }
}
