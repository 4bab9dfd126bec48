package io.lapse.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import io.lapse.cluster.HazelcastConfigs;
import io.lapse.cluster.MemberSettings;

/**
 * Hazelcast members in this JVM for section G: on 127.0.0.1 only, ports {@value #FIRST_PORT}
 * upwards, under the cluster name {@value #NAME}, each configured as the cluster bundle configures
 * its member ({@link HazelcastConfigs#member}) plus what makes a small cluster of one JVM form and
 * settle quickly.
 *
 * <p>Hazelcast and Lapse's replicators log through java.util.logging; their informational messages
 * (every member joining, every partition migrated, every cache joined, every publication the log
 * refused while it was full) are turned off here, their warnings kept.
 *
 * <p>One thread at a time; {@link #close()} shuts the members down.
 */
final class BenchCluster implements AutoCloseable {

    /** The cluster's name: the bench's own, so it never joins a cluster of a test or a deployment. */
    static final String NAME = "lapse-bench";
    /** The first member's port; the i-th member (from 0) takes this plus i. */
    static final int FIRST_PORT = 5901;
    /** The most members: ports {@value #FIRST_PORT} to 5903. */
    static final int MAX_MEMBERS = 3;
    private static final long FORM_MILLIS = 60_000;
    /** Held so that the levels set on them are not lost when the loggers are collected. */
    private static final List<Logger> QUIETED = List.of(Logger.getLogger("com.hazelcast"),
        Logger.getLogger("io.lapse.cluster"));

    private final List<HazelcastInstance> members = new ArrayList<>();

    private BenchCluster() {
    }

    /**
     * Starts members one by one, so that the first is the oldest, and waits until each sees all
     * the others and the partitions are safe.
     *
     * @param count how many, 1 to {@value #MAX_MEMBERS}
     * @return the cluster
     * @throws IllegalArgumentException if the count is out of range
     * @throws IllegalStateException if the members do not form a cluster within a minute; none is
     *     left running
     */
    static BenchCluster start(int count) {
        if (count < 1 || count > MAX_MEMBERS) {
            throw new IllegalArgumentException("a bench cluster has 1 to " + MAX_MEMBERS + " members, not " + count);
        }
        QUIETED.forEach(l -> l.setLevel(Level.WARNING));
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            addresses.add("127.0.0.1:" + (FIRST_PORT + i));
        }
        BenchCluster cluster = new BenchCluster();
        try {
            for (int i = 0; i < count; i++) {
                Config config = HazelcastConfigs.member(new MemberSettings(NAME, addresses, FIRST_PORT, count,
                    MemberSettings.DEFAULT_INTERFACE));
                config.setInstanceName(NAME + "-" + (i + 1));
                // one JVM, a few members: few partitions, and no waiting for members that will not come
                config.setProperty("hazelcast.partition.count", "31");
                config.setProperty("hazelcast.wait.seconds.before.join", "0");
                config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
                config.setProperty("hazelcast.tcp.join.port.try.count", String.valueOf(count));
                cluster.members.add(Hazelcast.newHazelcastInstance(config));
            }
            cluster.awaitFormed(count);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Waits until every member sees them all, owns partitions, and the partitions are safe: a
     * member that joined is given its partitions a moment after it is seen, and a migration
     * under way while measuring would be measured too.
     */
    private void awaitFormed(int count) {
        long deadline = System.nanoTime() + FORM_MILLIS * 1_000_000L;
        while (!members.stream().allMatch(m -> m.getCluster().getMembers().size() == count
            && m.getPartitionService().isClusterSafe() && ownsPartitions(m))) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(count + " Hazelcast members on 127.0.0.1:" + FIRST_PORT + "-"
                    + (FIRST_PORT + count - 1) + " did not form the cluster '" + NAME + "' within "
                    + FORM_MILLIS / 1000 + " s (is another process on those ports?)");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the cluster '" + NAME + "' formed", e);
            }
        }
    }

    private static boolean ownsPartitions(HazelcastInstance member) {
        Member self = member.getCluster().getLocalMember();
        return member.getPartitionService().getPartitions().stream().anyMatch(p -> self.equals(p.getOwner()));
    }

    /** @return the i-th member started, from 0 */
    HazelcastInstance member(int i) {
        return members.get(i);
    }

    /** @return how many members */
    int size() {
        return members.size();
    }

    /**
     * Destroys every distributed object whose name contains a text: what a run of one cache left
     * behind (its log and the log's ringbuffer, maps, topics), so the next run starts without it.
     *
     * @param text the text, such as a cache's name unique to its run
     */
    void destroyObjectsNamed(String text) {
        for (DistributedObject o : members.get(0).getDistributedObjects()) {
            if (o.getName().contains(text)) {
                o.destroy();
            }
        }
    }

    /**
     * Destroys every distributed object, so that no operation is left waiting on a member as it
     * goes (a reader's poll of a log), then shuts the members down, the youngest first, so that
     * each leaves a cluster that knows it is going.
     */
    @Override
    public void close() {
        if (!members.isEmpty()) {
            members.get(0).getDistributedObjects().forEach(DistributedObject::destroy);
        }
        for (int i = members.size() - 1; i >= 0; i--) {
            members.get(i).shutdown();
        }
        members.clear();
    }
}
