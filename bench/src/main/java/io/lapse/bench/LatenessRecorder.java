package io.lapse.bench;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Records how late expiry notifications arrive: for each, the wall-clock time of its arrival
 * minus the deadline it reports, in microseconds; and whether a key came twice.
 *
 * <p>Safe for use by any number of notifying threads.
 */
class LatenessRecorder {

    private final Histogram lateness = new ConcurrentHistogram(3_600_000_000L, 3);
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong early = new AtomicLong();
    private final AtomicLong lastArrivalMicros = new AtomicLong();
    private volatile GcPauses gcAtBegin = GcPauses.now();

    /** Now, in microseconds since the epoch: the resolution of the JDK's system clock on Linux. */
    static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /**
     * Starts a run: collects the garbage earlier runs left, so that it is not this run's to pay
     * for, then counts the collections from here. Called before the entries are written.
     */
    void begin() {
        System.gc();
        gcAtBegin = GcPauses.now();
    }

    /**
     * Records one notification.
     *
     * @param key the expired key
     * @param deadlineMicros its deadline, epoch microseconds
     */
    void record(String key, long deadlineMicros) {
        long now = epochMicros();
        long late = now - deadlineMicros;
        if (late < 0) {
            early.incrementAndGet();
            late = 0;
        }
        lateness.recordValue(late);
        if (!seen.add(key)) {
            duplicates.incrementAndGet();
        }
        delivered.incrementAndGet();
        lastArrivalMicros.accumulateAndGet(now, Math::max);
    }

    long delivered() {
        return delivered.get();
    }

    /**
     * Waits until {@code expected} notifications came or {@code deadlineMicros} (epoch) passed.
     *
     * @return whether all came
     */
    boolean await(long expected, long deadlineMicros) throws InterruptedException {
        while (delivered.get() < expected) {
            if (epochMicros() > deadlineMicros) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    /**
     * Summarizes what was recorded.
     *
     * @param name what was measured
     * @param expected how many notifications should have come
     * @return the figures
     */
    LatenessFigures figures(String name, long expected) {
        GcPauses gcAtEnd = GcPauses.now();
        LatenessFigures f = new LatenessFigures(name, expected, delivered.get(), duplicates.get(), early.get(),
            lateness.getValueAtPercentile(50) / 1000.0, lateness.getValueAtPercentile(99) / 1000.0,
            lateness.getMaxValue() / 1000.0, lastArrivalMicros.get());
        f.gcPauses = gcAtEnd.countSince(gcAtBegin);
        f.gcPauseMillis = gcAtEnd.millisSince(gcAtBegin);
        return f;
    }
}
