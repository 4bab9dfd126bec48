package io.lapse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;

import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.EventKind;
import io.lapse.impl.engine.LevelBacking;
import io.lapse.impl.engine.Limits;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;
import io.lapse.impl.level.FileLevel;

/**
 * Section H's cost of expiry through a level: entries written to a cache whose heap holds a tenth
 * of them in front of its file level, all given the same deadline, then expired by the level's
 * expiry thread alone (nothing reads or writes them): how long after the deadline each
 * {@code cache/expired} report comes, and how many the level expires per second. Nine in ten of the
 * entries are in the file only when their deadline passes.
 */
final class LevelExpiryCost {

    /** What one run measured. */
    static final class Result {
        final int entries;
        final long p50Millis;
        final long p99Millis;
        final long maxMillis;
        final double perSecond;

        Result(int entries, Histogram lag, long lastMillis) {
            this.entries = entries;
            this.p50Millis = lag.getValueAtPercentile(50);
            this.p99Millis = lag.getValueAtPercentile(99);
            this.maxMillis = lag.getMaxValue();
            this.perSecond = entries * 1000.0 / Math.max(1, lastMillis);
        }
    }

    private LevelExpiryCost() {
    }

    static Result measure(int entries) throws IOException {
        Path folder = Files.createTempDirectory("lapse-bench-level-expiry");
        TimeSource time = new TimeSource(Clock.system());
        Histogram lag = new Histogram(3_600_000, 3);
        AtomicLong reported = new AtomicLong();
        AtomicLong last = new AtomicLong();
        TableListener counter = new TableListener() {
            @Override
            public boolean wants(EventKind kind) {
                return kind == EventKind.EXPIRED;
            }

            @Override
            public void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis) {
                long late = Math.max(0, System.currentTimeMillis() - expiresAtMillis);
                synchronized (lag) {
                    lag.recordValue(late);
                }
                last.accumulateAndGet(late, Math::max);
                reported.incrementAndGet();
            }

            @Override
            public void table(EventKind kind, String cache, long count) {
            }
        };
        CacheTable table = new CacheTable("expiry", Subject.lapseSettings()
            .withLimits(new Limits(entries / 10, 0, Limits.MAX_ITEM_SIZE)), time, counter);
        FileLevel level = FileLevel.open(folder.resolve("expiry.mv"));
        LevelBacking backing = table.backBy(level);
        backing.expiry().start("bench-level-expiry", e -> { });
        try {
            // one deadline for all, far enough ahead for every write to land before it
            long deadline = System.currentTimeMillis() + 5_000 + entries / 2;
            for (int i = 0; i < entries; i++) {
                table.put("e" + i, "v", Duration.ofMillis(Math.max(1, deadline - System.currentTimeMillis())));
            }
            long waitUntil = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (reported.get() < entries && System.nanoTime() < waitUntil) {
                LockSupport.parkNanos(1_000_000);
            }
            if (reported.get() != entries) {
                throw new IllegalStateException("the level reported " + reported.get() + " of " + entries + " expiries");
            }
            return new Result(entries, lag, last.get());
        } finally {
            backing.expiry().close();
            table.close();
            level.close();
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
