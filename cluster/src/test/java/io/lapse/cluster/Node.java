package io.lapse.cluster;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import com.hazelcast.core.HazelcastInstance;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.replication.Replica;
import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.Sweeper;
import io.lapse.impl.engine.TimeSource;

/**
 * One node of a replicated cache: a real table on the system clock, replicated through its own
 * replicator on a member of the test cluster. The nodes of a test share one time source and its
 * sweeper, as nodes whose clocks agree: each table still turns deadlines into epoch milliseconds
 * and back, but with the same estimate of the wall clock, so the deadlines they report agree to
 * the millisecond.
 */
final class Node implements AutoCloseable {

    /** The time source and the sweeper every node of a test uses. */
    static final class Time implements AutoCloseable {
        final TimeSource source = new TimeSource(Clock.system());
        final Sweeper sweeper = new Sweeper(source, "test-sweeper-", (t, e) -> { });

        Time() {
            sweeper.configure(1, 10);
            sweeper.start();
        }

        @Override
        public void close() {
            sweeper.close();
        }
    }

    final HazelcastInstance hz;
    final CacheTable table;
    final Events events = new Events();
    private final Time time;
    final CacheReplicator replicator;

    /**
     * Makes the node and starts its replicator.
     *
     * @param hz the member
     * @param time the test's time
     * @param cache the cache's name
     * @param settings the table's settings
     * @param expiry which nodes raise expiries
     * @param replication the replicator's settings
     */
    Node(HazelcastInstance hz, Time time, String cache, CacheSettings settings, Replica.ExpiryEvents expiry,
        ReplicatorSettings replication) {
        this.hz = hz;
        this.time = time;
        this.table = new CacheTable(cache, settings, time.source, events);
        time.sweeper.add(table);
        this.replicator = CacheReplicator.start(hz, table.replicate(expiry), replication);
    }

    /** A node with default settings: no default TTL, keygroups, the owner raises expiries. */
    Node(HazelcastInstance hz, Time time, String cache) {
        this(hz, time, cache, settings(), Replica.ExpiryEvents.OWNER, ReplicatorSettings.defaults());
    }

    static CacheSettings settings() {
        return new CacheSettings(10, 0, true, 0, null).withKeygroups(10_000);
    }

    /** The live entries: key to value, deadline and keygroup, in key order. */
    Map<String, String> dump() {
        Map<String, String> m = new TreeMap<>();
        for (CacheEntry e : table) {
            Object v = e.value();
            m.put(e.key(), (v instanceof byte[] ? Arrays.toString((byte[]) v) : String.valueOf(v)) + " @"
                + e.expiresAtMillis() + (e.group() == null ? "" : " in " + e.group()));
        }
        return m;
    }

    @Override
    public void close() {
        replicator.close();
        time.sweeper.remove(table);
        table.close();
    }
}
