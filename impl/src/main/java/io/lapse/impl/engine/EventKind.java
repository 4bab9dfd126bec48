package io.lapse.impl.engine;

/** What happened to an entry or a table; each kind has its EventAdmin topic. */
public enum EventKind {
    /** An entry's deadline passed. */
    EXPIRED,
    /** An entry was removed to respect a capacity limit. */
    EVICTED,
    /** An entry was removed by a delete, a match or a compute. */
    REMOVED,
    /** The whole table was cleared. */
    CLEARED,
    /** The table was loaded from a store. */
    LOADED,
    /** The table came up. */
    CREATED
}
