package io.lapse.impl.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A {@link Node} of a cache with idle expiry: it remembers the deadline that writes gave it, so a
 * read can move the effective deadline to {@code now + idle} without passing it. 8 bytes larger
 * than a plain node, which is why caches without idle expiry do not use it.
 *
 * <p>The effective deadline is {@code min(writeDeadline, lastAccess + idle)}. A read raises it by
 * compare-and-set without the slot lock (it only ever grows that way, so the node's wheel
 * bucket stays at or before it and the wheel reschedules it lazily); writes set both fields
 * under the lock.
 */
final class IdleNode extends Node {

    private static final VarHandle WRITE_DEADLINE;

    static {
        try {
            WRITE_DEADLINE = MethodHandles.lookup().findVarHandle(IdleNode.class, "writeDeadline", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long writeDeadline;

    IdleNode(int hash, String key, Object value, long writeDeadline, long now, long idleMillis) {
        super(hash, key, value, Math.min(writeDeadline, now + idleMillis));
        this.writeDeadline = writeDeadline;
    }

    @Override
    long writeDeadline() {
        return (long) WRITE_DEADLINE.getAcquire(this);
    }

    @Override
    void setWriteDeadline(long d, long now, long idleMillis) {
        WRITE_DEADLINE.setRelease(this, d);
        deadline(idleMillis > 0 ? Math.min(d, now + idleMillis) : d);
    }

    @Override
    boolean idles() {
        return true;
    }

    /**
     * Extends the effective deadline after a read, if that moves it.
     *
     * @param seen the deadline the reader saw
     * @param now the reader's coarse time
     * @param idleMillis the cache's idle expiry, greater than 0
     */
    void touch(long seen, long now, long idleMillis) {
        long d = Math.min(writeDeadline(), now + idleMillis);
        if (d > seen) {
            raiseDeadline(seen, d);
        }
    }
}
