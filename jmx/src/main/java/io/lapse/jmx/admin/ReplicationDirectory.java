package io.lapse.jmx.admin;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.lapse.cache.CacheService;
import io.lapse.cache.replication.ReplicationStatus;

/**
 * The {@link ReplicationStatuses} of the MBeans and shell commands: every
 * {@link ReplicationStatus} service, under the cache its {@code cache.name} names. In the bundle,
 * the component {@code io.lapse.jmx.osgi.ReplicationDirectoryComponent} adds and removes the
 * services, with their service properties, as a replication provider registers them; a status
 * whose {@code cache.name} changes moves to the new name.
 *
 * <p>Thread safety: the statuses are a concurrent map, changed by any thread and read by any
 * number of callers; a reader sees each status under the name of its latest add or update.
 */
public final class ReplicationDirectory implements ReplicationStatuses {

    private final Map<ReplicationStatus, String> names = new ConcurrentHashMap<>();
    private final Map<String, ReplicationStatus> statuses = new ConcurrentHashMap<>();

    /**
     * Adds a status, under the cache it reports on.
     *
     * @param status the status
     * @param properties its service properties: {@code cache.name} names the cache
     */
    public void addStatus(ReplicationStatus status, Map<String, Object> properties) {
        String name = String.valueOf(properties.get(CacheService.CACHE_NAME));
        String old = names.put(status, name);
        if (old != null) {
            statuses.remove(old, status);
        }
        statuses.put(name, status);
    }

    /**
     * Moves a status to the cache its properties name now.
     *
     * @param status a status added before
     * @param properties its service properties now
     */
    public void updatedStatus(ReplicationStatus status, Map<String, Object> properties) {
        addStatus(status, properties);
    }

    /**
     * Removes a status; nothing happens if it was not added.
     *
     * @param status the status
     */
    public void removeStatus(ReplicationStatus status) {
        String name = names.remove(status);
        if (name != null) {
            statuses.remove(name, status);
        }
    }

    @Override
    public Optional<ReplicationStatus> find(String cache) {
        return cache == null ? Optional.empty() : Optional.ofNullable(statuses.get(cache));
    }

    @Override
    public SortedMap<String, ReplicationStatus> byCache() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(statuses));
    }
}
