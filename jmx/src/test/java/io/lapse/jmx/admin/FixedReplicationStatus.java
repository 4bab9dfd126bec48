package io.lapse.jmx.admin;

import java.util.List;

import io.lapse.cache.replication.ReplicationStatus;

/**
 * A {@link ReplicationStatus} that reports the figures a test gives it, as a replication provider
 * would. Immutable unless a test overrides a method; safe for use by any number of threads.
 */
public class FixedReplicationStatus implements ReplicationStatus {

    private final State state;
    private final List<String> members;
    private final long sent;
    private final long received;
    private final long dropped;
    private final double lagP50;
    private final double lagP99;
    private final long duplicated;

    /**
     * A status with these figures.
     *
     * @param state the state
     * @param members the members, this node first
     * @param sent changes sent
     * @param received changes received
     * @param dropped changes dropped
     * @param lagP50 the median lag, ms
     * @param lagP99 the 99th percentile lag, ms
     */
    public FixedReplicationStatus(State state, List<String> members, long sent, long received, long dropped,
        double lagP50, double lagP99) {
        this(state, members, sent, received, dropped, lagP50, lagP99, 0);
    }

    /** The same, with {@code eventsDuplicated} as given. */
    public FixedReplicationStatus(State state, List<String> members, long sent, long received, long dropped,
        double lagP50, double lagP99, long duplicated) {
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
