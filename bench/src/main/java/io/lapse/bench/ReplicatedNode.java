package io.lapse.bench;

import io.lapse.cluster.ReplicatorFigures;

/**
 * One node of a replicated cache in section G: a Lapse table on one Hazelcast member, carried to
 * the other nodes by one of the two {@link ReplicationModel models}.
 *
 * <p>{@link #put} may be called by one writer thread at a time; {@link #get} by any thread;
 * changes of the other nodes arrive on Hazelcast's threads and are recorded in {@link #receipts()}.
 */
interface ReplicatedNode extends AutoCloseable {

    /**
     * Puts a key on this node, with the writer's {@link System#nanoTime()} taken just before as its
     * value, and lets the model carry the change to the other nodes.
     *
     * @param key the key
     * @param sentNanos the value: when the writer made the change
     */
    void put(String key, long sentNanos);

    /**
     * Reads a key on this node.
     *
     * @param key the key
     * @return its value, or {@code null}
     */
    Object get(String key);

    /** @return the other nodes' changes this node applied */
    Receipts receipts();

    /** @return the replicator's own figures, or {@code null} for a model without a replicator */
    ReplicatorFigures replicatorFigures();

    /** Stops taking part in the model and closes the table. */
    @Override
    void close();
}
