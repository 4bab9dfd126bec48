package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.testing.Await;

/**
 * Expiry keeps its promises while something holds up a sweep: a stalled listener (review B2), an
 * Error (B11), a long compute (B1, B15) or a store that hangs (B1).
 */
class SweeperFaultsTest {

    private static final String PREFIX = "faults-sweeper-";
    private static final long RESOLUTION = 10;

    private final TimeSource time = new TimeSource(Clock.system());
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final Sweeper sweeper = new Sweeper(time, PREFIX, (t, e) -> failures.add(e));
    private final CountDownLatch end = new CountDownLatch(1);

    @AfterEach
    void stop() {
        end.countDown();
        sweeper.close();
    }

    /** Records expiries with how late, in ms of the wall clock, each was reported. */
    static class Lateness implements TableListener {
        final List<String> keys = new CopyOnWriteArrayList<>();
        final List<Long> late = new CopyOnWriteArrayList<>();
        volatile Runnable onFirst = () -> { };
        private final AtomicInteger seen = new AtomicInteger();

        @Override
        public boolean wants(EventKind kind) {
            return kind == EventKind.EXPIRED;
        }

        @Override
        public void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis) {
            late.add(System.currentTimeMillis() - expiresAtMillis);
            keys.add(key);
            if (seen.getAndIncrement() == 0) {
                onFirst.run();
            }
        }

        @Override
        public void table(EventKind kind, String cache, long count) {
        }
    }

    private CacheTable table(String name, TableListener listener) {
        CacheTable t = new CacheTable(name, new CacheSettings(2, 0, true, 0, null), time, listener);
        sweeper.add(t);
        return t;
    }

    private static void waitUntil(long nanoTime) {
        // sets when the next step happens; the assertions that follow do not depend on it
        while (System.nanoTime() - nanoTime < 0) {
            LockSupport.parkNanos(Math.max(1, nanoTime - System.nanoTime()));
        }
    }

    @Test
    void anEntryIsInvisibleAtItsDeadlineWhileTheSweeperIsStalled() throws Exception {
        // Review B2: with the only sweep thread held 1.5 s by a listener, the coarse clock froze,
        // reads trusted a stale horizon and returned an entry past its deadline, and an overwrite
        // lost its expiry.
        sweeper.configure(1, RESOLUTION);
        CountDownLatch stalling = new CountDownLatch(1);
        Lateness stalled = new Lateness();
        stalled.onFirst = () -> {
            stalling.countDown();
            try {
                end.await(1_500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        CacheTable a = table("a", stalled);
        Lateness other = new Lateness();
        CacheTable b = table("b", other);
        sweeper.start();
        a.put("k", "v", Duration.ofMillis(1));
        assertTrue(stalling.await(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        b.put("k", "v1", Duration.ofMillis(1_100));

        waitUntil(t0 + TimeUnit.MILLISECONDS.toNanos(1_200));
        assertNull(b.get("k"), "read 1.2 s after a put with a TTL of 1.1 s, the sweeper stalled");
        assertNull(b.getEntry("k"));
        b.put("k", "v2");
        b.put("fresh", "v", Duration.ofSeconds(1));
        long expiresIn = b.getEntry("fresh").expiresAtMillis() - System.currentTimeMillis();
        assertTrue(expiresIn > 1_000 - 2 * RESOLUTION - 20, "a new deadline computed from a frozen clock: "
            + expiresIn + " ms left of 1000");

        end.countDown();
        Await.until("the stalled listener returned", () -> stalled.keys.size() == 1);
        b.put("probe", "v", Duration.ofMillis(20));
        Await.until("the sweeper sweeps again", () -> other.keys.contains("probe"));
        assertEquals(1, other.keys.stream().filter("k"::equals).count(), "exactly one expiry of k: " + other.keys);
        assertEquals("v2", b.get("k"));
        a.close();
        b.close();
    }

    @Test
    void anErrorInASweepNeitherKillsTheThreadNorLosesTheOtherEvents() throws Exception {
        // Review B11: an Error (out of memory while building an event, say) killed the sweep
        // thread for good and lost the events of the nodes already taken out with it.
        sweeper.configure(1, RESOLUTION);
        AtomicInteger thrown = new AtomicInteger();
        Lateness events = new Lateness();
        TableListener failingOnce = new Lateness() {
            @Override
            public void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis) {
                if (thrown.getAndIncrement() == 0) {
                    throw new OutOfMemoryError("thrown by the test");
                }
                events.entry(kind, cache, key, value, expiresAtMillis);
            }
        };
        CacheTable t = table("t", failingOnce);
        for (int i = 0; i < 100; i++) {
            // one deadline for all: one sweep takes out all 100
            t.put("k" + i, "v", Duration.ofMillis(50));
        }
        sweeper.start();
        Await.until("99 events", () -> events.keys.size() == 99);
        Await.until("the failure reported", () -> failures.size() == 1);
        assertTrue(failures.get(0) instanceof OutOfMemoryError, String.valueOf(failures.get(0)));
        assertEquals(1, t.stats().eventsDropped(), "the one that failed is counted");
        t.put("later", "v", Duration.ofMillis(30));
        Await.until("the thread sweeps on", () -> events.keys.contains("later"));
        assertEquals(0, t.size());
        t.close();
    }

    @Test
    void theSweeperNeverWaitsForASlotLockAndStopsWhileOneIsHeld() throws Exception {
        // Review B1/B15: the sweep thread parked on a slot lock held by a long compute, so no
        // table expired anything meanwhile, and a stop waited 20 s and left the thread behind.
        sweeper.configure(1, RESOLUTION);
        Lateness heldEvents = new Lateness();
        Lateness otherEvents = new Lateness();
        CacheTable held = table("held", heldEvents);
        CacheTable other = table("other", otherEvents);
        sweeper.start();
        for (int i = 0; i < 40; i++) {
            held.put("k" + i, "v", Duration.ofMillis(100));
        }
        CountDownLatch inside = new CountDownLatch(1);
        Thread computer = new Thread(() -> held.compute("k0", (k, v) -> {
            inside.countDown();
            try {
                end.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return v;
        }), "long-compute");
        computer.start();
        assertTrue(inside.await(5, TimeUnit.SECONDS));
        other.put("x", "v", Duration.ofMillis(200));
        Await.until("the other table's expiry", () -> otherEvents.keys.contains("x"));
        assertTrue(otherEvents.late.get(0) <= RESOLUTION + 50, "late by " + otherEvents.late.get(0) + " ms");
        Await.until("the held table's other slots expired", () -> heldEvents.keys.size() >= 20);

        long start = System.nanoTime();
        sweeper.close();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis < 1_000, "the stop took " + tookMillis + " ms");
        assertEquals(0, Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith(PREFIX) && t.isAlive()).count());
        end.countDown();
        computer.join(5_000);
        held.close();
        other.close();
    }

    /** A write-through hook that holds the writes of one value until told to let go. */
    static final class HangingStore implements WriteThrough {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch letGo = new CountDownLatch(1);
        final String hangOn;
        volatile boolean fail;

        HangingStore(String hangOn) {
            this.hangOn = hangOn;
        }

        @Override
        public void put(String key, Object value, long expiresAtMillis) {
            if (value.equals(hangOn)) {
                entered.countDown();
                try {
                    letGo.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (fail) {
                    throw new IllegalStateException("cache 'wt': write-through of key '" + key + "' timed out");
                }
            }
        }

        @Override
        public void remove(String key) {
        }

        @Override
        public void removeAll(List<String> keys) {
        }
    }

    /** A key of the same slot as {@code key} in a table of 4 slots, but of another store stripe. */
    private static String sameSlotOtherStripe(String key, String prefix) {
        int h = CacheTable.spread(key.hashCode());
        for (int i = 0;; i++) {
            String k = prefix + i;
            int kh = CacheTable.spread(k.hashCode());
            if (CacheTable.segmentIndex(kh, 4) == CacheTable.segmentIndex(h, 4) && (kh & 63) != (h & 63)) {
                return k;
            }
        }
    }

    @Test
    void aHungStoreHoldsUpOnlyTheWritesOfItsKey() throws Exception {
        // Review B1: the write-through call ran under the slot lock, so the sweeper parked on it
        // and no cache expired anything until the database answered.
        sweeper.configure(1, RESOLUTION);
        Lateness events = new Lateness();
        Lateness otherEvents = new Lateness();
        CacheTable t = table("wt", events);
        CacheTable other = table("other", otherEvents);
        HangingStore store = new HangingStore("new");
        t.writeThrough(store);
        sweeper.start();
        String neighbour = sameSlotOtherStripe("k", "n");
        String written = sameSlotOtherStripe("k", "w");
        long kWritten = System.nanoTime();
        t.put("k", "old", Duration.ofMillis(300));
        t.put(neighbour, "n", Duration.ofMillis(150));
        Thread writer = new Thread(() -> t.put("k", "new", Duration.ofHours(1)), "hung-writer");
        writer.start();
        assertTrue(store.entered.await(5, TimeUnit.SECONDS));

        other.put("x", "v", Duration.ofMillis(100));
        assertEquals("old", t.get("k"), "the write has not happened yet");
        t.put(written, "w");
        assertEquals("w", t.get(written), "a write of another key of the slot is not held up");
        Await.until("both expiries", () -> otherEvents.keys.contains("x") && events.keys.contains(neighbour));
        assertTrue(otherEvents.late.get(0) <= RESOLUTION + 50, "late by " + otherEvents.late.get(0) + " ms");
        assertTrue(events.late.get(0) <= RESOLUTION + 50, "late by " + events.late.get(0) + " ms");
        // k's old deadline passes while its write is with the store: the write decided first,
        // so k is neither expired nor reported
        waitUntil(kWritten + TimeUnit.MILLISECONDS.toNanos(350));
        store.letGo.countDown();
        writer.join(5_000);
        assertEquals("new", t.get("k"));
        assertEquals(List.of(neighbour), events.keys, "k was overwritten before its deadline: no expiry");
        t.close();
        other.close();
    }

    @Test
    void aStoreThatFailsLeavesTheEntryAsItWasAndExpiringOnTime() throws Exception {
        sweeper.configure(1, RESOLUTION);
        Lateness events = new Lateness();
        CacheTable t = table("wt", events);
        HangingStore store = new HangingStore("new");
        store.fail = true;
        t.writeThrough(store);
        sweeper.start();
        t.put("k", "old", Duration.ofMillis(200));
        CountDownLatch done = new CountDownLatch(1);
        Throwable[] thrown = new Throwable[1];
        Thread writer = new Thread(() -> {
            try {
                t.put("k", "new");
            } catch (Throwable e) {
                thrown[0] = e;
            }
            done.countDown();
        }, "failing-writer");
        writer.start();
        assertTrue(store.entered.await(5, TimeUnit.SECONDS));
        store.letGo.countDown();
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertTrue(thrown[0] instanceof IllegalStateException && thrown[0].getMessage().contains("timed out"),
            String.valueOf(thrown[0]));
        assertEquals("old", t.get("k"), "the table is as it was");
        Await.until("k expires on its old deadline", () -> events.keys.contains("k"));
        assertTrue(events.late.get(0) <= RESOLUTION + 50, "late by " + events.late.get(0) + " ms");
        assertNull(t.get("k"));
        assertThrows(IllegalStateException.class, () -> t.put("k", "new"));
        t.close();
    }
}
