package io.lapse.bench;

import java.util.function.Consumer;

import io.lapse.cache.replication.ExpiryOwnership;
import io.lapse.cache.replication.Replica;
import io.lapse.cache.replication.ReplicaChange;
import io.lapse.cache.replication.ReplicaOutbox;

/**
 * A table's {@link Replica} as the replicator sees it, with one addition: every remote put it
 * applies whose value is a {@code Long} is recorded in {@link Receipts} once
 * {@link Replica#applyRemote} has returned, when a read of the key on this node returns it. The
 * writers of section G put their {@link System#nanoTime()} as the value, so this is the end of
 * the lag they measure. Everything else is passed through unchanged.
 *
 * <p>Thread safety: that of the replica it wraps.
 */
final class TimedReplica implements Replica {

    private final Replica replica;
    private final Receipts receipts;

    /**
     * @param replica the table's replica
     * @param receipts where the applied puts are recorded
     */
    TimedReplica(Replica replica, Receipts receipts) {
        this.replica = replica;
        this.receipts = receipts;
    }

    @Override
    public boolean applyRemote(ReplicaChange change) {
        boolean applied = replica.applyRemote(change);
        if (applied && change.kind() == ReplicaChange.Kind.PUT && change.value() instanceof Long) {
            receipts.applied((Long) change.value());
        }
        return applied;
    }

    @Override
    public String name() {
        return replica.name();
    }

    @Override
    public ExpiryEvents expiryEvents() {
        return replica.expiryEvents();
    }

    @Override
    public void connect(ReplicaOutbox outbox, ExpiryOwnership ownership) {
        replica.connect(outbox, ownership);
    }

    @Override
    public void disconnect() {
        replica.disconnect();
    }

    @Override
    public void acknowledge(ReplicaChange change) {
        replica.acknowledge(change);
    }

    @Override
    public long snapshot(Consumer<ReplicaChange> sink) {
        return replica.snapshot(sink);
    }

    @Override
    public long resend() {
        return replica.resend();
    }

    @Override
    public long unsent() {
        return replica.unsent();
    }

    @Override
    public void raiseExpired(String key, Object value, long expiresAtMillis, String group) {
        replica.raiseExpired(key, value, expiresAtMillis, group);
    }
}
