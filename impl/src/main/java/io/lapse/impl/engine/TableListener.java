package io.lapse.impl.engine;

/**
 * Hears what happens in a {@link CacheTable}. The table calls it only after releasing every
 * lock, from the thread that made the change (a caller's, or a sweeper's), so an implementation
 * may call back into the table.
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
        public void entry(EventKind kind, String key, Object value, long expiresAtMillis) {
        }

        @Override
        public void table(EventKind kind, long count) {
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
     * @param key the key
     * @param value the table's own value: a String, a Long, or a byte[] that must be copied
     *     before it is handed to anyone
     * @param expiresAtMillis the entry's deadline in epoch ms, 0 if it had none
     */
    void entry(EventKind kind, String key, Object value, long expiresAtMillis);

    /**
     * Something happened to the whole table.
     *
     * @param kind {@link EventKind#CLEARED}, {@link EventKind#LOADED} or {@link EventKind#CREATED}
     * @param count how many entries it concerned
     */
    void table(EventKind kind, long count);
}
