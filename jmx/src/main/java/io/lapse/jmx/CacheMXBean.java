package io.lapse.jmx;

import io.lapse.jmx.admin.DumpPage;
import io.lapse.jmx.admin.KeyPage;
import io.lapse.jmx.admin.StatFigure;

/**
 * One cache, as {@code io.lapse:type=Cache,name=<name>}: its counters (with JCache's names where
 * JCache has them), slot figures, capacity limits and weight, and htable's RPC operations. Open types only, so jconsole and
 * any remote client use it without Lapse classes. A configured cache's name stands as it is; a
 * {@code Cache} service of another bundle whose {@code cache.name} holds other characters is
 * shown with the name quoted, as {@link javax.management.ObjectName#quote} writes it (e.g.
 * {@code name="a,b"}).
 *
 * <p>Only side-effect-free members start with {@code get}, {@code list} or {@code is}, the names
 * Karaf's default JMX ACL grants to viewers. {@link #get} reads as any client read does (it counts
 * a hit or a miss, and restarts an idle timer when {@code idleexpire} is set) and changes no value.
 *
 * <p>Every attribute but {@code Name}, {@code StatisticsEnabled} and the replication attributes is
 * a figure of the cache's statistics, one per {@link StatFigure}, which holds its name, its
 * meaning (what JMX clients show) and how it is read; a snapshot of the statistics costs a pass
 * over the cache. Reading several in one {@code getAttributes} call, as jconsole does on each
 * refresh, answers them all from one snapshot: one pass, and figures that agree with one another.
 * Reading one attribute takes a fresh snapshot.
 *
 * <p>The replication attributes ({@code ClusterMembers}, {@code ReplicationLagP99Millis},
 * {@code ChangesSent}, {@code ChangesReceived}, {@code ChangesDropped}, {@code ReplicationState},
 * {@code EventsDuplicated})
 * are read from the {@link io.lapse.cache.replication.ReplicationStatus} a replication provider
 * (the {@code io.lapse.cluster} bundle) registers for the cache, at each read and without a
 * snapshot of the statistics. A cache that is not replicated reads 0, and {@code none} for its
 * state, never an error.
 *
 * <p>Errors reach the client as {@link IllegalArgumentException} (bad input: a null, an empty or
 * over-long key, an invalid or over-complex regex, a negative offset...) or
 * {@link IllegalStateException} (the cache is gone, or has no store), each with one line naming
 * the cache and the problem, and no Lapse class or stack trace.
 */
public interface CacheMXBean {

    /** @return the cache name */
    @Description("The cache name")
    String getName();

    /** @return whether hits and misses are counted */
    @Description("Whether hits and misses are counted: the cache's 'statistics' setting, off by default; while "
        + "off, CacheHits, CacheMisses, CacheGets and CacheHitPercentage stay 0")
    boolean isStatisticsEnabled();

    /** @return the figure {@link StatFigure#ITEMS} */
    long getSize();

    /** @return the figure {@link StatFigure#SLOTS} */
    int getSlots();

    /** @return the figure {@link StatFigure#MAX_SLOT_ITEMS} */
    long getMaxSlotItems();

    /** @return the figure {@link StatFigure#MIN_SLOT_ITEMS} */
    long getMinSlotItems();

    /** @return the figure {@link StatFigure#MAX_ENTRIES} */
    long getMaxEntries();

    /** @return the figure {@link StatFigure#MAX_BYTES} */
    long getMaxBytes();

    /** @return the figure {@link StatFigure#WEIGHTED_BYTES} */
    long getWeightedBytes();

    /** @return the figure {@link StatFigure#HITS} */
    long getCacheHits();

    /** @return the figure {@link StatFigure#MISSES} */
    long getCacheMisses();

    /** @return the figure {@link StatFigure#GETS} */
    long getCacheGets();

    /** @return the figure {@link StatFigure#HIT_PERCENTAGE} */
    float getCacheHitPercentage();

    /** @return the figure {@link StatFigure#PUTS} */
    long getCachePuts();

    /** @return the figure {@link StatFigure#REMOVALS} */
    long getCacheRemovals();

    /** @return the figure {@link StatFigure#EXPIRATIONS} */
    long getCacheExpirations();

    /** @return the figure {@link StatFigure#EVICTIONS} */
    long getCacheEvictions();

    /** @return the figure {@link StatFigure#EVENTS_POSTED} */
    long getEventsPosted();

    /** @return the figure {@link StatFigure#EVENTS_DROPPED} */
    long getEventsDropped();

    /** @return the figure {@link StatFigure#EXPIRY_LAG_P50} */
    long getExpiryLagP50Millis();

    /** @return the figure {@link StatFigure#EXPIRY_LAG_P99} */
    long getExpiryLagP99Millis();

    /** @return the figure {@link StatFigure#EXPIRY_LAG_MAX} */
    long getExpiryLagMaxMillis();

    /**
     * @return how many members the cluster has, as this node sees it (itself included), while the
     *     cache is replicated; 0 otherwise
     */
    @Description("Members of the cluster, this node included, as it sees them while the io.lapse.cluster bundle"
        + " replicates the cache; 0 when the cache is not replicated")
    int getClusterMembers();

    /** @return the 99th percentile of the replication lag in ms; 0 before any, or when not replicated */
    @Description("99th percentile of the time from another node's sending of a change of the cache to this node's"
        + " receiving it, ms, by the two nodes' clocks; 0 before the first, or when the cache is not replicated")
    double getReplicationLagP99Millis();

    /** @return how many of this node's changes of the cache reached the cluster's log; 0 when not replicated */
    @Description("Changes of the cache made on this node that reached the cluster's log; 0 when the cache is not"
        + " replicated")
    long getChangesSent();

    /** @return how many changes of other nodes this node received; 0 when not replicated */
    @Description("Changes of the cache made on other nodes that this node received from the cluster's log; 0 when"
        + " the cache is not replicated")
    long getChangesReceived();

    /** @return how many of this node's changes could not be sent; 0 when not replicated */
    @Description("Changes of the cache made on this node that could not be sent (the outbox full, or the node cut"
        + " off); their keys are sent again later with their state then. 0 when the cache is not replicated")
    long getChangesDropped();

    /**
     * @return {@code none} when the cache is not replicated, else {@code joining}, {@code ready}
     *     or {@code closed}
     */
    @Description("none when the cache is not replicated; else joining (filling from another node before it reads"
        + " the cluster's log), ready (caught up) or closed (no longer replicated)")
    String getReplicationState();

    /**
     * @return how many expiry events this node raised for keys whose owner left the cluster around
     *     their deadlines and may have raised them too; 0 when not replicated
     */
    @Description("Expiry events this node raised for keys whose owner left the cluster around their deadlines, and"
        + " which that owner may have raised as well: each such event may have come twice, never more. 0 when the"
        + " cache is not replicated")
    long getEventsDuplicated();

    /**
     * Reads a live value, as htable's {@code htable.get}; {@code initval} is not consulted.
     *
     * @param key the key
     * @return the value's text: a String as is, a Long in decimal, a byte[] as {@code base64:}
     *     and its Base64; {@code null} if the key has no live entry
     */
    @Description("The value of a live entry as text (byte[] as base64:...), or null; initval is not consulted")
    String get(String key);

    /**
     * Removes a key, as htable's {@code htable.delete}.
     *
     * @param key the key
     * @return {@code true} if it had a live entry
     */
    @Description("Removes a key; true if it had a live entry")
    boolean delete(String key);

    /**
     * Stores a string under the cache's default TTL, as htable's {@code htable.sets}.
     *
     * @param key the key
     * @param value the value
     */
    @Description("Stores a String value under the cache's default TTL (autoexpire)")
    void sets(String key, String value);

    /**
     * Stores an integer under the cache's default TTL, as htable's {@code htable.seti}.
     *
     * @param key the key
     * @param value the value
     */
    @Description("Stores a Long value under the cache's default TTL (autoexpire)")
    void seti(String key, long value);

    /**
     * Gives a live entry a new TTL counted from now, as htable's {@code htable.setex}.
     *
     * @param key the key
     * @param seconds the TTL in seconds; 0 makes the entry never expire
     * @return {@code true} if the key had a live entry; {@code false} if nothing changed
     */
    @Description("Gives a live entry a TTL of this many seconds from now (0 = never); false if there is none")
    boolean setex(String key, long seconds);

    /**
     * One page of the live entries, as htable's {@code htable.dump}: at most 1000 rows and 1 MiB
     * of keys and values; values longer than 1024 characters of text are cut and flagged.
     *
     * @param offset how many live entries to skip, at least 0
     * @param limit how many rows, at least 1 (more than 1000 are served as 1000)
     * @return the page, with {@code nextOffset} -1 after the last entry
     */
    @Description("A page of live entries: rows of key, type, value (byte[] as base64:...), deadline;"
        + " at most 1000 rows and 1 MiB; nextOffset is -1 after the last entry")
    DumpPage dump(long offset, int limit);

    /**
     * One page of the live keys that match, as lws_cache's wildcard lookup: at most 1000 keys and
     * 1 MiB; changes nothing.
     *
     * @param kind {@code regex}, {@code prefix} or {@code glob}
     * @param pattern the pattern, at most 1024 characters
     * @param offset how many matching keys to skip, at least 0
     * @param limit how many keys, at least 1 (more than 1000 are served as 1000)
     * @return the page, with {@code nextOffset} -1 after the last matching key
     */
    @Description("A page of the live keys that match: kind regex (RE2, found anywhere), prefix or glob (* and ?);"
        + " at most 1000 keys and 1 MiB; nextOffset is -1 after the last one")
    KeyPage keys(String kind, String pattern, long offset, int limit);

    /**
     * Removes every live entry of a keygroup, as Enduro/X's group invalidation; fails for a cache
     * without keygroups.
     *
     * @param group the group
     * @return how many live entries were removed
     */
    @Description("Removes every live entry of a keygroup (one cache/removed event each, with cache.group); returns"
        + " the count; fails if the cache has no keygroups")
    long invalidateGroup(String group);

    /**
     * One page of the keys of a keygroup's live entries, in key order: at most 1000 keys and
     * 1 MiB; changes nothing.
     *
     * @param group the group
     * @param offset how many keys to skip, at least 0
     * @param limit how many keys, at least 1 (more than 1000 are served as 1000)
     * @return the page, with {@code nextOffset} -1 after the last key
     */
    @Description("A page of the keys of a keygroup's live entries, in key order: at most 1000 keys and 1 MiB;"
        + " nextOffset is -1 after the last one; fails if the cache has no keygroups")
    KeyPage groupKeys(String group, long offset, int limit);

    /**
     * Replaces the contents with what the cache's store holds, as htable's {@code htable.reload}.
     *
     * @return how many entries were loaded
     */
    @Description("Reloads the cache from its store; fails if the cache has none")
    long reload();

    /**
     * Removes every entry, as htable's {@code htable.reset}.
     *
     * @return how many live entries were removed
     */
    @Description("Removes every entry; returns how many live entries were removed")
    long reset();

    /**
     * Removes the entries whose key matches, as htable's {@code sht_rm_name_re}.
     *
     * @param regex an RE2 pattern found anywhere in the key, at most 1024 characters
     * @return how many entries were removed
     */
    @Description("Removes the entries whose key matches an RE2 regex (found anywhere); returns the count")
    long removeKeysMatching(String regex);

    /**
     * Removes the entries whose value matches, as htable's {@code sht_rm_value_re}; a Long is
     * matched as its decimal text, a byte[] never matches.
     *
     * @param regex an RE2 pattern found anywhere in the value, at most 1024 characters
     * @return how many entries were removed
     */
    @Description("Removes the entries whose String or Long value matches an RE2 regex; returns the count")
    long removeValuesMatching(String regex);

    /**
     * Counts the entries whose key matches, as htable's {@code $shtcn}; changes nothing.
     *
     * @param regex an RE2 pattern found anywhere in the key, at most 1024 characters
     * @return the count
     */
    @Description("Counts the entries whose key matches an RE2 regex; changes nothing")
    long countKeysMatching(String regex);

    /** Sets the counters and lateness figures to zero; entries are untouched. */
    @Description("Sets the counters and lateness figures to zero; entries are untouched")
    void resetStats();
}
