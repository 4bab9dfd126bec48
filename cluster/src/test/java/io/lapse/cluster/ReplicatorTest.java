package io.lapse.cluster;

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
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;

import io.lapse.cache.replication.Replica;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.ChangeKinds;
import io.lapse.impl.engine.RandomChanges;
import io.lapse.impl.engine.EventKind;
import io.lapse.impl.engine.Limits;
import io.lapse.impl.engine.TableListener;
import io.lapse.testing.Await;

/**
 * Replication between three real members in this JVM, each node a real table with its own
 * replicator: every kind of change reaches the other nodes, with the same deadline.
 */
class ReplicatorTest {

    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static TestCluster cluster;
    private static Node.Time time;
    private final List<Node> nodes = new ArrayList<>();
    private String cache;

    @BeforeAll
    static void startCluster() {
        // the log of caches named tiny*: small and overwritten at once, so a reader can fall off it
        cluster = TestCluster.start("lapse-test-replicator", 5811, 3, config -> config.addRingBufferConfig(
            new RingbufferConfig(HazelcastConfigs.LOG_PREFIX + "tiny*").setCapacity(1_000).setTimeToLiveSeconds(0)));
    }

    @BeforeAll
    static void startTime() {
        time = new Node.Time();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
        time.close();
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(Node::close);
    }

    private void nameCache(TestInfo test) {
        cache = test.getTestMethod().orElseThrow().getName();
    }

    private Node node(int member) {
        return add(new Node(cluster.member(member), time, cache));
    }

    private Node add(Node n) {
        nodes.add(n);
        return n;
    }

    private List<Node> threeReadyNodes() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            assertTrue(node(i).replicator.awaitReady(SETTLE), "node " + i + " ready");
        }
        return nodes;
    }

    @Test
    void everyKindOfChangeReachesTheOtherNodes(TestInfo test) throws InterruptedException {
        nameCache(test);
        threeReadyNodes();
        CacheTable a = nodes.get(0).table;
        ChangeKinds.makeEach(a, Duration.ofMinutes(5));
        Map<String, String> agreed = Convergence.await(nodes, SETTLE);

        assertEquals(8, agreed.size(), agreed.toString());
        for (Node n : nodes.subList(1, 3)) {
            CacheTable c = n.table;
            assertEquals("v", c.get("plain"));
            assertEquals(a.getEntry("short").expiresAtMillis(), c.getEntry("short").expiresAtMillis(),
                "the same absolute deadline");
            assertTrue(c.getEntry("short").expiresAtMillis() > 0);
            assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) c.get("bytes"));
            assertEquals(42L, c.get("number"));
            assertEquals("first", c.get("absent"));
            assertEquals(7L, c.get("counter"));
            assertEquals(a.getEntry("ttl").expiresAtMillis(), c.getEntry("ttl").expiresAtMillis());
            assertEquals("made", c.get("computed"));
            assertNull(c.get("computed-away"));
            assertNull(c.get("gone"));
            assertNull(c.get("match-1"));
            assertNull(c.get("v1"));
        }

        a.clear();
        assertEquals(Map.of(), Convergence.await(nodes, SETTLE));
        assertEquals(HazelcastConfigs.LOG_CAPACITY,
            cluster.member(1).getRingbuffer(HazelcastConfigs.logRingbufferName(cache)).capacity(), "the log's configuration");
        ReplicatorFigures f = nodes.get(0).replicator.figures();
        assertEquals(21, f.changesSent(), f.toString());
        assertEquals(ReplicatorState.READY, f.state());
        assertEquals(3, f.members());
        ReplicatorFigures other = nodes.get(1).replicator.figures();
        assertEquals(21, other.changesReceived(), other.toString());
        assertTrue(other.lagMaxMillis() >= other.lagP99Millis() && other.lagP99Millis() >= other.lagP50Millis(),
            other.toString());
        System.out.println("every kind of change: " + other);
    }

    @Test
    void aKeygroupTravelsWithItsEntriesAndItsInvalidationRemovesThemEverywhere(TestInfo test) throws InterruptedException {
        nameCache(test);
        threeReadyNodes();
        CacheTable a = nodes.get(0).table;
        for (int i = 0; i < 50; i++) {
            a.put("cart:" + i, "item" + i, Duration.ofMinutes(5), "user:1");
            a.put("pref:" + i, "p" + i, null, "user:2");
        }
        a.put("cart:0", "changed");
        Map<String, String> agreed = Convergence.await(nodes, SETTLE);
        assertEquals(100, agreed.size());
        CacheTable c = nodes.get(2).table;
        assertEquals(50, c.groupKeys("user:1").size(), "the other node knows the group");
        assertEquals("user:1", c.getEntry("cart:0").group(), "a write that named no group kept it in its group");

        assertEquals(50, c.invalidateGroup("user:1"));
        agreed = Convergence.await(nodes, SETTLE);
        assertEquals(50, agreed.size());
        for (Node n : nodes) {
            assertTrue(n.table.groupKeys("user:1").isEmpty(), "node " + nodes.indexOf(n));
            assertEquals(50, n.table.groupKeys("user:2").size());
        }
        Await.until("node 0 to hear of the 50 removals", () -> nodes.get(0).events.of(EventKind.REMOVED).size() >= 50);
    }

    @Test
    void closingStopsTheReplicator(TestInfo test) throws InterruptedException {
        nameCache(test);
        threeReadyNodes();
        Node c = nodes.get(2);
        c.replicator.close();
        assertEquals(ReplicatorState.CLOSED, c.replicator.state());
        assertFalse(c.hz.getMap(HazelcastConfigs.MEMBERS_MAP_PREFIX + cache)
            .containsKey(c.hz.getCluster().getLocalMember().getUuid().toString()), "its entry on the board is gone");
        nodes.get(0).table.put("after", "close");
        Convergence.await(nodes.subList(0, 2), SETTLE);
        assertNull(c.table.get("after"), "a closed replicator applies nothing");
        c.table.put("local", "only");
        Convergence.await(nodes.subList(0, 2), SETTLE);
        assertNull(nodes.get(0).table.get("local"), "nor sends anything");
    }

    @Test
    void concurrentWritersOnThreeNodesConverge(TestInfo test) throws InterruptedException {
        nameCache(test);
        threeReadyNodes();
        List<Thread> writers = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            for (int w = 0; w < 2; w++) {
                CacheTable t = nodes.get(n).table;
                long seed = n * 10L + w;
                writers.add(new Thread(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 3_000; i++) {
                        CHANGES.apply(t, random);
                    }
                }, "writer-" + n + "-" + w));
            }
        }
        writers.forEach(Thread::start);
        for (Thread t : writers) {
            t.join(SETTLE.toMillis());
            assertFalse(t.isAlive(), t.getName() + " did not finish");
        }
        Map<String, String> agreed = Convergence.await(nodes, SETTLE);
        assertFalse(agreed.isEmpty());
        for (Node n : nodes) {
            System.out.println("concurrent writers: " + n.replicator.figures() + ", duplicates "
                + n.replicator.duplicates());
        }
    }

    private static final RandomChanges CHANGES = new RandomChanges(40, Duration.ofMinutes(1), 50);

    @Test
    void aJoiningNodeGetsTheContentsAndTheChangesMadeMeanwhile(TestInfo test) throws InterruptedException {
        nameCache(test);
        Node a = node(0);
        assertTrue(a.replicator.awaitReady(SETTLE));
        for (int i = 0; i < 10_000; i++) {
            a.table.put("k" + i, "v" + i, Duration.ofMinutes(10));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
            Random random = new Random(1);
            while (!stop.get()) {
                String key = "k" + random.nextInt(12_000);
                if (random.nextInt(4) == 0) {
                    a.table.remove(key);
                } else {
                    a.table.put(key, "w" + written.get(), Duration.ofMinutes(10));
                }
                if (written.incrementAndGet() % 20 == 0) {
                    // about 20,000 changes a second: a steady stream, not a flood
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
        }, "writer");
        writer.start();
        try {
            Await.until("the writer under way", () -> written.get() > 1_000);
            long start = System.nanoTime();
            Node b = node(1);
            assertEquals(ReplicatorState.JOINING, b.replicator.state());
            assertTrue(b.replicator.awaitReady(SETTLE), "b ready");
            long joined = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long at = written.get();
            Await.until("writes after the join", () -> written.get() > at + 2_000);
            stop.set(true);
            writer.join(SETTLE.toMillis());
            Map<String, String> agreed = Convergence.await(nodes, SETTLE);
            assertTrue(agreed.size() > 8_000, agreed.size() + " entries");
            ReplicatorFigures f = b.replicator.figures();
            assertTrue(f.changesReceived() > 0, f.toString());
            System.out.println("join of 10,000 entries with " + at + " writes under way: ready in " + joined
                + " ms; " + f);
        } finally {
            stop.set(true);
            writer.join(SETTLE.toMillis());
        }
    }

    @Test
    void withOwnerExpiryEveryNodeExpiresAnEntryAndOneRaisesIt(TestInfo test) throws InterruptedException {
        nameCache(test);
        threeReadyNodes();
        Await.answer("partitions settled", SETTLE, () -> cluster.member(0).getPartitionService().isClusterSafe());
        CacheTable a = nodes.get(0).table;
        for (int i = 0; i < 1_000; i++) {
            a.put("e" + i, "v", Duration.ofSeconds(3));
        }
        for (Node n : nodes) {
            Await.answer("the entries on every node", SETTLE, () -> n.table.size() == 1_000 || n.table.stats()
                .expirations() > 0);
        }
        for (Node n : nodes) {
            Await.answer("every node expiring them", SETTLE, () -> n.table.stats().expirations() == 1_000);
        }
        List<String> raised = nodes.stream().flatMap(n -> n.events.of(EventKind.EXPIRED).stream())
            .collect(Collectors.toList());
        assertEquals(1_000, raised.size(), "events across the nodes");
        assertEquals(1_000, raised.stream().distinct().count(), "one per entry");
        for (Node n : nodes) {
            assertTrue(n.events.of(EventKind.EXPIRED).size() < 1_000, "each node raises its own share");
        }
    }

    @Test
    void aFullOutboxRefusesAndResendBringsTheNodesTogether(TestInfo test) throws InterruptedException {
        nameCache(test);
        Node a = add(new Node(cluster.member(0), time, cache, Node.settings(), Replica.ExpiryEvents.OWNER,
            new ReplicatorSettings(4, ReplicatorSettings.MIN_SYNC_TIMEOUT.multipliedBy(20))));
        assertTrue(a.replicator.awaitReady(SETTLE));
        assertTrue(node(1).replicator.awaitReady(SETTLE));
        assertTrue(node(2).replicator.awaitReady(SETTLE));
        for (int i = 0; i < 20_000; i++) {
            a.table.put("k" + (i % 2_000), "v" + i);
        }
        ReplicatorFigures f = a.replicator.figures();
        assertTrue(f.changesDropped() > 0, f.toString());
        Map<String, String> agreed = Convergence.await(nodes, SETTLE);
        assertEquals(2_000, agreed.size());
        assertEquals("v19999 @0", agreed.get("k1999"));
        assertEquals("v18000 @0", agreed.get("k0"));
        System.out.println("a full outbox: " + a.replicator.figures());
    }

    @Test
    void aChangeANodeCannotStoreIsRejectedAndTheReaderGoesOn(TestInfo test) throws InterruptedException {
        nameCache(test);
        Node a = node(0);
        assertTrue(a.replicator.awaitReady(SETTLE));
        Node b = add(new Node(cluster.member(1), time, cache, Node.settings().withLimits(new Limits(0, 0, 8)),
            Replica.ExpiryEvents.OWNER, ReplicatorSettings.defaults()));
        assertTrue(b.replicator.awaitReady(SETTLE));
        a.table.put("big", "far more than eight bytes");
        a.table.put("small", "ok");
        Await.answer("the small value on b", SETTLE, () -> "ok".equals(b.table.get("small")));
        assertNull(b.table.get("big"));
        assertEquals(1, b.replicator.figures().rejected());
    }

    @Test
    void aJoinerAsksAnotherMemberWhenTheFirstDoesNotAnswer(TestInfo test) throws InterruptedException {
        nameCache(test);
        List<Member> byAge = new ArrayList<>(cluster.member(0).getCluster().getMembers());
        HazelcastInstance oldest = instance(byAge.get(0));
        Node a = add(new Node(instance(byAge.get(1)), time, cache));
        assertTrue(a.replicator.awaitReady(SETTLE));
        for (int i = 0; i < 100; i++) {
            a.table.put("k" + i, "v" + i);
        }
        // the oldest member says it is ready but replicates nothing: it never answers
        oldest.getMap(HazelcastConfigs.MEMBERS_MAP_PREFIX + cache)
            .put(byAge.get(0).getUuid().toString(), "READY " + UUID.randomUUID());
        Node b = add(new Node(instance(byAge.get(2)), time, cache, Node.settings(), Replica.ExpiryEvents.OWNER,
            new ReplicatorSettings(100_000, ReplicatorSettings.MIN_SYNC_TIMEOUT.multipliedBy(4))));
        assertTrue(b.replicator.awaitReady(SETTLE));
        assertEquals(100, Convergence.await(nodes, SETTLE).size());
    }

    private static HazelcastInstance instance(Member member) {
        return cluster.members().stream().filter(m -> m.getCluster().getLocalMember().equals(member)).findFirst()
            .orElseThrow();
    }

    @Test
    void aMemberReplicatesACacheOnce(TestInfo test) throws InterruptedException {
        nameCache(test);
        assertTrue(node(0).replicator.awaitReady(SETTLE));
        CacheTable other = new CacheTable(cache, Node.settings(), time.source, TableListener.NONE);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CacheReplicator.start(cluster.member(0), other.replicate(Replica.ExpiryEvents.OWNER),
                    ReplicatorSettings.defaults()));
            assertTrue(e.getMessage().contains(cache), e.getMessage());
        } finally {
            other.close();
        }
    }

    @Test
    void aNodeThatLosesItsPlaceInTheLogJoinsAgain() throws InterruptedException {
        cache = "tiny-lost-place";
        Node a = node(0);
        assertTrue(a.replicator.awaitReady(SETTLE));
        Node b = node(1);
        assertTrue(b.replicator.awaitReady(SETTLE));
        CountDownLatch release = new CountDownLatch(1);
        b.events.hook = kind -> {
            if (kind == EventKind.REMOVED) {
                // b's reader stops here, inside the removal it applies, while a writes on
                awaitQuietly(release);
            }
        };
        a.table.put("block", "x");
        a.table.remove("block");
        Await.answer("b's reader held", SETTLE, () -> b.events.of(EventKind.REMOVED).contains("block"));
        for (int round = 0; round < 6; round++) {
            for (int i = 0; i < 500; i++) {
                a.table.put("k" + (round * 500 + i), "v" + i);
            }
            // a's own reader keeps up: only b falls off the log
            Await.answer("a's changes published and read back", SETTLE, () -> a.replicator.idle()
                && a.replicator.position() == cluster.member(0).getRingbuffer(
                    HazelcastConfigs.logRingbufferName(cache)).tailSequence());
        }
        assertTrue(cluster.member(0).getRingbuffer(HazelcastConfigs.logRingbufferName(cache)).headSequence() > 2,
            "the log overwrote what b had not read");
        release.countDown();
        Await.answer("b joining again", SETTLE, () -> b.replicator.figures().rejoins() == 1);
        assertEquals(3_000, Convergence.await(nodes, SETTLE).size());
        assertEquals(0, a.replicator.figures().rejoins());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
