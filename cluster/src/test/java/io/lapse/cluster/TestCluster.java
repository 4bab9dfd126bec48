package io.lapse.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import io.lapse.testing.Await;

/**
 * Hazelcast members in this JVM, on 127.0.0.1 only, under a cluster name and a port range of
 * their own (each test class takes its own, so classes never meet), configured as the bundle
 * configures a member plus a few properties that make a small test cluster form and settle fast.
 */
final class TestCluster implements AutoCloseable {

    private final List<HazelcastInstance> members = new ArrayList<>();

    private TestCluster() {
    }

    /**
     * Starts members and waits until they all see each other.
     *
     * @param name the cluster's name
     * @param firstPort the first of {@code count} ports the members take
     * @param count how many members
     * @param refine changes each member's configuration before it starts
     * @return the cluster
     */
    static TestCluster start(String name, int firstPort, int count, Consumer<Config> refine) {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            addresses.add("127.0.0.1:" + (firstPort + i));
        }
        TestCluster cluster = new TestCluster();
        for (int i = 0; i < count; i++) {
            Config config = HazelcastConfigs.member(new MemberSettings(name, addresses, firstPort, count,
                MemberSettings.DEFAULT_INTERFACE));
            config.setInstanceName(name + "-" + i);
            // a small cluster of one JVM: few partitions, no waiting for members that will not come
            config.setProperty("hazelcast.partition.count", "31");
            config.setProperty("hazelcast.wait.seconds.before.join", "0");
            config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
            config.setProperty("hazelcast.tcp.join.port.try.count", String.valueOf(count));
            refine.accept(config);
            // one by one: the i-th member takes the i-th port, and the first is the oldest
            cluster.members.add(Hazelcast.newHazelcastInstance(config));
        }
        Await.answer("a cluster of " + count + " members", Await.TIMEOUT.multipliedBy(2),
            () -> cluster.members.stream().allMatch(m -> m.getCluster().getMembers().size() == count
                && m.getPartitionService().isClusterSafe()));
        return cluster;
    }

    /** Starts members with the configuration as the bundle makes it. */
    static TestCluster start(String name, int firstPort, int count) {
        return start(name, firstPort, count, c -> { });
    }

    /** @return the i-th member started */
    HazelcastInstance member(int i) {
        return members.get(i);
    }

    /** @return the members, as started */
    List<HazelcastInstance> members() {
        return members;
    }

    @Override
    public void close() {
        // one by one, youngest first: each leaves a cluster that knows it is going
        for (int i = members.size() - 1; i >= 0; i--) {
            members.get(i).shutdown();
        }
        members.clear();
    }
}
