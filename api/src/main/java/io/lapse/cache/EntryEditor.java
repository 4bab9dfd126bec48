package io.lapse.cache;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One key's entry as an {@link Cache#edit} step sees it, and the change the step asks for. The
 * editor is handed to the step under the key's slot lock and is valid only until the step
 * returns; every method throws {@link IllegalStateException} after that.
 *
 * <p>Reading methods show the entry as it was when the step began, whatever the step asks for
 * meanwhile. Of the changing methods ({@link #put(Object)}, {@link #put(Object, Duration)},
 * {@link #putKeepingDeadline}, {@link #setTtl}, {@link #expireNow}, {@link #remove}) the last one
 * called wins; a step that calls none changes nothing. Values and TTLs are checked when the
 * method is called, with the exceptions of {@link Cache}'s own methods, and a refused call asks
 * for nothing.
 *
 * <p>Not thread-safe: it belongs to the thread running the step.
 */
@ProviderType
public interface EntryEditor {

    /**
     * Returns the key.
     *
     * @return the key, never {@code null}
     */
    String key();

    /**
     * Tells whether the key has a live entry.
     *
     * @return {@code true} if it has
     */
    boolean exists();

    /**
     * Returns the live value: a String, a Long, or a copy of a byte[].
     *
     * @return the value, or {@code null} if there is no live entry (also when the cache has an
     *     {@code initval})
     */
    Object value();

    /**
     * Returns the live entry's deadline.
     *
     * @return epoch milliseconds, or 0 when the entry never expires or there is none
     */
    long expiresAtMillis();

    /**
     * Stores a value as {@link Cache#put(String, Object)} does: a new entry gets the default TTL,
     * an existing one follows {@code updateexpire}.
     *
     * @param value the value
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if the cache refuses it
     */
    void put(Object value);

    /**
     * Stores a value with its own TTL.
     *
     * @param value the value
     * @param ttl how long the entry lives from now; {@link Duration#ZERO} for never
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the cache refuses the value or the TTL
     */
    void put(Object value, Duration ttl);

    /**
     * Stores a value and keeps the live entry's deadline; a new entry gets the default TTL.
     *
     * @param value the value
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if the cache refuses it
     */
    void putKeepingDeadline(Object value);

    /**
     * Gives the live entry a new deadline and keeps its value.
     *
     * @param ttl how long the entry lives from now; {@link Duration#ZERO} for never
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if the TTL is invalid
     * @throws IllegalStateException if there is no live entry
     */
    void setTtl(Duration ttl);

    /**
     * Makes the live entry's deadline now: from the step's end it is invisible, and it is reported
     * as expired exactly once, as any entry whose deadline passed ({@link CacheEvents#TOPIC_EXPIRED}).
     *
     * @throws IllegalStateException if there is no live entry
     */
    void expireNow();

    /**
     * Removes the live entry, as {@link Cache#remove} does; nothing if there is none.
     */
    void remove();
}
