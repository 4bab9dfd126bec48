package io.lapse.cluster;

/**
 * What a {@link CacheReplicator} reports about itself at one moment. Counts are since it
 * started.
 *
 * @param cache the cache's name
 * @param state where it is
 * @param members how many members the Hazelcast cluster has
 * @param changesSent changes of this node published to the log
 * @param changesReceived changes of other nodes the log brought and the replica was handed
 * @param changesDropped changes the outbox refused (full or closing), resent ones included; the
 *     replica sends their keys' state again later
 * @param rejected changes the replica could not apply, and messages not understood
 * @param rejoins times this node lost its place in the log and joined again
 * @param lastJoinMillis how long the last join took, from its request to going live; -1 if
 *     this node never joined from another
 * @param lagP50Millis the median time from a remote change's sending to its receipt here
 * @param lagP99Millis its 99th percentile
 * @param lagMaxMillis its largest
 * @param expiriesHandedOver expiries raised here because the member that owned their keys left
 *     the cluster around their deadlines ({@link ExpiryHandover})
 * @param eventsDuplicated of those, the ones that member may have raised too
 */
public record ReplicatorFigures(String cache, ReplicatorState state, int members, long changesSent,
    long changesReceived, long changesDropped, long rejected, long rejoins, long lastJoinMillis,
    double lagP50Millis, double lagP99Millis, double lagMaxMillis, long expiriesHandedOver, long eventsDuplicated) {
}
