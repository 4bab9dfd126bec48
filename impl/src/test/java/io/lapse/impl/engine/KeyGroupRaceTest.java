package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.lapse.cache.CacheEntry;
import io.lapse.testing.Await;

/**
 * Keygroups under concurrency: puts into a group race its invalidation, and moves between groups
 * race both. No entry whose put returned before an invalidation started survives it, every removal
 * is reported once, and afterwards the index holds exactly the keys whose entries are in each group.
 */
class KeyGroupRaceTest {

    private static final int ROUNDS = 20;

    @Test
    void noEntryPutBeforeAnInvalidationStartedSurvivesIt() throws Exception {
        RecordingListener heard = new RecordingListener();
        CacheTable table = new CacheTable("race", new CacheSettings(3, 0, true, 0, null).withKeygroups(1_000_000),
            new TimeSource(Clock.system()), heard);
        try {
            // each writer reads the sequence after its put returned: a value below an
            // invalidation's start means the put returned before that invalidation began
            AtomicLong sequence = new AtomicLong();
            for (int round = 0; round < ROUNDS; round++) {
                String group = "g" + round;
                AtomicBoolean stop = new AtomicBoolean();
                ConcurrentLinkedQueue<Object[]> returned = new ConcurrentLinkedQueue<>();
                AtomicLong puts = new AtomicLong();
                List<Thread> threads = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    String prefix = "r" + round + "w" + w + "-";
                    threads.add(new Thread(() -> {
                        for (int i = 0; !stop.get(); i++) {
                            String key = prefix + i;
                            table.put(key, "v", null, group);
                            returned.add(new Object[] {key, sequence.get()});
                            puts.incrementAndGet();
                        }
                    }, "putter-" + w));
                }
                // moves keys of their own in and out of the group and between others, racing both
                threads.add(new Thread(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (!stop.get()) {
                        String key = "moving" + random.nextInt(200);
                        switch (random.nextInt(4)) {
                            case 0:
                                table.put(key, "m", null, group);
                                break;
                            case 1:
                                table.put(key, "m", null, "other" + random.nextInt(3));
                                break;
                            case 2:
                                table.remove(key);
                                break;
                            default:
                                table.put(key, "plain");
                        }
                    }
                }, "mover"));
                threads.forEach(Thread::start);
                try {
                    long before = puts.get();
                    Await.until("the putters to put a few thousand entries", () -> puts.get() >= before + 2_000);
                    long start = sequence.incrementAndGet();
                    table.invalidateGroup(group);
                    stop.set(true);
                    for (Thread t : threads) {
                        t.join();
                    }
                    int checked = 0;
                    for (Object[] r : returned) {
                        if ((Long) r[1] < start) {
                            assertFalse(table.containsKey((String) r[0]), "round " + round + ": " + r[0]
                                + " was put before the invalidation started and survived it");
                            checked++;
                        }
                    }
                    assertTrue(checked >= 2_000, "only " + checked + " puts returned before the invalidation");
                } finally {
                    stop.set(true);
                    for (Thread t : threads) {
                        t.join();
                    }
                }
                assertIndexMatchesTheEntries(table);
            }
            Map<String, Integer> reports = new HashMap<>();
            heard.of(EventKind.REMOVED).forEach(e -> reports.merge(e.key + "@" + e.value, 1, Integer::sum));
            Set<String> twice = new HashSet<>();
            reports.forEach((k, n) -> {
                if (n > 1 && !k.startsWith("moving")) {
                    twice.add(k);
                }
            });
            assertTrue(twice.isEmpty(), "reported twice: " + twice);
        } finally {
            table.close();
        }
    }

    /** Every entry of a group is a member of it in the index, and the index holds nothing else. */
    static void assertIndexMatchesTheEntries(CacheTable table) {
        Map<String, Set<String>> expected = new HashMap<>();
        for (CacheEntry e : table) {
            if (e.group() != null) {
                expected.computeIfAbsent(e.group(), g -> new HashSet<>()).add(e.key());
            }
        }
        assertEquals(expected.size(), table.groups.size(), "groups in the index: " + expected.keySet());
        for (Map.Entry<String, Set<String>> g : expected.entrySet()) {
            assertEquals(g.getValue(), new HashSet<>(table.groups.members(g.getKey())), "group " + g.getKey());
        }
    }
}
