package io.lapse.impl.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The lock of one slot, kept in the slot object itself: a mutual-exclusion lock that costs an
 * uncontended write one compare-and-set to take and one atomic exchange to release, on the cache
 * line the write touches anyway. A {@code ReentrantLock} keeps its state in an object of its own
 * and releases with a volatile store and a fence; with a thousand slots per cache, that object
 * was one more cache miss per write.
 *
 * <p>Protocol: {@code state} is free, held, or held with threads possibly waiting. A thread that
 * finds the lock held spins briefly, then puts itself in the wait queue <em>before</em> marking
 * the lock contended, and parks; releasing a contended lock wakes the first waiter that has not
 * given up. A woken thread competes again (a newcomer may take the lock first), marking the lock
 * contended again if it loses, so no release can miss a waiter. Waiters are woken in the order
 * they came.
 *
 * <p>Not reentrant, and it keeps no owner: that would cost every write a look at the current
 * thread. A thread that could be waiting for itself is stopped by {@link #beforeWaiting()},
 * which the slot overrides. Not interruptible, like {@code synchronized}: an interrupt while
 * waiting is kept and restored once the lock is taken.
 */
abstract class SlotLock {

    private static final VarHandle STATE;
    private static final VarHandle QUEUE;
    private static final int FREE = 0;
    private static final int HELD = 1;
    private static final int CONTENDED = 2;
    /** Spins before parking: a slot is held for a hash-chain walk, far less than a park costs. */
    private static final int SPINS = 100;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(SlotLock.class, "state", int.class);
            QUEUE = lookup.findVarHandle(SlotLock.class, "waiters", ConcurrentLinkedQueue.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A parked thread; {@code done} once woken, or once it took the lock without parking. */
    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        volatile boolean done;
    }

    private volatile int state;
    /** Created at the first contention. */
    private volatile ConcurrentLinkedQueue<Waiter> waiters;

    /** Takes the lock, waiting as long as it takes. */
    final void lock() {
        if (!STATE.compareAndSet(this, FREE, HELD)) {
            lockContended();
        }
    }

    /**
     * Takes the lock if it is free, without waiting.
     *
     * @return {@code true} if the lock was taken
     */
    final boolean tryLock() {
        return state == FREE && STATE.compareAndSet(this, FREE, HELD);
    }

    /**
     * Tells whether the lock is free at this instant, with the ordering of a volatile read: what
     * its last holder wrote before releasing it is visible after a {@code true}.
     *
     * @return {@code true} if nobody holds the lock
     */
    final boolean free() {
        return state == FREE;
    }

    /** Releases the lock; the caller holds it. */
    final void unlock() {
        if ((int) STATE.getAndSet(this, FREE) == CONTENDED) {
            wakeOne();
        }
    }

    /**
     * Called by a thread that found the lock held, before it waits; may throw to refuse a wait
     * that would never end, as when the thread holds the lock itself. Nothing has changed then.
     */
    abstract void beforeWaiting();

    private void lockContended() {
        beforeWaiting();
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            if (state == FREE && STATE.compareAndSet(this, FREE, HELD)) {
                return;
            }
        }
        ConcurrentLinkedQueue<Waiter> queue = queue();
        boolean interrupted = false;
        for (;;) {
            Waiter w = new Waiter();
            queue.add(w);
            if ((int) STATE.getAndSet(this, CONTENDED) == FREE) {
                // Taken without waiting; a release that picks this entry passes it over.
                w.done = true;
                break;
            }
            while (!w.done) {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private ConcurrentLinkedQueue<Waiter> queue() {
        ConcurrentLinkedQueue<Waiter> queue = waiters;
        if (queue == null) {
            queue = new ConcurrentLinkedQueue<>();
            if (!QUEUE.compareAndSet(this, null, queue)) {
                queue = waiters;
            }
        }
        return queue;
    }

    private void wakeOne() {
        ConcurrentLinkedQueue<Waiter> queue = waiters;
        if (queue == null) {
            return;
        }
        for (Waiter w; (w = queue.poll()) != null;) {
            if (!w.done) {
                w.done = true;
                LockSupport.unpark(w.thread);
                return;
            }
        }
    }
}
