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
    /**
     * Whether the change came from the replication log ({@link Replication#applyRemote}): such a
     * change is applied, and not offered to the log again.
     */
    final boolean fromLog;
    /**
     * The keygroup a {@link #PUT} puts the key into, moving it from any other; {@code null} to
     * leave the key in the group it has (a new key then belongs to none).
     */
    final String group;

    private Change(int kind, Object value, int flags, long deadline, Object result, boolean fromLog, String group) {
        this.kind = kind;
        this.value = value;
        this.flags = flags;
        this.deadline = deadline;
        this.result = result;
        this.fromLog = fromLog;
        this.group = group;
    }

    /**
     * Stores a value with a deadline, inserting or updating.
     *
     * @param flags the entry's weight flags, from {@link CacheTable}'s admission of the value
     */
    static Change put(Object value, int flags, long deadline, Object result) {
        return new Change(PUT, value, flags, deadline, result, false, null);
    }

    /** Stores a value with a deadline, inserting or updating, and puts the key into a keygroup. */
    static Change putInGroup(Object value, int flags, long deadline, Object result, String group) {
        return new Change(PUT, value, flags, deadline, result, false, group);
    }

    /** Gives the live entry another deadline; {@code value} is its value, for the store. */
    static Change ttl(Object value, long deadline, Object result) {
        return new Change(TTL, value, 0, deadline, result, false, null);
    }

    /** Removes the live entry. */
    static Change remove(Object result) {
        return new Change(REMOVE, null, 0, 0, result, false, null);
    }

    /** Changes nothing. */
    static Change none(Object result) {
        return new Change(NOTHING, null, 0, 0, result, false, null);
    }

    /** The same change with another deadline: one rounded to a backing level's precision. */
    Change withDeadline(long d) {
        return new Change(kind, value, flags, d, result, fromLog, group);
    }

    /** The same change, as one the replication log delivered: applied, not offered again. */
    Change fromLog() {
        return new Change(kind, value, flags, deadline, result, true, group);
    }
}
