package io.lapse.impl.engine;

/**
 * Hears what happens in a {@link CacheTable}: the one way the engine talks to what publishes its
 * events. Reports flow one way, from the table down to the listener, with everything an event
 * needs (the cache's name included, so the name lives in the table alone); the table asks the
 * listener, never the reverse, how many events it delivered and could not deliver, for its
 * statistics.
 *
 * <p>The table calls it only after releasing every lock, from the thread that made the change (a
 * caller's, or a sweeper's), so an implementation may call back into the table's {@code Cache}
 * operations.
 *
 * <p>Implementations must be safe for use by several threads at once, must not throw, and
 * should return quickly: a sweeper thread waits for them.
 */
public interface TableListener {

    /** A listener that wants nothing. */
    TableListener NONE = new TableListener() {
        @Override
        public boolean wants(EventKind kind) {
            return false;
        }

        @Override
        public void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis) {
        }

        @Override
        public void table(EventKind kind, String cache, long count) {
        }
    };

    /**
     * Tells whether anyone wants events of a kind; the table gathers nothing for kinds nobody
     * wants.
     *
     * @param kind the kind
     * @return {@code true} to be told of them
     */
    boolean wants(EventKind kind);

    /**
     * An entry left the table.
     *
     * @param kind {@link EventKind#EXPIRED}, {@link EventKind#REMOVED} or {@link EventKind#EVICTED}
     * @param cache the cache's name at the time
     * @param key the key
     * @param value the table's own value: a String, a Long, or a byte[] that must be copied
     *     before it is handed to anyone
     * @param expiresAtMillis the entry's deadline in epoch ms, 0 if it had none
     */
    void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis);

    /**
     * An entry left the table: as {@link #entry(EventKind, String, String, Object, long)}, which
     * it calls unless implemented, with the entry's keygroup. The table calls this one.
     *
     * @param group the keygroup the entry belonged to, or {@code null} for none
     */
    default void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis, String group) {
        entry(kind, cache, key, value, expiresAtMillis);
    }

    /**
     * Something happened to the whole table.
     *
     * @param kind {@link EventKind#CLEARED}, {@link EventKind#LOADED} or {@link EventKind#CREATED}
     * @param cache the cache's name at the time
     * @param count how many entries it concerned
     */
    void table(EventKind kind, String cache, long count);

    /**
     * Returns how many events this listener delivered, for the table's statistics
     * ({@code EventsPosted}).
     *
     * @return the count since the last {@link #resetCounts()}; 0 for a listener that does not count
     */
    default long delivered() {
        return 0;
    }

    /**
     * Returns how many events this listener was told of, had a subscriber for, and could not
     * deliver (a full backlog, no event service), for the table's statistics
     * ({@code EventsDropped}, beside the reports that failed in the listener itself).
     *
     * @return the count since the last {@link #resetCounts()}; 0 for a listener that does not count
     */
    default long undelivered() {
        return 0;
    }

    /** Starts both counts again from zero, as the table's {@code resetStats()} does its own. */
    default void resetCounts() {
    }

    /**
     * Returns the earliest deadline among the {@link EventKind#EXPIRED} reports this listener
     * took and has not finished with: not yet delivered to its subscribers, nor given up on.
     * Everything it was told of with an earlier deadline has been delivered or dropped.
     *
     * @return epoch ms; {@link Long#MAX_VALUE} when none waits (also for a listener that
     *     finishes with every report before {@code entry} returns, as the default says)
     */
    default long undeliveredSince() {
        return Long.MAX_VALUE;
    }
}
