package io.lapse.bench;

import java.time.Duration;

import com.hazelcast.core.HazelcastInstance;

import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Sweeper;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;

/**
 * How section G carries a cache's changes between nodes: Lapse's replication, or the model of
 * Kamailio's htable over dmq, for comparison.
 */
enum ReplicationModel {

    /**
     * Lapse: the table's replica and a {@link io.lapse.cluster.CacheReplicator}, which carries the
     * changes in batches through the cache's log, one total order every node applies.
     */
    LOG("Lapse, ordered log") {
        @Override
        ReplicatedNode start(HazelcastInstance hz, String cache, int index, int count, TimeSource time,
            Sweeper sweeper) {
            return new LogNode(hz, table(cache, time, sweeper), sweeper);
        }
    },

    /**
     * htable over dmq: each change broadcast on its own, from the writer's thread, on a Hazelcast
     * topic (not the reliable one: no log, no batching, no total order), and put by each receiver
     * as it arrives.
     */
    BROADCAST("dmq-style broadcast") {
        @Override
        ReplicatedNode start(HazelcastInstance hz, String cache, int index, int count, TimeSource time,
            Sweeper sweeper) {
            return new BroadcastNode(hz, cache, index, count, table(cache, time, sweeper), sweeper);
        }
    };

    /** Every entry's TTL, as in section A: nothing expires while it is measured. */
    static final Duration TTL = Subject.TTL;

    private final String title;

    ReplicationModel(String title) {
        this.title = title;
    }

    /** @return the model's name in the report */
    String title() {
        return title;
    }

    /**
     * Starts one node of a cache.
     *
     * @param hz the node's member
     * @param cache the cache's name, the same on every node
     * @param index the node's number, from 0
     * @param count how many nodes the cache has
     * @param time the time source of the run's tables
     * @param sweeper the sweeper of the run's tables; the node's table is added to it
     * @return the node, taking part in the model
     */
    abstract ReplicatedNode start(HazelcastInstance hz, String cache, int index, int count, TimeSource time,
        Sweeper sweeper);

    /** A table with section A's settings: the default 1,024 slots, an hour's TTL, statistics off. */
    private static CacheTable table(String cache, TimeSource time, Sweeper sweeper) {
        CacheTable table = new CacheTable(cache, Subject.lapseSettings(), time, TableListener.NONE);
        sweeper.add(table);
        return table;
    }
}
