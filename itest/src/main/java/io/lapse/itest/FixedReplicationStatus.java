package io.lapse.itest;

import java.util.List;

import io.lapse.cache.replication.ReplicationStatus;

/**
 * A {@link ReplicationStatus} with the figures a test gives it: what the {@code io.lapse.cluster}
 * bundle would register for a cache it replicates, registered by the test instead. Immutable;
 * safe for use by any number of threads.
 */
final class FixedReplicationStatus implements ReplicationStatus {

    private final State state;
    private final List<String> members;
    private final long sent;
    private final long received;
    private final long dropped;
    private final double lagP50;
    private final double lagP99;
    private final long duplicated;

    FixedReplicationStatus(State state, List<String> members, long sent, long received, long dropped, double lagP50,
        double lagP99) {
        this(state, members, sent, received, dropped, lagP50, lagP99, 0);
    }

    FixedReplicationStatus(State state, List<String> members, long sent, long received, long dropped, double lagP50,
        double lagP99, long duplicated) {
        this.duplicated = duplicated;
        this.state = state;
        this.members = List.copyOf(members);
        this.sent = sent;
        this.received = received;
        this.dropped = dropped;
        this.lagP50 = lagP50;
        this.lagP99 = lagP99;
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public List<String> members() {
        return members;
    }

    @Override
    public long changesSent() {
        return sent;
    }

    @Override
    public long changesReceived() {
        return received;
    }

    @Override
    public long changesDropped() {
        return dropped;
    }

    @Override
    public double replicationLagP50Millis() {
        return lagP50;
    }

    @Override
    public double replicationLagP99Millis() {
        return lagP99;
    }

    @Override
    public long eventsDuplicated() {
        return duplicated;
    }
}
