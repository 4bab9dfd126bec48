package io.lapse.jmx.admin;

import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedMap;

import io.lapse.cache.replication.ReplicationStatus;

/**
 * The {@link ReplicationStatus} of each replicated cache, by cache name: what the cache MBean's
 * replication attributes and {@code cache:cluster} read. A cache has one while a replication
 * provider (the {@code io.lapse.cluster} bundle) replicates it, and none otherwise.
 *
 * <p>In the bundle this is a {@link ReplicationDirectory}, registered as a service private to the
 * bundle by the component {@code io.lapse.jmx.osgi.ReplicationDirectoryComponent}; without a
 * provider it holds nothing, as {@link #NONE} does.
 *
 * <p>Implementations must be safe for use by any number of threads, and never throw.
 */
public interface ReplicationStatuses {

    /** What {@link #stateName} answers for a cache that is not replicated. */
    String NOT_REPLICATED = "none";

    /** No cache is replicated: what the management answers while no provider is installed. */
    ReplicationStatuses NONE = new ReplicationStatuses() {
        @Override
        public Optional<ReplicationStatus> find(String cache) {
            return Optional.empty();
        }

        @Override
        public SortedMap<String, ReplicationStatus> byCache() {
            return Collections.emptySortedMap();
        }
    };

    /**
     * Finds the status of a cache.
     *
     * @param cache the cache's name
     * @return its status, empty if the cache is not replicated (or does not exist)
     */
    Optional<ReplicationStatus> find(String cache);

    /**
     * @return the status of every replicated cache, by cache name: a sorted snapshot the caller
     *     may keep, unchanged by later arrivals and departures
     */
    SortedMap<String, ReplicationStatus> byCache();

    /**
     * How the management shows a cache's state: the state's name in lower case ({@code joining},
     * {@code ready}, {@code closed}), or {@value #NOT_REPLICATED}.
     *
     * @param status the cache's status, or {@code null} if it is not replicated
     * @return the text
     */
    static String stateName(ReplicationStatus status) {
        return status == null ? NOT_REPLICATED : status.state().name().toLowerCase(Locale.ROOT);
    }
}
