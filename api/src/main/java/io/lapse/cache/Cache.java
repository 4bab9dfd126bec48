package io.lapse.cache;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A named table of expiring entries, after Kamailio's {@code htable}.
 *
 * <h2>Keys and values</h2>
 * Keys are non-empty strings of at most {@value #MAX_KEY_LENGTH} characters. A value is a
 * {@link String}, a {@link Long} or a {@code byte[]}; a {@link Byte}, {@link Short},
 * {@link Integer}, {@link java.math.BigInteger} that fits, {@code AtomicInteger} or
 * {@code AtomicLong} is stored as a {@code Long} of its value at the call. Strings and byte arrays hold at most
 * {@value #MAX_VALUE_LENGTH} characters or bytes, or the cache's smaller {@code max_item_size}. Byte arrays are copied on the way in and on the
 * way out, so a caller can never change what the cache holds. A {@code null} key or value is
 * refused with {@link NullPointerException}; every other invalid argument with
 * {@link IllegalArgumentException} naming the cache and what was wrong. A refused call changes
 * nothing.
 *
 * <h2>Expiry</h2>
 * An entry may have a deadline. It gets one from the cache's {@code autoexpire} setting or from a
 * TTL given with the call; a TTL of {@link Duration#ZERO} means the entry never expires. When
 * {@code updateexpire} is set (the default), replacing a value also restarts its TTL. When
 * {@code idleexpire} is set, an entry also expires after that long without a read or write.
 * Deadlines are kept to the millisecond and are computed from the sweeper's clock, which advances
 * every {@code resolution} (10 ms by default).
 *
 * <p>From its deadline on, an entry is invisible to every read, count, match, iteration and
 * {@link #size()} at once, whether or not a sweep has removed it yet, and whatever the sweeper is
 * doing (a stall, a slow event handler, a store that hangs). Exactly one
 * {@link CacheEvents#TOPIC_EXPIRED} event is posted for each entry whose deadline passed, whichever
 * reaches it first: the sweeper, a read or write of the same key, a whole-cache operation, or the
 * cache's stop. An entry replaced or removed before its deadline raises none.
 *
 * <h2>Capacity</h2>
 * A cache configured with {@code max_entries} or {@code max_bytes} never refuses a write for its
 * limit: the write succeeds and the least recently used entries are evicted, each raising one
 * {@link CacheEvents#TOPIC_EVICTED} event and no other (an entry found past its deadline is
 * expired instead). Recency is approximate (CLOCK): a read or write marks an entry used, and
 * eviction takes entries not used since the last turn of the evicting hand. A limit may be
 * exceeded by one entry per thread writing at that instant, until its write returns. A value longer
 * than {@code max_item_size}, or an entry that alone would weigh more than {@code max_bytes}, is
 * refused with {@link IllegalArgumentException}.
 *
 * <h2>Keygroups</h2>
 * A cache configured with {@code keygroups=true} links entries into named groups, after Enduro/X's
 * keygroups (say, every entry of one user): {@link #put(String, Object, Duration, String)} stores
 * an entry in a group, {@link #invalidateGroup} removes every entry of a group, and
 * {@link #groupKeys} lists them. An entry belongs to at most one group. A write that names no
 * group (put, putIfAbsent, increment, setTtl, compute) leaves the entry in its group; one that
 * names another group moves it. An entry that leaves the cache, by any path (removed, matched,
 * cleared, expired, evicted), leaves its group in the same step, and its event carries
 * {@link CacheEvents#CACHE_GROUP}. A group holds at most {@code max_group_items} entries: a write
 * that would put one more into it is refused with {@link IllegalStateException} and changes
 * nothing.
 *
 * <h2>Concurrency</h2>
 * Implementations are safe for use by any number of threads. Reads take no lock. Writes lock the
 * key's slot (one of 2<sup>{@code size}</sup> lock stripes), so writes to keys in different slots
 * proceed in parallel. Each operation on one key is atomic. Operations over many entries (clear,
 * matches, iteration) lock one slot at a time for a bounded chunk of it. Events are posted
 * asynchronously and only after every lock is released, so an event handler may read and write
 * this cache, the same key included.
 */
@ProviderType
public interface Cache extends Iterable<CacheEntry> {

    /** The most keys one call of {@link #keys(Match, long, int)} returns. */
    int MAX_KEYS_PAGE = 10_000;

    /** The longest key accepted, in characters. */
    int MAX_KEY_LENGTH = 4096;

    /**
     * The longest {@code String} (in characters) or {@code byte[]} (in bytes) value accepted, and
     * the largest {@code max_item_size} a cache may set.
     */
    int MAX_VALUE_LENGTH = 16 * 1024 * 1024;

    /** The longest TTL accepted; use {@link Duration#ZERO} for an entry that never expires. */
    Duration MAX_TTL = Duration.ofDays(36_500);

    /**
     * Returns the name of this cache, as configured.
     *
     * @return the name, never {@code null}
     */
    String name();

    /**
     * Returns the value of a live entry.
     *
     * <p>For a missing or expired key, the cache's {@code initval} is returned as a {@code Long}
     * when one is configured (as htable does), otherwise {@code null}. Use {@link #getEntry} or
     * {@link #containsKey} to tell a stored value from {@code initval}. With {@code idleexpire}
     * set, a read restarts the entry's idle time.
     *
     * @param key the key
     * @return a {@code String}, {@code Long} or a copy of the {@code byte[]} stored; the
     *     {@code initval} or {@code null} when there is no live entry
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty or too long
     */
    Object get(String key);

    /**
     * Returns a live entry with its deadline.
     *
     * @param key the key
     * @return the entry, or {@code null} when the key is missing or expired ({@code initval} is
     *     not consulted)
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty or too long
     */
    CacheEntry getEntry(String key);

    /**
     * Tells whether a live entry exists for the key.
     *
     * @param key the key
     * @return {@code true} if the key has an entry whose deadline has not passed
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty or too long
     */
    boolean containsKey(String key);

    /**
     * Stores a value under the cache's default TTL ({@code autoexpire}).
     *
     * <p>A new entry gets the default TTL. An existing entry gets it again when
     * {@code updateexpire} is set and keeps its deadline otherwise. An expired entry that is
     * overwritten raises its {@link CacheEvents#TOPIC_EXPIRED} event.
     *
     * @param key the key
     * @param value a {@code String}, an integral number or a {@code byte[]}
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if the key or value breaks the rules above
     */
    void put(String key, Object value);

    /**
     * Stores a value with its own TTL, whatever {@code autoexpire} and {@code updateexpire} say.
     *
     * @param key the key
     * @param value a {@code String}, an integral number or a {@code byte[]}
     * @param ttl how long the entry lives, at most {@link #MAX_TTL}; {@link Duration#ZERO} for
     *     never; a TTL below one millisecond is rounded up to one
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the key, value or TTL breaks the rules above, or the
     *     TTL is negative
     */
    void put(String key, Object value, Duration ttl);

    /**
     * Stores a value in a keygroup: as {@link #put(String, Object, Duration)}, or as
     * {@link #put(String, Object)} when {@code ttl} is {@code null}, and links the entry to the
     * group, moving it out of any other. The entry and its place in the group are written in one
     * step: an {@link #invalidateGroup} that starts after this returns removes the entry.
     *
     * @param key the key
     * @param value a {@code String}, an integral number or a {@code byte[]}
     * @param ttl how long the entry lives, as for {@link #put(String, Object, Duration)}; or
     *     {@code null} for the cache's defaults ({@code autoexpire}, {@code updateexpire})
     * @param group the group, a non-empty string of at most {@value #MAX_KEY_LENGTH} characters
     * @throws NullPointerException if {@code key}, {@code value} or {@code group} is null
     * @throws IllegalArgumentException if the key, value, TTL or group breaks the rules above
     * @throws IllegalStateException if the cache has no keygroups ({@code keygroups=false}), or
     *     the group holds {@code max_group_items} entries already and this key is not one of
     *     them; nothing changed
     * @since 1.3
     */
    void put(String key, Object value, Duration ttl, String group);

    /**
     * Stores a value under the default TTL unless the key has a live entry.
     *
     * @param key the key
     * @param value a {@code String}, an integral number or a {@code byte[]}
     * @return the live value already stored (a copy for a {@code byte[]}), or {@code null} if
     *     this call stored {@code value}
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if the key or value breaks the rules above
     */
    Object putIfAbsent(String key, Object value);

    /**
     * Stores a value with its own TTL unless the key has a live entry.
     *
     * @param key the key
     * @param value a {@code String}, an integral number or a {@code byte[]}
     * @param ttl as for {@link #put(String, Object, Duration)}
     * @return the live value already stored, or {@code null} if this call stored {@code value}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an argument breaks the rules above
     */
    Object putIfAbsent(String key, Object value, Duration ttl);

    /**
     * Removes the entry of a key, posting {@link CacheEvents#TOPIC_REMOVED} if it was live.
     *
     * @param key the key
     * @return the removed value, or {@code null} if there was no live entry
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty or too long
     */
    Object remove(String key);

    /**
     * Adds to a number atomically, after htable's {@code $shtinc}.
     *
     * <p>A missing key starts from {@code initval}, or 0 when none is configured, and gets the
     * default TTL. An existing entry's deadline follows {@code updateexpire}.
     *
     * @param key the key
     * @param delta the amount to add, negative to subtract
     * @return the value after the addition
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty or too long
     * @throws IllegalStateException if the key holds a {@code String} or {@code byte[]}
     * @throws ArithmeticException if the result overflows a {@code long}; nothing changes
     */
    long increment(String key, long delta);

    /**
     * Sets the TTL of a live entry, counted from now, after htable's {@code $shtex}.
     *
     * @param key the key
     * @param ttl the new TTL; {@link Duration#ZERO} makes the entry never expire
     * @return {@code true} if the key had a live entry, {@code false} otherwise
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the key or TTL is invalid
     */
    boolean setTtl(String key, Duration ttl);

    /**
     * Computes a new value for a key while holding the key's slot lock, after htable's
     * {@code sht_lock}/{@code sht_unlock}.
     *
     * <p>The function receives the key and the live value (a copy for a {@code byte[]}), or
     * {@code null} when there is none, and returns the value to store, or {@code null} to remove
     * the entry. If it throws, nothing changes and the exception reaches the caller. A new entry
     * gets the default TTL; an existing one follows {@code updateexpire}.
     *
     * <p><b>Warning:</b> the function runs under the slot lock, which every write to the keys of
     * that slot waits for: keep it short. It may read single keys of this cache ({@link #get},
     * {@link #getEntry}, {@link #containsKey}). Every write to this cache and every whole-cache
     * operation (size, counts, matches, iteration, statistics, clear) from inside the function is
     * refused with {@link IllegalStateException}: holding one slot while waiting for another could
     * deadlock against a change of size, a reload or a stop, which take every slot. Writing to
     * <em>another</em> cache from the function is not refused, and can deadlock against a thread
     * whose compute function in that cache writes to this one: do not.
     *
     * @param key the key
     * @param function computes the new value from the current one
     * @return the value now stored, or {@code null} if there is none
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the key, or the value returned, breaks the rules
     * @throws IllegalStateException if called from inside another compute function of this
     *     cache, or thrown by the function for a refused operation
     */
    Object compute(String key, BiFunction<? super String, Object, Object> function);

    /**
     * Runs one step on a key's entry while holding the key's slot lock: the step reads the entry
     * (value and deadline) from an {@link EntryEditor} and asks for at most one change, which is
     * applied before the lock is released; what the step returns is returned. Unlike
     * {@link #compute}, a step can keep or set the deadline, expire the entry, or change nothing.
     *
     * <p>If the step throws, nothing changes and the exception reaches the caller. An entry the
     * step expires or finds past its deadline raises one {@link CacheEvents#TOPIC_EXPIRED} event
     * as any other; one it removes, a {@link CacheEvents#TOPIC_REMOVED} event. Puts, removals and
     * statistics count as for the single-key method the change matches.
     *
     * <p>The step runs under the slot lock, with the restrictions {@link #compute} states: keep it
     * short, read single keys of this cache only, and write to no cache.
     *
     * @param <R> what the step returns
     * @param key the key
     * @param step reads the entry and asks for a change
     * @return what the step returned
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the key is invalid
     * @throws IllegalStateException if called from inside another step or compute function of
     *     this cache
     * @since 1.5
     */
    <R> R edit(String key, Function<? super EntryEditor, ? extends R> step);

    /**
     * Removes every live entry whose key matches, after htable's {@code sht_rm_name_re}; posts
     * one {@link CacheEvents#TOPIC_REMOVED} per removed entry.
     *
     * @param match a regex (found anywhere in the key), prefix or glob
     * @return how many entries were removed
     * @throws NullPointerException if {@code match} is null
     * @throws IllegalArgumentException if the pattern is invalid or too complex (see {@link Match})
     * @throws IllegalStateException if the match ran out of its budget ({@link Match#budget()}),
     *     saying how far it got (what was removed until then stays removed, and is reported)
     */
    long removeKeys(Match match);

    /**
     * Removes every live entry whose value matches, after htable's {@code sht_rm_value_re};
     * posts one {@link CacheEvents#TOPIC_REMOVED} per removed entry. A {@code Long} value is
     * matched as its decimal text; a {@code byte[]} value never matches.
     *
     * @param match a regex (found anywhere in the value), prefix or glob
     * @return how many entries were removed
     * @throws NullPointerException if {@code match} is null
     * @throws IllegalArgumentException if the pattern is invalid or too complex (see {@link Match})
     * @throws IllegalStateException if the match ran out of its budget ({@link Match#budget()}),
     *     saying how far it got (what was removed until then stays removed, and is reported)
     */
    long removeValues(Match match);

    /**
     * Counts the live entries whose key matches, after htable's {@code $shtcn}.
     *
     * @param match a regex, prefix or glob
     * @return the count
     * @throws NullPointerException if {@code match} is null
     * @throws IllegalArgumentException if the pattern is invalid or too complex (see {@link Match})
     * @throws IllegalStateException if the match ran out of its budget ({@link Match#budget()}),
     *     saying how far it got
     */
    long countKeys(Match match);

    /**
     * Counts the live entries whose value matches, after htable's {@code $shtcv}, with the rules
     * of {@link #removeValues}.
     *
     * @param match a regex, prefix or glob
     * @return the count
     * @throws NullPointerException if {@code match} is null
     * @throws IllegalArgumentException if the pattern is invalid or too complex (see {@link Match})
     * @throws IllegalStateException if the match ran out of its budget ({@link Match#budget()}),
     *     saying how far it got
     */
    long countValues(Match match);

    /**
     * Returns a page of the live keys that match, after lws_cache's wildcard lookup: the
     * {@code offset} first matching keys are skipped and at most {@code limit} are returned.
     *
     * <p>Keys come in the cache's iteration order, as {@link #iterator()} visits them; pages are
     * positions in that order at the time of each call, so keys written or removed between two
     * calls may shift others to a neighbouring page. A page shorter than {@code limit} means no
     * further key matched when the call ended. The walk copies keys a bounded chunk at a time
     * under each slot's lock and matches them with no lock held, so a lookup never holds up writes
     * for long, whatever the cache's size.
     *
     * @param match a regex (found anywhere in the key), prefix or glob
     * @param offset how many matching keys to skip, at least 0
     * @param limit how many keys to return, from 1 to {@value #MAX_KEYS_PAGE}
     * @return the keys, a list of its own that the caller may change; empty if none matched
     * @throws NullPointerException if {@code match} is null
     * @throws IllegalArgumentException if the pattern is invalid or too complex (see {@link Match}),
     *     the offset negative or the limit outside its range
     * @throws IllegalStateException if the match ran out of its budget ({@link Match#budget()}),
     *     saying how far it got, or if called from inside a compute function of this cache
     * @since 1.3
     */
    List<String> keys(Match match, long offset, int limit);

    /**
     * Removes every live entry of a keygroup, after Enduro/X's group invalidation; posts one
     * {@link CacheEvents#TOPIC_REMOVED} per removed entry, carrying {@link CacheEvents#CACHE_GROUP}.
     * Every entry put into the group before this call started is removed, unless it left the
     * group meanwhile; an entry put into it while this runs may stay. Entries found past their
     * deadline raise their {@link CacheEvents#TOPIC_EXPIRED} events instead.
     *
     * @param group the group
     * @return how many live entries were removed; 0 for a group with none
     * @throws NullPointerException if {@code group} is null
     * @throws IllegalArgumentException if the group is empty or longer than {@value #MAX_KEY_LENGTH}
     * @throws IllegalStateException if the cache has no keygroups, or if called from inside a
     *     compute function of this cache
     * @since 1.3
     */
    long invalidateGroup(String group);

    /**
     * Returns the keys of the live entries of a keygroup.
     *
     * @param group the group
     * @return the keys, at most {@code max_group_items}, in no particular order, a list of its own
     *     that the caller may change; empty for a group with none
     * @throws NullPointerException if {@code group} is null
     * @throws IllegalArgumentException if the group is empty or longer than {@value #MAX_KEY_LENGTH}
     * @throws IllegalStateException if the cache has no keygroups
     * @since 1.3
     */
    List<String> groupKeys(String group);

    /**
     * Removes every entry, after htable's {@code sht_reset}; posts one
     * {@link CacheEvents#TOPIC_CLEARED} event carrying the count of live entries removed.
     * Entries found expired raise their {@link CacheEvents#TOPIC_EXPIRED} events instead.
     *
     * @return how many live entries were removed
     */
    long clear();

    /**
     * Returns the number of live entries. Entries whose deadline has passed are expired by this
     * call if no sweep has done it yet, so they are never counted.
     *
     * @return the number of live entries
     */
    long size();

    /**
     * Returns the cache as a {@link ConcurrentMap}: a live view, so that code written against the
     * map interface uses the cache without learning its API.
     *
     * <ul>
     * <li>Entries written through the map take the cache's default TTL ({@code autoexpire}), as
     * {@link #put(String, Object)} does; an entry past its deadline is absent from every method,
     * {@code size()} included.</li>
     * <li>Each single-key method is one atomic step of the cache: {@code putIfAbsent}, the
     * conditional {@code remove} and {@code replace}, {@code computeIfAbsent},
     * {@code computeIfPresent}, {@code compute} and {@code merge} decide and change under the key's
     * lock, as {@link #compute} does, and a step that decides to change nothing changes nothing.
     * Their functions run under that lock, with its restrictions (no writes to this cache).</li>
     * <li>{@code get} returns {@code null} for a missing key, also when the cache has an
     * {@code initval}. Null keys and values are refused with {@link NullPointerException}; keys and
     * values the cache refuses, with {@link IllegalArgumentException}. Integral numbers come back
     * as {@code Long}.</li>
     * <li>The key, value and entry views are live; their iterators are weakly consistent, as
     * {@link #iterator()}, and support {@code remove}; an entry's {@code setValue} writes
     * through.</li>
     * </ul>
     *
     * @return the map, the same object every time; as thread-safe as the cache
     */
    ConcurrentMap<String, Object> asMap();

    /**
     * Returns an iterator over the live entries.
     *
     * <p>The iterator is weakly consistent: it copies a bounded chunk of a slot at a time (a few
     * hundred entries, about a megabyte of values), each at a single instant, so it never throws
     * {@link java.util.ConcurrentModificationException}, returns each key at most once, returns no
     * entry whose deadline had passed when its chunk was copied, and returns every entry that was
     * live for the whole iteration. It does not support {@link Iterator#remove()}.
     *
     * @return an iterator over copies of the live entries
     */
    @Override
    Iterator<CacheEntry> iterator();

    /**
     * Returns a snapshot of this cache's counters and slot figures.
     *
     * @return the statistics, never {@code null}
     */
    CacheStats stats();

    /** Resets the counters and the expiry lateness figures to zero; entries are untouched. */
    void resetStats();
}
