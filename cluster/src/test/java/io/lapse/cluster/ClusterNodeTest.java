package io.lapse.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import io.lapse.cache.replication.Replica;
import io.lapse.cache.replication.ReplicationStatus;
import io.lapse.impl.engine.CacheTable;
import io.lapse.testing.Await;

/**
 * A {@link ClusterNode} as the bundle's component drives it: replicas given before and after the
 * member starts are replicated, each with its status published while it runs; a node that
 * stops withdraws them and shuts down the member it started, and leaves running one it was lent.
 */
class ClusterNodeTest {

    private static final String CLUSTER = "lapse-test-node";
    private static final int PORT = 5831;

    /** What the nodes published, by cache name and node. */
    private static final class Board implements ClusterNode.StatusBoard {
        final Map<Object, String> live = new ConcurrentHashMap<>();
        final List<ReplicationStatus> published = new ArrayList<>();

        @Override
        public synchronized Object publish(String cache, ReplicationStatus status) {
            Object handle = new Object();
            live.put(handle, cache);
            published.add(status);
            return handle;
        }

        @Override
        public void withdraw(Object handle) {
            live.remove(handle);
        }
    }

    private static HazelcastInstance member(int i) {
        Config config = HazelcastConfigs.member(new MemberSettings(CLUSTER, List.of("127.0.0.1:" + PORT,
            "127.0.0.1:" + (PORT + 1)), PORT, 2, MemberSettings.DEFAULT_INTERFACE));
        config.setInstanceName(CLUSTER + "-" + i);
        config.setProperty("hazelcast.partition.count", "31");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        return Hazelcast.newHazelcastInstance(config);
    }

    @Test
    void replicatesWhatItIsGivenPublishesItsStatusAndStopsWhatItStarted() throws Exception {
        try (Node.Time time = new Node.Time()) {
            CacheTable a = new CacheTable("shared", Node.settings(), time.source, new Events());
            CacheTable b = new CacheTable("shared", Node.settings(), time.source, new Events());
            Board boardA = new Board();
            Board boardB = new Board();
            ClusterNode nodeA = new ClusterNode(boardA, ReplicatorSettings.defaults());
            ClusterNode nodeB = new ClusterNode(boardB, ReplicatorSettings.defaults());
            HazelcastInstance lent = member(1);
            HazelcastInstance[] started = new HazelcastInstance[1];
            try {
                a.put("before", "the member started");
                nodeA.add(a.replicate(Replica.ExpiryEvents.OWNER));
                nodeA.start(() -> started[0] = member(0), true);
                Await.answer("node A's status, ready", Await.TIMEOUT, () -> boardA.published.size() == 1
                    && boardA.published.get(0).state() == ReplicationStatus.State.READY);

                nodeB.start(() -> lent, false);
                Replica replicaB = b.replicate(Replica.ExpiryEvents.OWNER);
                nodeB.add(replicaB);
                Await.answer("node B joined with A's contents", Await.TIMEOUT,
                    () -> "the member started".equals(b.get("before")));
                a.put("after", "both");
                Await.answer("A's write at B", Await.TIMEOUT, () -> "both".equals(b.get("after")));
                b.remove("before");
                Await.answer("B's removal at A", Await.TIMEOUT, () -> a.get("before") == null);

                ReplicationStatus statusB = boardB.published.get(0);
                assertEquals(ReplicationStatus.State.READY, statusB.state());
                assertEquals(2, statusB.members().size());
                assertEquals("127.0.0.1:" + lent.getCluster().getLocalMember().getAddress().getPort(),
                    statusB.members().get(0), "this node first");
                assertEquals(1, statusB.changesSent());
                assertTrue(statusB.changesReceived() >= 1, "B received A's put");

                nodeB.remove(replicaB);
                Await.answer("B's status withdrawn", Await.TIMEOUT, boardB.live::isEmpty);
                assertEquals(ReplicationStatus.State.CLOSED, statusB.state());
            } finally {
                nodeA.close();
                nodeB.close();
            }
            assertTrue(boardA.live.isEmpty(), "A's statuses withdrawn at close");
            assertFalse(started[0].getLifecycleService().isRunning(), "the member A started is shut down");
            assertTrue(lent.getLifecycleService().isRunning(), "the member B was lent keeps running");
            lent.shutdown();
            a.close();
            b.close();
        }
    }
}
