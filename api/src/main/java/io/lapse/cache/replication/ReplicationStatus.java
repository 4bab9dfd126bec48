package io.lapse.cache.replication;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a replication provider reports of one cache it replicates: registered by the provider (the
 * {@code io.lapse.cluster} bundle) as an OSGi service with the service property
 * {@value io.lapse.cache.CacheService#CACHE_NAME} of the cache, for as long as it replicates it;
 * read by the management bundle for the cache's MBean ({@code ClusterMembers},
 * {@code ReplicationLagP99Millis}, {@code ChangesSent}, {@code ChangesReceived},
 * {@code ChangesDropped}, {@code EventsDuplicated}) and the shell's {@code cache:cluster}.
 *
 * <p>Implementations are safe for use by any number of threads, answer from what they already
 * hold (no network call), and never throw. Counts start at zero when the provider starts
 * replicating the cache.
 */
@ConsumerType
public interface ReplicationStatus {

    /** Where the cache stands in its cluster. */
    enum State {
        /** Waiting for another node's contents, before it reads the log: not caught up yet. */
        JOINING,
        /** Caught up, reading the log as it grows. */
        READY,
        /** No longer replicated by this provider. */
        CLOSED
    }

    /** @return the state */
    State state();

    /**
     * @return the members of the cluster this node sees, this node first, each as
     *     {@code host:port}; never empty while the provider runs
     */
    List<String> members();

    /** @return how many changes of this node reached the log */
    long changesSent();

    /** @return how many changes of other nodes this node received from the log */
    long changesReceived();

    /**
     * @return how many changes of this node could not be sent (the outbox full, or the node cut
     *     off); their keys are sent again, with their state then, once the provider can
     */
    long changesDropped();

    /**
     * @return the 50th percentile of the time from another node's sending of a change to this
     *     node's receiving it, in milliseconds (by the two nodes' wall clocks); 0 before any
     */
    double replicationLagP50Millis();

    /** @return the 99th percentile of the same, in milliseconds; 0 before any */
    double replicationLagP99Millis();

    /**
     * @return how many {@code cache/expired} events this node raised for keys whose owner left
     *     the cluster around their deadlines and may have raised them too: the events that may
     *     have come twice (never more), counted here rather than lost
     */
    long eventsDuplicated();
}
