package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.cache.Match;
import io.lapse.cache.replication.Replica;

/**
 * Keygroups ({@link KeyGroups}), with a fake clock: an entry put into a group is removed by the
 * group's invalidation, leaves its group by every path it leaves the cache, keeps its group
 * through writes that name none, and a group is capped.
 */
class KeyGroupsTest {

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);
    private final RecordingListener events = new RecordingListener();
    private CacheTable table = table(new CacheSettings(4, 0, true, 0, null).withKeygroups(100));

    private CacheTable table(CacheSettings settings) {
        return new CacheTable("t", settings, time, events);
    }

    @AfterEach
    void close() {
        table.close();
    }

    @Test
    void invalidatingAGroupRemovesEveryEntryOfItAndReportsEachWithTheGroup() {
        for (int i = 0; i < 20; i++) {
            table.put("user:1:" + i, "v" + i, null, "user:1");
            table.put("user:2:" + i, "v" + i, null, "user:2");
        }
        table.put("plain", "v");
        assertEquals(20, table.groupKeys("user:1").size());
        assertEquals(keys("user:1:", 20), new TreeSet<>(table.groupKeys("user:1")));
        assertEquals("user:1", table.getEntry("user:1:3").group());
        assertNull(table.getEntry("plain").group());

        assertEquals(20, table.invalidateGroup("user:1"));
        assertEquals(21, table.size());
        for (int i = 0; i < 20; i++) {
            assertNull(table.get("user:1:" + i));
            assertEquals("v" + i, table.get("user:2:" + i));
        }
        List<RecordingListener.Event> removed = events.of(EventKind.REMOVED);
        assertEquals(20, removed.size());
        assertTrue(removed.stream().allMatch(e -> "user:1".equals(e.group) && e.key.startsWith("user:1:")), removed.toString());
        assertTrue(table.groupKeys("user:1").isEmpty());
        assertEquals(0, table.invalidateGroup("user:1"), "a group of none removes none");
        assertEquals(0, table.invalidateGroup("nobody"));
        assertEquals(1, table.groups.size(), "an emptied group leaves nothing behind");
    }

    @Test
    void writesThatNameNoGroupKeepTheEntryInItsGroupAndAPutNamingAnotherMovesIt() {
        table.put("k", "v", Duration.ofSeconds(10), "g");
        table.put("k", "w");
        table.putIfAbsent("k", "x");
        assertTrue(table.setTtl("k", Duration.ofSeconds(30)));
        table.compute("k", (key, v) -> v + "!");
        table.put("k", new byte[] {1}, Duration.ofSeconds(5));
        assertEquals("g", table.getEntry("k").group(), "a byte[] takes a new node, which keeps the group");
        table.put("n", 1L, null, "g");
        assertEquals(5L, table.increment("n", 4));
        assertEquals(Set.of("k", "n"), new HashSet<>(table.groupKeys("g")));

        table.put("k", "moved", null, "h");
        assertEquals("h", table.getEntry("k").group());
        assertEquals(List.of("n"), table.groupKeys("g"));
        assertEquals(List.of("k"), table.groupKeys("h"));
        assertEquals(1, table.invalidateGroup("g"));
        assertEquals("moved", table.get("k"), "an entry that moved out is not the old group's");
        assertTrue(events.of(EventKind.REMOVED).stream().noneMatch(e -> e.key.equals("k")),
            "a move is a rewrite, not a removal");
    }

    @Test
    void anEntryLeavesItsGroupByEveryPathItLeavesTheCache() {
        CacheTable capped = table(new CacheSettings(2, 0, true, 0, null).withKeygroups(1_000)
            .withLimits(new Limits(10, 0, Limits.MAX_ITEM_SIZE)));
        try {
            table.put("removed", "v", null, "g");
            table.put("matched", "v", null, "g");
            table.put("expires", "v", Duration.ofMillis(100), "g");
            table.put("computed-away", "v", null, "g");
            table.put("stays", "v", null, "g");
            table.remove("removed");
            table.removeKeys(Match.prefix("match"));
            table.compute("computed-away", (k, v) -> null);
            clock.advance(100);
            table.sweep(0, 1);
            assertEquals(List.of("stays"), table.groupKeys("g"));
            assertEquals(List.of("stays"), table.groups.members("g"), "the index holds no key that left");
            assertEquals(Map.of("removed", "g", "matched", "g", "computed-away", "g"), groupsOf(EventKind.REMOVED));
            assertEquals(Map.of("expires", "g"), groupsOf(EventKind.EXPIRED));
            table.clear();
            assertEquals(0, table.groups.size(), "a clear empties every group");

            for (int i = 0; i < 100; i++) {
                capped.put("k" + i, "v", null, "g" + (i % 3));
            }
            int live = 0;
            for (int g = 0; g < 3; g++) {
                live += capped.groupKeys("g" + g).size();
            }
            assertEquals(capped.size(), live, "evicted entries left their groups");
            assertEquals(capped.size(), capped.groups.members("g0").size() + capped.groups.members("g1").size()
                + capped.groups.members("g2").size());
            assertTrue(events.of(EventKind.EVICTED).stream().allMatch(e -> e.group != null && e.group.startsWith("g")));
        } finally {
            capped.close();
        }
    }

    @Test
    void anExpiredEntryIsNoGroupKeyEvenBeforeASweepAndReportsItsGroupOnce() {
        table.put("short", "v", Duration.ofMillis(50), "g");
        table.put("long", "v", Duration.ofMillis(500), "g");
        clock.advance(50);
        assertEquals(List.of("long"), table.groupKeys("g"));
        assertEquals(1, table.invalidateGroup("g"), "the expired one is not counted as removed");
        assertEquals(Map.of("short", "g"), groupsOf(EventKind.EXPIRED), "the invalidation settled it as expired");
        assertEquals(Map.of("long", "g"), groupsOf(EventKind.REMOVED));
        table.sweep(0, 1);
        assertEquals(1, events.of(EventKind.EXPIRED).size(), "exactly once");
    }

    @Test
    void aFullGroupRefusesOneMoreAndChangesNothing() {
        table.reconfigure(table.settings().withKeygroups(3));
        table.put("a", "1", null, "g");
        table.put("b", "1", null, "g");
        table.put("c", "1", null, "g");
        table.put("x", "old", null, "h");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> table.put("d", "1", null, "g"));
        assertEquals("cache 't': group 'g' holds 3 entries, its limit (max_group_items 3); remove some, or invalidate "
            + "the group, before adding key 'd'", e.getMessage());
        assertNull(table.get("d"));
        assertThrows(IllegalStateException.class, () -> table.put("x", "new", null, "g"), "nor may one move in");
        assertEquals("old", table.get("x"));
        assertEquals("h", table.getEntry("x").group());
        table.put("a", "2", Duration.ofSeconds(1), "g");
        assertEquals("2", table.get("a"), "a member may be written again");
        table.remove("b");
        table.put("d", "1", null, "g");
        assertEquals(Set.of("a", "c", "d"), new HashSet<>(table.groupKeys("g")));
        table.reconfigure(table.settings().withKeygroups(1));
        assertEquals(3, table.groupKeys("g").size(), "lowering the cap removes nothing");
        assertThrows(IllegalStateException.class, () -> table.put("e", "1", null, "g"));
    }

    @Test
    void refusesBadGroupsAndCachesWithoutKeygroupsNamingWhatWasWrong() {
        table.put("keep", "v", null, "g");
        assertEquals("cache 't': group is null",
            assertThrows(NullPointerException.class, () -> table.put("k", "v", null, null)).getMessage());
        assertEquals("cache 't': group is empty",
            assertThrows(IllegalArgumentException.class, () -> table.put("k", "v", null, "")).getMessage());
        assertEquals("cache 't': group of 4097 characters is longer than the limit of 4096",
            assertThrows(IllegalArgumentException.class, () -> table.invalidateGroup("g".repeat(4097))).getMessage());
        assertThrows(NullPointerException.class, () -> table.groupKeys(null));
        assertThrows(NullPointerException.class, () -> table.put(null, "v", null, "g"));
        assertThrows(NullPointerException.class, () -> table.put("k", null, null, "g"));
        assertThrows(IllegalArgumentException.class, () -> table.put("k", "v", Duration.ofMillis(-1), "g"));
        assertThrows(IllegalArgumentException.class, () -> table.put("k", new Object(), null, "g"));
        assertNull(table.get("k"), "every refused put changed nothing");

        CacheTable plain = table(new CacheSettings(4, 0, true, 0, null));
        try {
            for (Runnable call : new Runnable[] {() -> plain.put("k", "v", null, "g"), () -> plain.invalidateGroup("g"),
                () -> plain.groupKeys("g")}) {
                IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
                assertEquals("cache 't' has no keygroups: configure keygroups=true to put entries in groups",
                    e.getMessage());
            }
            assertEquals(0, plain.size());
        } finally {
            plain.close();
        }
        table.reconfigure(table.settings().withKeygroups(0));
        assertThrows(IllegalStateException.class, () -> table.invalidateGroup("g"));
        assertEquals("g", table.getEntry("keep").group(), "switched off, an entry keeps its group, unused");
        table.reconfigure(table.settings().withKeygroups(10));
        assertEquals(List.of("keep"), table.groupKeys("g"));
    }

    @Test
    void aGroupedPutTakesTheDefaultsWithoutATtlAndItsOwnWithOne() {
        CacheTable expiring = table(new CacheSettings(4, 1_000, true, 0, null).withKeygroups(10));
        try {
            expiring.put("default", "v", null, "g");
            expiring.put("own", "v", Duration.ZERO, "g");
            assertEquals(clock.epochMillis() + 1_000, expiring.getEntry("default").expiresAtMillis());
            assertEquals(0, expiring.getEntry("own").expiresAtMillis());
        } finally {
            expiring.close();
        }
    }

    @Test
    void aChangeOfSizeAndIdleExpiryKeepEveryGroup() {
        for (int i = 0; i < 500; i++) {
            table.put("k" + i, "v", i % 5 == 0 ? Duration.ofMillis(10) : null, "g" + (i % 7));
        }
        clock.advance(10);
        table.reconfigure(new CacheSettings(8, 0, true, 0, null).withKeygroups(100));
        int members = 0;
        for (int g = 0; g < 7; g++) {
            for (String key : table.groupKeys("g" + g)) {
                assertEquals("g" + g, table.getEntry(key).group());
                members++;
            }
            assertEquals(table.groupKeys("g" + g).size(), table.groups.members("g" + g).size(),
                "the expired ones left the index as the size changed");
        }
        assertEquals(400, members);
        Map<String, String> expired = groupsOf(EventKind.EXPIRED);
        assertEquals(100, expired.size(), "expired as the size changed");
        expired.forEach((key, group) -> assertEquals("g" + (Integer.parseInt(key.substring(1)) % 7), group, key));

        CacheTable idle = table(new CacheSettings(4, 0, true, 1_000, null).withKeygroups(10));
        try {
            idle.put("k", "v", null, "g");
            clock.advance(600);
            assertEquals("v", idle.get("k"));
            clock.advance(600);
            assertEquals(List.of("k"), idle.groupKeys("g"), "listing a group is not a read: it restarts no idle time");
            clock.advance(400);
            assertTrue(idle.groupKeys("g").isEmpty());
            assertEquals(0, idle.size());
            assertEquals("g", groupsOf(EventKind.EXPIRED).get("k"));
        } finally {
            idle.close();
        }
    }

    @Test
    void aGroupReplicatesWithItsEntriesAndAnInvalidationAsTheirRemovals() {
        ReplicaLog log = new ReplicaLog(2, new CacheSettings(4, 0, true, 0, null).withKeygroups(100), time,
            Replica.ExpiryEvents.OWNER);
        CacheTable a = log.node(0).table;
        CacheTable b = log.node(1).table;
        for (int i = 0; i < 10; i++) {
            a.put("k" + i, "v", null, "g");
        }
        a.put("k0", "w");
        log.settle();
        assertEquals(keys("k", 10), new TreeSet<>(b.groupKeys("g")), "the other node knows the group");
        assertEquals("g", b.getEntry("k0").group(), "a write that named none kept it there too");
        assertEquals(10, b.invalidateGroup("g"));
        log.settle();
        assertEquals(0, a.size());
        assertTrue(a.groupKeys("g").isEmpty());
        assertEquals(10, log.node(1).heard.of(EventKind.REMOVED).size());
    }

    @Test
    void entriesOfAGroupWeighTheirNodeOnly() {
        CacheTable weighed = table(new CacheSettings(4, 0, true, 0, null).withKeygroups(10)
            .withLimits(new Limits(0, 1L << 30, Limits.MAX_ITEM_SIZE)));
        try {
            weighed.put("k", "v");
            long plain = weighed.stats().weightedBytes();
            weighed.remove("k");
            weighed.put("k", "v", null, "a-group-with-a-long-name");
            assertEquals(plain + Weights.GROUP_EXTRA, weighed.stats().weightedBytes());
        } finally {
            weighed.close();
        }
    }

    private Map<String, String> groupsOf(EventKind kind) {
        Map<String, String> m = new HashMap<>();
        for (RecordingListener.Event e : events.of(kind)) {
            m.put(e.key, e.group);
        }
        return m;
    }

    private static Set<String> keys(String prefix, int count) {
        Set<String> s = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            s.add(prefix + i);
        }
        return s;
    }
}
