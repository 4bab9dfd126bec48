package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.lapse.cache.replication.Replica;
import io.lapse.cache.replication.ReplicaChange;

/**
 * Replication of a table's changes through a total-order log ({@link ReplicaLog}), with a fake
 * clock: every kind of change reaches the other nodes, nodes that saw the whole log agree whatever
 * the interleaving of writes and deliveries, a node reads its own writes at once and never sees
 * them undone, and expiry is raised where the ownership says.
 */
class ReplicationTest {

    private final ManualClock clock = new ManualClock();
    private final TimeSource time = new TimeSource(clock);
    private final CacheSettings settings = new CacheSettings(4, 60_000, true, 0, null);

    private ReplicaLog log(int nodes) {
        return new ReplicaLog(nodes, settings, time, Replica.ExpiryEvents.OWNER);
    }

    private static void assertConverged(ReplicaLog log) {
        log.settle();
        Map<String, String> first = log.node(0).dump();
        for (ReplicaLog.Node n : log.nodes) {
            assertEquals(first, n.dump(), "node " + n.id + " against node 0");
        }
    }

    @Test
    void everyKindOfChangeReachesTheOtherNodes() {
        ReplicaLog log = log(3);
        CacheTable a = log.node(0).table;
        ChangeKinds.makeEach(a, Duration.ofSeconds(5));
        assertConverged(log);

        CacheTable c = log.node(2).table;
        assertEquals("v", c.get("plain"));
        assertEquals(clock.epochMillis() + 5_000, c.getEntry("short").expiresAtMillis());
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) c.get("bytes"));
        assertEquals("first", c.get("absent"));
        assertEquals(7L, c.get("counter"));
        assertEquals(clock.epochMillis() + 600_000, c.getEntry("ttl").expiresAtMillis());
        assertEquals("made", c.get("computed"));
        assertNull(c.get("computed-away"));
        assertNull(c.get("gone"));
        assertNull(c.get("match-1"));
        assertNull(c.get("v1"));
        assertEquals(List.of("computed-away", "gone", "match-1", "match-2", "v1"),
            log.node(2).heard.keys(EventKind.REMOVED), "each node hears of the removals it made");

        a.clear();
        assertConverged(log);
        assertEquals(0, log.node(1).table.size());
        assertEquals(1, log.node(1).heard.of(EventKind.CLEARED).size());
    }

    @Test
    void remoteChangesAreNotOfferedAgainAndLoadsAreNotOffered() {
        ReplicaLog log = log(2);
        log.node(0).table.put("k", "v");
        log.settle();
        assertEquals("v", log.node(1).table.get("k"));
        assertEquals(1, log.records.size(), "the remote put is applied, not sent back");

        CacheTable b = log.node(1).table;
        Contents loaded = b.newContents();
        loaded.put("from-db", "row", 0);
        b.replace(loaded, null);
        assertEquals(1, log.records.size(), "every node loads its own table");
    }

    @Test
    void aNodeReadsItsOwnWritesAtOnceAndNeverSeesThemUndone() {
        ReplicaLog log = log(2);
        CacheTable a = log.node(0).table;
        CacheTable b = log.node(1).table;
        a.put("k", "a1");
        b.put("k", "b1");
        a.put("k", "a2");
        assertEquals("a2", a.get("k"));
        assertEquals("b1", b.get("k"));
        // a delivers a1 (own), b1 (remote, ordered before a2), a2 (own): it keeps a2 throughout
        for (int i = 0; i < 3; i++) {
            log.node(0).deliver(1);
            assertEquals("a2", a.get("k"), "after " + (i + 1) + " records");
        }
        assertConverged(log);
        assertEquals("a2", b.get("k"));
    }

    @Test
    void aRemoteClearLeavesWhatThisNodeWroteSince() {
        ReplicaLog log = log(2);
        CacheTable a = log.node(0).table;
        CacheTable b = log.node(1).table;
        a.put("old", "1");
        log.settle();
        b.clear();
        a.put("new", "2");
        log.node(0).deliverAll();
        assertEquals("2", a.get("new"), "written after the clear in the log's order");
        assertNull(a.get("old"));
        assertConverged(log);
        assertEquals("2", b.get("new"));
    }

    @Test
    void aLocalClearLeavesNothingThatTheLogOrdersBeforeIt() {
        ReplicaLog log = log(2);
        CacheTable a = log.node(0).table;
        CacheTable b = log.node(1).table;
        b.put("remote", "r");
        a.put("local", "l");
        a.clear();
        log.node(0).deliverAll();
        assertNull(a.get("remote"), "b's put comes before a's clear in the log");
        assertConverged(log);
        assertEquals(0, b.size());
    }

    @Test
    void aLocalClearLeavesWhatIsWrittenWhileItWalks() {
        ReplicaLog log = log(2);
        CacheTable a = log.node(0).table;
        String first = keyInSlot(0);
        String last = keyInSlot(15);
        // an entry past its deadline in the first slot: the walk reports it, with no lock held,
        // before it reaches the last slot, and the report writes there
        a.put(first, "due", Duration.ofSeconds(1));
        a.put(last, "old");
        clock.advance(1_000);
        log.node(0).heard.hook = e -> {
            if (e.kind == EventKind.EXPIRED && e.key.equals(first)) {
                a.put(last, "written during the clear");
            }
        };
        a.clear();
        assertEquals("written during the clear", a.get(last), "the log orders it after the clear");
        assertConverged(log);
    }

    private static String keyInSlot(int slot) {
        for (int i = 0;; i++) {
            String key = "key-" + i;
            if (CacheTable.segmentIndex(CacheTable.spread(key.hashCode()), 16) == slot) {
                return key;
            }
        }
    }

    @Test
    void randomInterleavingsOfWritesAndDeliveriesConverge() {
        for (long seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            ReplicaLog log = log(3);
            for (int step = 0; step < 200; step++) {
                ReplicaLog.Node n = log.node(random.nextInt(3));
                if (random.nextInt(3) == 0) {
                    n.deliver(1 + random.nextInt(4));
                } else {
                    CHANGES.apply(n.table, random);
                }
                if (random.nextInt(50) == 0) {
                    clock.advance(random.nextInt(20_000));
                }
            }
            try {
                assertConverged(log);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private static final RandomChanges CHANGES = new RandomChanges(6, Duration.ofSeconds(1), 8);

    @Test
    void concurrentWritersOnEveryNodeConverge() throws InterruptedException {
        ReplicaLog log = log(3);
        List<Thread> threads = new ArrayList<>();
        for (ReplicaLog.Node n : log.nodes) {
            for (int w = 0; w < 2; w++) {
                long seed = n.id * 10L + w;
                threads.add(new Thread(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 20_000; i++) {
                        CHANGES.apply(n.table, random);
                    }
                }));
            }
            threads.add(new Thread(() -> {
                for (int i = 0; i < 2_000; i++) {
                    n.deliver(50);
                    Thread.yield();
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(120_000);
            assertFalse(t.isAlive(), "a thread did not finish within 2 minutes");
        }
        assertConverged(log);
    }

    @Test
    void refusedChangesAreSentAgainAndTheNodesAgree() {
        ReplicaLog log = log(2);
        ReplicaLog.Node a = log.node(0);
        a.cutOff = true;
        a.table.put("k1", "v1");
        a.table.put("k2", "v2");
        a.table.remove("k2");
        assertEquals(2, a.replica.unsent());
        assertTrue(log.records.isEmpty());
        a.cutOff = false;
        assertEquals(2, a.replica.resend());
        assertEquals(0, a.replica.unsent());
        assertConverged(log);
        assertEquals("v1", log.node(1).table.get("k1"));

        a.cutOff = true;
        a.table.clear();
        a.table.put("after", "x");
        assertEquals(2, a.replica.unsent(), "the clear and the key written after it");
        a.cutOff = false;
        a.replica.resend();
        assertConverged(log);
        assertEquals(1, log.node(1).table.size());
    }

    @Test
    void aJoiningNodeFillsFromASnapshotAndReadsTheLogFromThere() {
        ReplicaLog log = log(2);
        CacheTable a = log.node(0).table;
        for (int i = 0; i < 100; i++) {
            a.put("k" + i, "v" + i);
        }
        log.settle();
        // node 1 leaves, loses its contents, and joins again while node 0 writes on
        ReplicaLog.Node joiner = log.node(1);
        joiner.replica.disconnect();
        joiner.table.clear();
        joiner.connect();
        int from = log.records.size();
        a.put("k0", "changed after the snapshot's point");
        long taken = log.node(0).replica.snapshot(joiner.replica::applyRemote);
        assertEquals(100, taken);
        joiner.cursor = from;
        assertConverged(log);
    }

    @Test
    void expiryIsRaisedByTheOwnerOnlyUnlessEveryNodeIsAsked() {
        ReplicaLog log = log(2);
        log.node(1).owner = false;
        log.node(0).table.put("k", "v", Duration.ofSeconds(1));
        log.settle();
        clock.advance(1_000);
        for (ReplicaLog.Node n : log.nodes) {
            n.table.sweep(0, 1);
            assertEquals(1, n.table.stats().expirations(), "node " + n.id + " expires it");
        }
        assertEquals(List.of("k"), log.node(0).heard.keys(EventKind.EXPIRED));
        assertTrue(log.node(1).heard.of(EventKind.EXPIRED).isEmpty(), "not the owner");
        long deadline = ManualClock.EPOCH_OFFSET + 1_000_000 + 1_000;
        assertEquals(List.of("k=v @" + deadline), log.node(1).passed, "the provider hears what it did not raise");

        // the owner left before raising it: its successor raises it on its behalf
        log.node(1).replica.raiseExpired("k", "v", deadline);
        RecordingListener.Event raised = log.node(1).heard.of(EventKind.EXPIRED).get(0);
        assertEquals("k", raised.key);
        assertEquals("v", raised.value);
        assertEquals(deadline, raised.expiresAt);
        assertEquals(1, log.node(1).table.stats().expirations(), "counted once, when it expired");
        log.node(1).heard.events.clear();

        log.node(1).table.replicate(Replica.ExpiryEvents.EVERY_NODE);
        log.node(0).table.put("k", "v", Duration.ofSeconds(1));
        log.settle();
        clock.advance(1_000);
        log.node(1).table.sweep(0, 1);
        assertEquals(List.of("k"), log.node(1).heard.keys(EventKind.EXPIRED));
    }

    @Test
    void aRemoteValueThisNodeCannotStoreIsRefusedAndChangesNothing() {
        ReplicaLog log = new ReplicaLog(1, settings.withLimits(new Limits(0, 0, 4)), time,
            Replica.ExpiryEvents.OWNER);
        Replication r = log.node(0).replica;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> r.applyRemote(ReplicaChange.put("k", "too long", 0)));
        assertTrue(e.getMessage().contains("max_item_size"), e.getMessage());
        assertEquals(0, log.node(0).table.size());
        assertThrows(NullPointerException.class, () -> r.applyRemote(null));
    }

    @Test
    void anOutboxCanBeConnectedOnceAndDisconnectingForgetsWhatWasOnItsWay() {
        ReplicaLog log = log(1);
        Replication r = log.node(0).replica;
        assertThrows(IllegalStateException.class, () -> r.connect(c -> true, (n, k) -> true));
        log.node(0).table.put("k", "v");
        r.disconnect();
        assertTrue(r.applyRemote(ReplicaChange.put("k", "remote", 0)), "no change of its own on its way now");
        log.node(0).table.put("other", "v");
        assertEquals(1, log.records.size(), "nothing is offered once disconnected");
    }

    @Test
    void aChangeTheLogHandsBackBeforeTheOutboxReturnsIsNotLeftOnItsWay() {
        CacheTable t = new CacheTable("replicated", settings, time, TableListener.NONE);
        Replication r = t.replicate(Replica.ExpiryEvents.OWNER);
        // a provider whose log brings a change back while its writer is still in offer (as when
        // the writer is descheduled right after the outbox took it)
        r.connect(change -> {
            Thread reader = new Thread(() -> r.acknowledge(change));
            reader.start();
            try {
                reader.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        }, (cache, key) -> true);
        t.put("k", "own");
        assertTrue(r.applyRemote(ReplicaChange.put("k", "remote", 0)), "nothing of this node's on its way");
        assertEquals("remote", t.get("k"));
        t.clear();
        assertTrue(r.applyRemote(ReplicaChange.put("k", "after the clear", 0)), "nor a clear");
        assertEquals("after the clear", t.get("k"));
    }
}
