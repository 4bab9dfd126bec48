package io.lapse.cache.level;

import java.util.Collection;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.Match;

/**
 * A backing level of a cache, after lws_cache's levels: a store that holds the complete set of a
 * cache's entries, behind the cache's heap table, which then holds a part of them (its L1). A
 * cache writes every change through to its level before the change returns, reads a key its heap
 * table does not hold from the level, and looks keys up, counts, matches and expires across the
 * level. An implementation stores what it is given and answers what it holds; the cache decides
 * what is live. Lapse's embedded file level, on H2's MVStore, keeps this contract.
 *
 * <h2>Contract</h2>
 * <ul>
 * <li>A method that returns has made its change durable (it survives the end of the process, a
 * {@code kill -9} included); one that throws has changed nothing, or at most part of a
 * {@link #removeAll}, which the cache then treats as not done.</li>
 * <li>Entries are returned as they were put, deadline and group included, whether or not their
 * deadline has passed: the cache checks deadlines itself.</li>
 * <li>Failures are reported with {@link IllegalStateException} naming the level and what went
 * wrong; a read that fails is never answered as a miss.</li>
 * <li>Calls may take the time of a disk or a network round trip, so the cache never calls a level
 * while it holds a slot lock; it holds the key's store stripe instead, so the level sees the
 * changes of one key in the order the cache applies them.</li>
 * </ul>
 *
 * <p>Thread safety: implementations must be safe for use by any number of threads at once.
 */
@ConsumerType
public interface CacheLevel extends AutoCloseable {

    /**
     * Returns the entry of a key.
     *
     * @param key the key
     * @return the entry, or {@code null} if the level holds none
     * @throws IllegalStateException if the level cannot be read
     */
    CacheEntry get(String key);

    /**
     * Stores an entry, replacing the key's entry if there is one.
     *
     * @param entry the entry, with its deadline and group
     * @throws IllegalStateException if the level cannot be written; nothing changed
     */
    void put(CacheEntry entry);

    /**
     * Removes a key's entry.
     *
     * @param key the key
     * @return whether the level held an entry of the key
     * @throws IllegalStateException if the level cannot be written; nothing changed
     */
    boolean remove(String key);

    /**
     * Removes the entries of some keys (a chunk of a removal by match, of a group's invalidation
     * or of expiries).
     *
     * @param keys the keys, not empty
     * @throws IllegalStateException if the level cannot be written
     */
    void removeAll(Collection<String> keys);

    /**
     * Returns a page of entries in key order, for lookups, matches, counts and iteration: the
     * entries whose key comes after {@code after} and may match. A level narrows the scan by what
     * it can use of the match (a prefix, a glob as SQL's {@code LIKE}) and may return entries the
     * match refuses: the cache matches every key again.
     *
     * @param match what the keys are to match
     * @param after the last key of the previous page, or {@code null} to start at the first
     * @param limit the most entries to return, at least 1
     * @return the entries, in the order of their keys' {@link String#compareTo}; fewer than
     *     {@code limit} only when no more come after them
     * @throws IllegalStateException if the level cannot be read
     */
    List<CacheEntry> scan(Match match, String after, int limit);

    /**
     * Returns entries whose deadline has come or is about to, in the order of their deadlines,
     * so that the cache can bring them to its heap table before their deadline and expire them
     * there exactly once.
     *
     * @param untilMillis the latest deadline wanted, in epoch milliseconds
     * @param limit the most entries to return, at least 1
     * @return entries whose deadline is not 0 and at most {@code untilMillis}, earliest first
     * @throws IllegalStateException if the level cannot be read
     */
    List<CacheEntry> due(long untilMillis, int limit);

    /**
     * Returns the granularity of the deadlines this level keeps: a level that stores whole seconds
     * (htable's table layout) answers 1000 and rounds every deadline it is given up to a whole
     * second. A cache backed by such a level rounds its deadlines up the same way before it
     * writes, so that the heap table and the level agree on every deadline to the millisecond.
     *
     * @return milliseconds, at least 1 and at most 1000; 1 unless overridden
     */
    default long deadlinePrecisionMillis() {
        return 1;
    }

    /**
     * Returns how many entries the level holds, past their deadline or not.
     *
     * @return the count
     * @throws IllegalStateException if the level cannot be read
     */
    long size();

    /**
     * Removes every entry.
     *
     * @return how many the level held
     * @throws IllegalStateException if the level cannot be written
     */
    long clear();

    /**
     * Releases what the level holds open (files, connections); every later call may fail.
     * Idempotent.
     */
    @Override
    void close();
}
