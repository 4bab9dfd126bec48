package io.lapse.cluster;

/** Where a {@link CacheReplicator} is in its life. */
public enum ReplicatorState {
    /** Filling the cache from another member, the log's changes held back meanwhile. */
    JOINING,
    /** Applying the log's changes as they come. */
    READY,
    /** Closed: nothing is sent or applied any more. */
    CLOSED
}
