package io.lapse.impl.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A {@link Node} of a cache with idle expiry: it remembers the deadline that writes gave it, so a
 * read can move the effective deadline to {@code now + idle} without passing it. 8 bytes larger
 * than a plain node, which is why caches without idle expiry do not use it.
 *
 * <p>The effective deadline is {@code min(writeDeadline, lastAccess + idle)}. A read raises it by
 * compare-and-set without the slot lock (it only ever grows that way, so the node's wheel bucket
 * stays at or before it and the wheel reschedules it lazily); writes set both fields under the
 * lock.
 *
 * <h2>Why the seal</h2>
 * A read decides "live" from the deadline it saw, then raises it; between the two, the node may
 * pass its deadline and be taken out of the table by someone holding the slot lock. Whoever takes
 * it out first sets the {@link Node#SEALED} bit of the deadline word, under the lock, with a
 * compare-and-set; from then on a late read's compare-and-set fails (it expects the word it saw,
 * unsealed), so a deadline that was judged passed is never moved, the verdict (expired, removed)
 * stays what it was, and the deadline reported with the event is the one the verdict used. The
 * read that fails looks the key up again.
 */
class IdleNode extends Node {

    private static final VarHandle WRITE_DEADLINE;

    static {
        try {
            WRITE_DEADLINE = MethodHandles.lookup().findVarHandle(IdleNode.class, "writeDeadline", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long writeDeadline;

    IdleNode(int hash, String key, Object value, long writeDeadline, long now, long idleMillis, int flags) {
        super(hash, key, value, Math.min(writeDeadline, now + idleMillis), flags);
        this.writeDeadline = writeDeadline;
    }

    @Override
    final long writeDeadline() {
        return (long) WRITE_DEADLINE.getAcquire(this);
    }

    @Override
    void setWriteDeadline(long d, long now, long idleMillis) {
        WRITE_DEADLINE.setRelease(this, d);
        deadline(idleMillis > 0 ? Math.min(d, now + idleMillis) : d);
    }

    @Override
    final boolean idles() {
        return true;
    }

    /**
     * Extends the effective deadline after a read, if that moves it.
     *
     * @param seen the deadline the reader saw, not passed then
     * @param now the reader's coarse time
     * @param idleMillis the cache's idle expiry, greater than 0
     * @return {@code false} if the node has left the table meanwhile (it is sealed): the reader
     *     must look the key up again; {@code true} otherwise
     */
    boolean touch(long seen, long now, long idleMillis) {
        long word = seen;
        for (;;) {
            // again on every round: a write may have set a shorter deadline meanwhile
            long d = Math.min(writeDeadline(), now + idleMillis);
            if (d <= word) {
                return deadlineWord() >= 0;
            }
            if (casDeadlineWord(word, d)) {
                return true;
            }
            word = deadlineWord();
            if (word < 0) {
                return false;
            }
        }
    }

    @Override
    boolean expireIfDue(long now) {
        for (;;) {
            long word = deadlineWord();
            if (word < 0) {
                return true;
            }
            if (word > now) {
                return false;
            }
            if (casDeadlineWord(word, word | SEALED)) {
                return true;
            }
        }
    }

    /** Nothing to wait for: a put without the slot lock never writes a node with idle expiry. */
    @Override
    void settle() {
    }

    @Override
    void seal() {
        for (;;) {
            long word = deadlineWord();
            if (word < 0 || casDeadlineWord(word, word | SEALED)) {
                return;
            }
        }
    }
}
