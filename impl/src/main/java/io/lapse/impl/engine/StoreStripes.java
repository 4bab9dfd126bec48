package io.lapse.impl.engine;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The locks that serialize the writes of a key through a cache's store, one per stripe of key
 * hashes. A write-through write holds its key's stripe from the moment it decides what to write
 * until the change is applied to the table, the store call included, while the slot lock is held
 * only to decide and to apply: a store that hangs holds up the writes of its stripe, never the
 * reads, the sweeps or the other keys of the slot. Operations that change many keys at once
 * (clear, removes by match, reload, a change of the hook) hold every stripe.
 *
 * <p>Lock order: stripes before slot locks, and several stripes in index order
 * ({@link #lockAll()}); nobody takes a stripe while holding a slot lock.
 */
final class StoreStripes {

    private static final int STRIPES = 64;

    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    StoreStripes() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /**
     * Returns the stripe of a key.
     *
     * @param hash the key's spread hash
     * @return its lock
     */
    ReentrantLock of(int hash) {
        return locks[hash & (STRIPES - 1)];
    }

    /** Takes every stripe, in index order. */
    void lockAll() {
        for (ReentrantLock l : locks) {
            l.lock();
        }
    }

    /** Releases every stripe; the caller holds them all. */
    void unlockAll() {
        for (int i = STRIPES - 1; i >= 0; i--) {
            locks[i].unlock();
        }
    }
}
