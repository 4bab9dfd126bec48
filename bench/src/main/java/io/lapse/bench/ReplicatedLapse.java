package io.lapse.bench;

import java.time.Duration;

import io.lapse.cache.Cache;
import io.lapse.cache.replication.Replica;
import io.lapse.cluster.CacheReplicator;
import io.lapse.cluster.ReplicatorSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.Sweeper;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;

/**
 * {@link Subject#LAPSE_REPLICATED}: section A's Lapse cache, replicated as the cluster bundle
 * replicates it, to a second node on a second Hazelcast member in this JVM ({@link BenchCluster}
 * of two). Operations go to the first node, through the {@link Cache} view its consumers receive;
 * its writes reach the second node through the cache's log.
 *
 * <p>Thread safety: {@link #get} and {@link #put} as the cache's; {@link #settle} and
 * {@link #close} from one thread.
 */
final class ReplicatedLapse implements Subject.Store {

    private static final Duration JOIN = Duration.ofSeconds(60);
    private static final long SETTLE_MILLIS = 60_000;

    private final BenchCluster cluster;
    private final Sweeper sweeper;
    private final CacheTable table;
    private final CacheTable peer;
    private final CacheReplicator replicator;
    private final CacheReplicator peerReplicator;
    private final Cache cache;

    private ReplicatedLapse(BenchCluster cluster, Sweeper sweeper, CacheTable table, CacheTable peer,
        CacheReplicator replicator, CacheReplicator peerReplicator) {
        this.cluster = cluster;
        this.sweeper = sweeper;
        this.table = table;
        this.peer = peer;
        this.replicator = replicator;
        this.peerReplicator = peerReplicator;
        this.cache = table.cache();
    }

    /**
     * Starts the cluster, both nodes and their sweeper, and waits until both have joined.
     *
     * @return the first node, as a store
     * @throws IllegalStateException if the cluster does not form or a node does not join in time;
     *     nothing is left running
     */
    static ReplicatedLapse start() {
        BenchCluster cluster = BenchCluster.start(2);
        TimeSource time = new TimeSource(Clock.system());
        Sweeper sweeper = new Sweeper(time, "bench-sweeper-", (t, e) -> { });
        sweeper.start();
        CacheTable table = new CacheTable("bench", Subject.lapseSettings(), time, TableListener.NONE);
        CacheTable peer = new CacheTable("bench", Subject.lapseSettings(), time, TableListener.NONE);
        sweeper.add(table);
        sweeper.add(peer);
        CacheReplicator replicator = null;
        CacheReplicator peerReplicator = null;
        try {
            replicator = CacheReplicator.start(cluster.member(0), table.replicate(Replica.ExpiryEvents.OWNER),
                ReplicatorSettings.defaults());
            awaitReady(replicator);
            peerReplicator = CacheReplicator.start(cluster.member(1), peer.replicate(Replica.ExpiryEvents.OWNER),
                ReplicatorSettings.defaults());
            awaitReady(peerReplicator);
            return new ReplicatedLapse(cluster, sweeper, table, peer, replicator, peerReplicator);
        } catch (RuntimeException | Error e) {
            stop(cluster, sweeper, table, peer, replicator, peerReplicator);
            throw e;
        }
    }

    private static void awaitReady(CacheReplicator r) {
        try {
            if (!r.awaitReady(JOIN)) {
                throw new IllegalStateException("cache 'bench' did not join within " + JOIN.toSeconds() + " s: "
                    + r.figures());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while cache 'bench' joined", e);
        }
    }

    @Override
    public Object get(String key) {
        return cache.get(key);
    }

    @Override
    public void put(String key, Object value) {
        cache.put(key, value);
    }

    /**
     * Waits until the second node holds as many entries as the first.
     *
     * @throws IllegalStateException if it does not within a minute
     */
    @Override
    public void settle() {
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000L;
        while (peer.size() != table.size()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the second node of cache 'bench' holds " + peer.size() + " of "
                    + table.size() + " entries a minute after the writes: " + peerReplicator.figures());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while cache 'bench' settled", e);
            }
        }
    }

    @Override
    public void close() {
        stop(cluster, sweeper, table, peer, replicator, peerReplicator);
    }

    private static void stop(BenchCluster cluster, Sweeper sweeper, CacheTable table, CacheTable peer,
        CacheReplicator replicator, CacheReplicator peerReplicator) {
        if (peerReplicator != null) {
            peerReplicator.close();
        }
        if (replicator != null) {
            replicator.close();
        }
        sweeper.close();
        peer.close();
        table.close();
        cluster.close();
    }
}
