package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntPredicate;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.replication.ExpiryOwnership;
import io.lapse.cache.replication.Replica;
import io.lapse.cache.replication.ReplicaChange;

/**
 * A total-order log in memory, standing for a replication provider: nodes are tables whose
 * outboxes append to one list, and each node reads the list through a cursor of its own, at the
 * pace a test chooses, handing its own changes to {@code acknowledge} and the others' to
 * {@code applyRemote}. Safe for use by several threads: appends and each node's delivery are
 * serialized on the log.
 */
final class ReplicaLog {

    /** A change and the node whose outbox took it. */
    static final class Record {
        final int origin;
        final ReplicaChange change;

        Record(int origin, ReplicaChange change) {
            this.origin = origin;
            this.change = change;
        }
    }

    /** One node: its table, what it heard, where it reads the log. */
    final class Node {
        final int id;
        final CacheTable table;
        final RecordingListener heard = new RecordingListener();
        final Replication replica;
        int cursor;
        /** Whether the outbox refuses for now, as a provider cut off from the others. */
        volatile boolean cutOff;
        /** Names this node the raiser of every expiry, or of none. */
        volatile boolean owner = true;
        /** The expiries this node did not raise, as the ownership heard of them. */
        final List<String> passed = new CopyOnWriteArrayList<>();

        Node(int id, CacheSettings settings, TimeSource time, Replica.ExpiryEvents events) {
            this.id = id;
            this.table = new CacheTable("replicated", settings, time, heard);
            this.replica = table.replicate(events);
            connect();
        }

        /** Connects this node's outbox to the log, as a provider does when the node joins. */
        void connect() {
            replica.connect(change -> {
                if (cutOff) {
                    return false;
                }
                synchronized (ReplicaLog.this) {
                    records.add(new Record(id, change));
                }
                return true;
            }, new ExpiryOwnership() {
                @Override
                public boolean raisesExpired(String cache, String key) {
                    return owner;
                }

                @Override
                public void passed(String cache, String key, Object value, long expiresAtMillis) {
                    passed.add(key + "=" + value + " @" + expiresAtMillis);
                }
            });
        }

        /** Delivers the log up to its end. */
        int deliverAll() {
            return deliver(Integer.MAX_VALUE);
        }

        /**
         * Delivers the next records of the log, at most {@code max}, to this node.
         *
         * @return how many were delivered
         */
        int deliver(int max) {
            int done = 0;
            for (;;) {
                Record r;
                synchronized (ReplicaLog.this) {
                    if (done == max || cursor == records.size()) {
                        return done;
                    }
                    r = records.get(cursor++);
                }
                if (r.origin == id) {
                    replica.acknowledge(r.change);
                } else {
                    replica.applyRemote(r.change);
                }
                done++;
            }
        }

        /** The live entries: key to value, deadline and keygroup, in key order. */
        Map<String, String> dump() {
            Map<String, String> m = new TreeMap<>();
            for (CacheEntry e : table) {
                Object v = e.value();
                m.put(e.key(), (v instanceof byte[] ? new String((byte[]) v) : String.valueOf(v)) + " @"
                    + e.expiresAtMillis() + (e.group() == null ? "" : " in " + e.group()));
            }
            return m;
        }
    }

    final List<Record> records = new ArrayList<>();
    final List<Node> nodes = new ArrayList<>();

    /** Makes {@code count} nodes sharing one clock, each with the settings given. */
    ReplicaLog(int count, CacheSettings settings, TimeSource time, Replica.ExpiryEvents events) {
        for (int i = 0; i < count; i++) {
            nodes.add(new Node(i, settings, time, events));
        }
    }

    Node node(int i) {
        return nodes.get(i);
    }

    /** Delivers everything to every node. */
    void settle() {
        for (Node n : nodes) {
            n.deliverAll();
        }
    }

    /** How many records the log holds that match. */
    synchronized long count(IntPredicate origin) {
        return records.stream().filter(r -> origin.test(r.origin)).count();
    }
}
