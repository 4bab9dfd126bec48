package io.lapse.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.test.SplitBrainTestSupport;
import com.hazelcast.test.TestHazelcastInstanceFactory;

import io.lapse.testing.Await;

/**
 * A split and its healing, on Hazelcast's own mock network with its firewall, three members in
 * one JVM: member C is cut off from A and B; both sides go on serving and writing (C counts the
 * changes it could not get to the others as its own side's); when the network heals and Hazelcast
 * merges C into the larger side, C takes the larger side's contents and puts its own side's
 * changes back, and all three converge: every change made on either side is on every node, and a
 * key both sides changed holds one value everywhere.
 */
class SplitBrainTest {

    private static final Duration HEAL = Duration.ofSeconds(90);

    private final TestHazelcastInstanceFactory factory = new TestHazelcastInstanceFactory(3);
    private final List<Node> nodes = new ArrayList<>();
    private Node.Time time;

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
        if (time != null) {
            time.close();
        }
        factory.shutdownAll();
    }

    private static Config config() {
        Config config = HazelcastConfigs.addStructures(new Config());
        config.setClusterName("lapse-test-split");
        config.setProperty("hazelcast.partition.count", "31");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "3");
        return config;
    }

    @Test
    void bothSidesOfASplitKeepServingAndConvergeWhenItHeals() throws Exception {
        HazelcastInstance ha = factory.newHazelcastInstance(config());
        HazelcastInstance hb = factory.newHazelcastInstance(config());
        HazelcastInstance hc = factory.newHazelcastInstance(config());
        time = new Node.Time();
        Node a = new Node(ha, time, "split");
        nodes.add(a);
        assertTrue(a.replicator.awaitReady(Await.TIMEOUT));
        Node b = new Node(hb, time, "split");
        nodes.add(b);
        Node c = new Node(hc, time, "split");
        nodes.add(c);
        assertTrue(b.replicator.awaitReady(Await.TIMEOUT) && c.replicator.awaitReady(Await.TIMEOUT));
        a.table.put("before", "the split");
        a.table.put("gone-on-c", "x");
        Await.answer("the first writes everywhere", Await.TIMEOUT,
            () -> "the split".equals(c.table.get("before")) && "x".equals(c.table.get("gone-on-c")));

        SplitBrainTestSupport.blockCommunicationBetween(ha, hc);
        SplitBrainTestSupport.blockCommunicationBetween(hb, hc);
        Await.answer("the split", HEAL, () -> hc.getCluster().getMembers().size() == 1
            && ha.getCluster().getMembers().size() == 2);

        a.table.put("larger-side", "from A");
        b.table.put("both", "from B");
        c.table.put("smaller-side", "from C");
        c.table.put("both", "from C");
        c.table.remove("gone-on-c");
        assertEquals("from C", c.table.get("both"), "each side serves its own contents meanwhile");
        Await.answer("B sees A's write during the split", Await.TIMEOUT, () -> "from A".equals(b.table.get("larger-side")));

        SplitBrainTestSupport.unblockCommunicationBetween(ha, hc);
        SplitBrainTestSupport.unblockCommunicationBetween(hb, hc);
        Await.answer("the merge", HEAL, () -> hc.getCluster().getMembers().size() == 3);
        Map<String, String> agreed = Convergence.await(nodes, HEAL);

        assertEquals("the split @0", agreed.get("before"));
        assertEquals("from A @0", agreed.get("larger-side"), "the larger side's change survives the merge");
        assertEquals("from C @0", agreed.get("smaller-side"), "and the smaller side's");
        assertNull(agreed.get("gone-on-c"), "a removal on the smaller side too");
        assertEquals("from C @0", agreed.get("both"), "a key both sides changed: the merged side's change comes last");
        assertTrue(c.replicator.mergedBack() >= 3, "C put its side's changes back");
    }
}
