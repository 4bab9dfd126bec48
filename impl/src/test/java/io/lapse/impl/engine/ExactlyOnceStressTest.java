package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import io.lapse.cache.Match;

/**
 * Writers, sweeper threads, whole-table passes and changes of size race over a small key space
 * with short TTLs. Writers never overwrite a live entry (putIfAbsent), so every value stored
 * must leave the table exactly once: by a {@code removed} event (remove, compute, match) or by
 * an {@code expired} event (sweeper, or a write, count or pass that found it due). Any value
 * reported twice, or never, is a broken transition.
 */
class ExactlyOnceStressTest {

    private static final int WRITERS = 4;
    private static final int KEYS = 64;

    @Test
    void everyStoredValueLeavesExactlyOnce() throws Exception {
        FakeClock clock = new FakeClock();
        TimeSource time = new TimeSource(clock);
        Set<String> expired = ConcurrentHashMap.newKeySet();
        Set<String> removed = ConcurrentHashMap.newKeySet();
        Set<String> twice = ConcurrentHashMap.newKeySet();
        Set<String> early = ConcurrentHashMap.newKeySet();
        TableListener listener = new TableListener() {
            @Override
            public boolean wants(EventKind kind) {
                return true;
            }

            @Override
            public void entry(EventKind kind, String key, Object value, long expiresAtMillis) {
                String v = (String) value;
                if (kind == EventKind.EXPIRED && expiresAtMillis > clock.epochMillis()) {
                    early.add(v);
                }
                Set<String> into = kind == EventKind.EXPIRED ? expired : removed;
                if (!into.add(v) || (expired.contains(v) && removed.contains(v))) {
                    twice.add(v);
                }
            }

            @Override
            public void table(EventKind kind, long count) {
            }
        };
        CacheTable table = new CacheTable("stress", new CacheSettings(2, 25, true, 0, null), time, listener);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Sweeper sweeper = new Sweeper(time, "stress-sweeper-", (t, e) -> failure.compareAndSet(null, e));
        sweeper.configure(2, 1);
        sweeper.add(table);
        sweeper.start();

        AtomicBoolean running = new AtomicBoolean(true);
        Set<String> stored = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> {
            while (running.get()) {
                clock.advance(1);
                LockSupport.parkNanos(50_000);
            }
        }, "stress-clock"));
        for (int w = 0; w < WRITERS; w++) {
            int id = w;
            threads.add(new Thread(() -> {
                try {
                    write(table, id, stored, running);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "stress-writer-" + w));
        }
        threads.add(new Thread(() -> {
            int[] sizes = {2, 5, 3, 6};
            for (int i = 0; running.get(); i++) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(150));
                table.reconfigure(new CacheSettings(sizes[i % sizes.length], 25, true, 0, null));
            }
        }, "stress-resizer"));
        threads.forEach(Thread::start);
        Thread.sleep(2_500); // the length of the race, not an assertion
        running.set(false);
        for (Thread t : threads) {
            t.join(10_000);
        }
        clock.advance(Duration.ofDays(1).toMillis());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (table.size() != 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        sweeper.close();

        assertEquals(null, failure.get());
        List<String> left = new ArrayList<>();
        table.forEach(e -> left.add(e.toString()));
        assertEquals(List.of(), left, "entries left after every deadline passed");
        assertTrue(twice.isEmpty(), "reported twice: " + twice);
        assertTrue(early.isEmpty(), "reported before the deadline: " + early);
        Set<String> reported = new HashSet<>(expired);
        reported.addAll(removed);
        Set<String> lost = new HashSet<>(stored);
        lost.removeAll(reported);
        assertTrue(lost.isEmpty(), "stored but never reported: " + lost.size() + " e.g. " + lost.stream().limit(5).toList());
        Set<String> invented = new HashSet<>(reported);
        invented.removeAll(stored);
        assertTrue(invented.isEmpty(), "reported but never stored: " + invented);
        assertTrue(expired.size() > 1_000 && removed.size() > 100,
            "the race exercised too little: expired " + expired.size() + ", removed " + removed.size());
        table.close();
    }

    private static void write(CacheTable table, int id, Set<String> stored, AtomicBoolean running) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (long n = 0; running.get(); n++) {
            String key = "k" + random.nextInt(KEYS);
            String value = "w" + id + "-" + n;
            int op = random.nextInt(100);
            if (op < 55) {
                Duration ttl = Duration.ofMillis(1 + random.nextInt(30));
                if (table.putIfAbsent(key, value, ttl) == null) {
                    stored.add(value);
                }
            } else if (op < 70) {
                table.remove(key);
            } else if (op < 80) {
                boolean[] inserted = new boolean[1];
                table.compute(key, (k, v) -> {
                    inserted[0] = v == null;
                    return v == null ? value : null;
                });
                if (inserted[0]) {
                    stored.add(value);
                }
            } else if (op < 90) {
                table.setTtl(key, Duration.ofMillis(1 + random.nextInt(20)));
            } else if (op < 95) {
                table.get(key);
                table.size();
            } else if (op < 98) {
                table.countValues(Match.prefix("w" + id));
            } else {
                table.removeKeys(Match.glob("k" + random.nextInt(10) + "*"));
            }
        }
    }
}
