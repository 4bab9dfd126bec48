package io.lapse.impl.engine;

/**
 * The outcome of a single-key write's decision, taken under the key's slot lock from its live
 * node: the change to apply to the table (and, for a store that writes through, to send first)
 * and the caller's result. Immutable.
 */
final class Change {

    /**
     * What a single-key write does, decided under the key's slot lock from its live node: the
     * change to apply (and, for a store that writes through, to send first), and the caller's
     * result.
     */
    @FunctionalInterface
    interface Decision {
        /**
         * @param n the key's live node, or {@code null}
         * @param now the coarse time of the write
         * @param st the settings in force
         * @return the change; throwing changes nothing
         */
        Change decide(Node n, long now, CacheSettings st);
    }

    static final int NOTHING = 0;
    static final int PUT = 1;
    static final int TTL = 2;
    static final int REMOVE = 3;

    final int kind;
    final Object value;
    /** The weight flags of the entry a {@link #PUT} stores: see {@link Weights#flags}. */
    final int flags;
    final long deadline;
    final Object result;

    private Change(int kind, Object value, int flags, long deadline, Object result) {
        this.kind = kind;
        this.value = value;
        this.flags = flags;
        this.deadline = deadline;
        this.result = result;
    }

    /**
     * Stores a value with a deadline, inserting or updating.
     *
     * @param flags the entry's weight flags, from {@link CacheTable}'s admission of the value
     */
    static Change put(Object value, int flags, long deadline, Object result) {
        return new Change(PUT, value, flags, deadline, result);
    }

    /** Gives the live entry another deadline; {@code value} is its value, for the store. */
    static Change ttl(Object value, long deadline, Object result) {
        return new Change(TTL, value, 0, deadline, result);
    }

    /** Removes the live entry. */
    static Change remove(Object result) {
        return new Change(REMOVE, null, 0, 0, result);
    }

    /** Changes nothing. */
    static Change none(Object result) {
        return new Change(NOTHING, null, 0, 0, result);
    }
}
