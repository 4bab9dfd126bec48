package io.lapse.impl.osgi;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The events of one cache on their way to EventAdmin: a queue bounded by a count and by bytes,
 * drained in the order the events were reported by one task at a time on a shared executor.
 *
 * <p>Why a queue of our own: EventAdmin's asynchronous delivery queues without a bound, and
 * delivers everything one thread posted in order, so a slow handler of one cache would hold up
 * the events of every other cache whose expiries the same sweep thread reported, and a storm
 * would grow the heap without limit. Here each cache waits only for its own handlers, and past
 * its bound an event is dropped, counted ({@code EventsDropped}) and the burst logged once, never
 * an {@link OutOfMemoryError}. What is queued is small: the key, the value (the table's own; a
 * {@code byte[]} is copied once, when its event is built) and the figures, not an event.
 *
 * <p>The queue also knows the smallest mark (for a cache's events: the deadline of an expiry)
 * among the events it took and has not finished with, waiting or being delivered
 * ({@link #oldestMark}), in constant time: a deque of the waiting events whose mark is below that
 * of every event after them, the minimum of a FIFO window.
 *
 * <p>Thread safety: {@link #offer} may be called from any thread; this object's monitor guards
 * the items, the byte count, the marks and the flags, and is never held while an event is
 * delivered.
 *
 * @param <T> what is queued
 */
final class EventQueue<T> {

    /** Events delivered by a task before it yields its thread to other caches' queues. */
    static final int BATCH = 64;

    /** What {@link #oldestMark} says when no marked event waits or is being delivered. */
    static final long NO_MARK = Long.MAX_VALUE;

    private final Function<T, String> cacheOf;
    private final ToLongFunction<T> mark;
    // guarded by this, as the items are
    private int maxEvents;
    private long maxBytes;
    private final Executor executor;
    private final Predicate<T> delivery;
    private final Consumer<T> dropped;
    private final Consumer<String> warn;

    // guarded by this
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final ArrayDeque<Long> weights = new ArrayDeque<>();
    private long bytes;
    private boolean scheduled;
    private boolean closed;
    private long droppedInBurst;
    /** The name of the cache as the latest event gave it, for the log. */
    private String cache = "";
    // guarded by this: the sequence numbers of the next event accepted and of the next one taken
    // for delivery; of the waiting events, as {sequence, mark}, those whose mark is below every
    // later one's; and the mark of the event being delivered
    private long taken;
    private long polled;
    private final ArrayDeque<long[]> marks = new ArrayDeque<>();
    private long delivering = NO_MARK;

    /**
     * @param cacheOf the name of the cache an event is of, for the log
     * @param mark an event's mark for {@link #oldestMark}, or {@link #NO_MARK} for none
     * @param maxEvents at most this many events wait
     * @param maxBytes at most this many bytes of them wait (see the weight given to {@link #offer})
     * @param executor runs the draining tasks
     * @param delivery delivers one event; {@code true} if EventAdmin took it
     * @param dropped told of each event that was not delivered (full, refused, closed)
     * @param warn where a burst of drops is logged
     */
    EventQueue(Function<T, String> cacheOf, ToLongFunction<T> mark, int maxEvents, long maxBytes, Executor executor,
        Predicate<T> delivery, Consumer<T> dropped, Consumer<String> warn) {
        this.cacheOf = cacheOf;
        this.mark = mark;
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.executor = executor;
        this.delivery = delivery;
        this.dropped = dropped;
        this.warn = warn;
    }

    /**
     * Queues an event, or drops it when the queue is full or closed.
     *
     * @param item the event
     * @param weight its size in bytes, as counted against the byte bound
     * @return {@code true} if it was queued
     */
    boolean offer(T item, long weight) {
        boolean accepted;
        boolean schedule = false;
        String burst = null;
        synchronized (this) {
            cache = cacheOf.apply(item);
            accepted = !closed && items.size() < maxEvents && bytes + weight <= maxBytes;
            if (accepted) {
                items.add(item);
                weights.add(weight);
                bytes += weight;
                long m = mark.applyAsLong(item);
                if (m != NO_MARK) {
                    while (!marks.isEmpty() && marks.peekLast()[1] >= m) {
                        marks.pollLast();
                    }
                    marks.addLast(new long[] {taken, m});
                }
                taken++;
                schedule = !scheduled;
                scheduled = true;
            } else if (!closed && droppedInBurst++ == 0) {
                burst = "cache '" + cache + "': " + items.size() + " events (" + bytes + " bytes) wait for their "
                    + "handlers, the most its event backlog holds: further events are dropped and counted in "
                    + "EventsDropped until it drains (a handler is slower than the cache's changes)";
            }
        }
        if (burst != null) {
            warn.accept(burst);
        }
        if (!accepted) {
            dropped.accept(item);
            return false;
        }
        if (schedule) {
            submit();
        }
        return true;
    }

    private void submit() {
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException stopping) {
            dropAll();
        }
    }

    /** Delivers events until none wait, giving the thread back to other caches every {@link #BATCH}. */
    private void drain() {
        int delivered = 0;
        for (;;) {
            T item;
            synchronized (this) {
                item = items.poll();
                if (item != null) {
                    bytes -= weights.poll();
                    if (!marks.isEmpty() && marks.peekFirst()[0] == polled) {
                        marks.pollFirst();
                    }
                    polled++;
                    delivering = mark.applyAsLong(item);
                }
            }
            if (item != null) {
                boolean taken;
                try {
                    taken = delivery.test(item);
                } catch (RuntimeException e) {
                    taken = false;
                }
                if (!taken) {
                    dropped.accept(item);
                }
                delivered++;
            }
            String recovered = null;
            boolean empty;
            synchronized (this) {
                delivering = NO_MARK;
                if (droppedInBurst > 0 && items.size() <= maxEvents / 2 && bytes <= maxBytes / 2) {
                    recovered = "cache '" + cache + "': its event backlog drains again; " + droppedInBurst
                        + " events were dropped meanwhile";
                    droppedInBurst = 0;
                }
                empty = items.isEmpty();
                if (empty) {
                    scheduled = false;
                    notifyAll();
                }
            }
            if (recovered != null) {
                warn.accept(recovered);
            }
            if (empty) {
                return;
            }
            if (delivered >= BATCH) {
                submit();
                return;
            }
        }
    }

    /**
     * Closes the queue: waits up to {@code timeoutMillis} for what waits to be delivered, then
     * drops the rest; later offers are dropped at once.
     *
     * @return how many events were dropped here, undelivered
     */
    long close(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (this) {
            closed = true;
            boolean interrupted = false;
            while (scheduled) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return dropAll();
    }

    private long dropAll() {
        ArrayDeque<T> left;
        synchronized (this) {
            left = new ArrayDeque<>(items);
            items.clear();
            weights.clear();
            bytes = 0;
            marks.clear();
            polled = taken;
            scheduled = false;
            notifyAll();
        }
        left.forEach(dropped);
        return left.size();
    }

    /** Sets new bounds; events already waiting beyond them stay and are delivered. */
    synchronized void limits(int events, long byteCount) {
        maxEvents = events;
        maxBytes = byteCount;
    }

    /** @return how many events wait */
    synchronized int size() {
        return items.size();
    }

    /**
     * Returns the smallest mark among the events taken and not yet finished with: waiting, or
     * being delivered. Every event taken with a smaller mark has been delivered or dropped.
     *
     * @return the mark, or {@link #NO_MARK} if none is marked
     */
    synchronized long oldestMark() {
        long waiting = marks.isEmpty() ? NO_MARK : marks.peekFirst()[1];
        return Math.min(waiting, delivering);
    }
}
