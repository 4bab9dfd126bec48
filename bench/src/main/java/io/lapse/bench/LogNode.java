package io.lapse.bench;

import java.time.Duration;

import com.hazelcast.core.HazelcastInstance;

import io.lapse.cache.replication.Replica;
import io.lapse.cluster.CacheReplicator;
import io.lapse.cluster.ReplicatorFigures;
import io.lapse.cluster.ReplicatorSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Sweeper;

/**
 * A node of {@link ReplicationModel#LOG}: a table replicated as the cluster bundle replicates it,
 * with the default settings and {@code expiry_events=owner}, its replica wrapped in a
 * {@link TimedReplica} so that the remote puts it applies are recorded.
 */
final class LogNode implements ReplicatedNode {

    private final CacheTable table;
    private final Sweeper sweeper;
    private final Receipts receipts = new Receipts();
    private final CacheReplicator replicator;

    /**
     * Starts replicating the table; it joins as a node of the cluster bundle does.
     *
     * @param hz the member
     * @param table the table, on the sweeper
     * @param sweeper the sweeper it leaves when closed
     */
    LogNode(HazelcastInstance hz, CacheTable table, Sweeper sweeper) {
        this.table = table;
        this.sweeper = sweeper;
        this.replicator = CacheReplicator.start(hz, new TimedReplica(table.replicate(Replica.ExpiryEvents.OWNER),
            receipts), ReplicatorSettings.defaults());
    }

    /**
     * Waits until the node has joined.
     *
     * @param timeout how long at most
     * @throws IllegalStateException if it has not joined in that time
     * @throws InterruptedException if interrupted while waiting
     */
    void awaitReady(Duration timeout) throws InterruptedException {
        if (!replicator.awaitReady(timeout)) {
            throw new IllegalStateException("cache '" + table.name() + "' did not join within "
                + timeout.toSeconds() + " s: " + replicator.figures());
        }
    }

    @Override
    public void put(String key, long sentNanos) {
        table.put(key, sentNanos);
    }

    @Override
    public Object get(String key) {
        return table.get(key);
    }

    @Override
    public Receipts receipts() {
        return receipts;
    }

    @Override
    public ReplicatorFigures replicatorFigures() {
        return replicator.figures();
    }

    @Override
    public void close() {
        replicator.close();
        sweeper.remove(table);
        table.close();
    }
}
