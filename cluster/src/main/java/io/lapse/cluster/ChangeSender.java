package io.lapse.cluster;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.hazelcast.topic.ITopic;

import io.lapse.cache.replication.Replica;
import io.lapse.cache.replication.ReplicaChange;
import io.lapse.cache.replication.ReplicaOutbox;

/**
 * The outbox of one cache and the thread that publishes what it takes to the cache's log.
 *
 * <p>{@link #offer} puts a change on a bounded queue and never waits: a full queue refuses it
 * (the replica keeps the key as unsent). The thread, {@code lapse-cluster-send-<cache>}, takes
 * the changes in order, numbers them (the n-th change the outbox took gets number n), and
 * publishes them in batches, one batch at a time: a batch that fails or is not confirmed in time
 * is published again, whole and with the same numbers, after a pause that doubles up to a second,
 * until it is; the readers skip the copies. Whenever the queue is empty and the replica has
 * unsent keys, the thread asks it to {@linkplain Replica#resend() send them again}.
 *
 * <p>Thread safety: {@link #offer} may be called by any thread; {@link #start} and
 * {@link #close} by one at a time.
 */
final class ChangeSender implements ReplicaOutbox {

    private static final System.Logger LOG = System.getLogger(ChangeSender.class.getName());
    /** The most changes published at once (Hazelcast takes at most 1,000 per ringbuffer call). */
    static final int BATCH = 500;
    private static final long IDLE_POLL_MILLIS = 50;
    /** How long a publication may go unconfirmed before it is published again. */
    private static final long CONFIRM_MILLIS = 10_000;
    private static final long FIRST_PAUSE_MILLIS = 5;
    private static final long MAX_PAUSE_MILLIS = 1_000;
    /** How long a close lets the thread publish what is queued. */
    private static final long FLUSH_MILLIS = 2_000;
    private static final long JOIN_MILLIS = 5_000;

    private final String cache;
    private final UUID sender;
    private final ITopic<byte[]> log;
    private final Replica replica;
    private final ArrayBlockingQueue<ReplicaChange> queue;
    private final Thread thread;
    /** How many changes the queue took; written under the replica's offering order only. */
    private final AtomicLong offered = new AtomicLong();
    /** The number of the last change taken off the queue; the sender thread's alone. */
    private long numbered;
    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile boolean publishing;
    private volatile boolean closing;
    private volatile long flushDeadline;

    /**
     * Creates a sender that takes nothing until it is started.
     *
     * @param cache the cache's name
     * @param sender the id of the replicator, the sender of every message
     * @param log the cache's log
     * @param replica the replica whose unsent keys it asks to resend
     * @param capacity how many changes may wait
     */
    ChangeSender(String cache, UUID sender, ITopic<byte[]> log, Replica replica, int capacity) {
        this.cache = cache;
        this.sender = Objects.requireNonNull(sender);
        this.log = Objects.requireNonNull(log);
        this.replica = Objects.requireNonNull(replica);
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "lapse-cluster-send-" + cache);
        thread.setDaemon(true);
    }

    /** Starts the thread. */
    void start() {
        thread.start();
    }

    @Override
    public boolean offer(ReplicaChange change) {
        if (!closing && queue.offer(change)) {
            offered.incrementAndGet();
            return true;
        }
        dropped.increment();
        return false;
    }

    /**
     * Returns how many changes the outbox took so far; with the replica disconnected, the next
     * change it takes is numbered this plus one.
     *
     * @return the count
     */
    long offered() {
        return offered.get();
    }

    /** @return how many changes were published */
    long sent() {
        return sent.sum();
    }

    /** @return how many changes the outbox refused, resent ones included */
    long dropped() {
        return dropped.sum();
    }

    /** @return whether nothing waits to be published and nothing is being published */
    boolean idle() {
        return queue.isEmpty() && !publishing;
    }

    // --------------------------------------------------------------------------- the thread

    private void run() {
        List<ReplicaChange> batch = new ArrayList<>(BATCH);
        while (!closing || (!queue.isEmpty() && System.nanoTime() < flushDeadline)) {
            try {
                ReplicaChange first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    publishing = true;
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                    publish(batch);
                }
                resendIfRoom();
            } catch (InterruptedException e) {
                // only close() interrupts, once the flush is over: the loop ends
                continue;
            } catch (RuntimeException e) {
                // a bug in a replica call must not end the cache's replication: the next
                // changes go on
                LOG.log(Level.ERROR, "cache '" + cache + "': sending failed", e);
            } finally {
                batch.clear();
                publishing = false;
            }
        }
    }

    /**
     * Numbers and publishes a batch, again and again until it is confirmed, or the close's
     * flush time is over.
     */
    private void publish(List<ReplicaChange> changes) {
        long sentMicros = WallClock.epochMicros();
        List<byte[]> messages = new ArrayList<>(changes.size());
        for (ReplicaChange c : changes) {
            messages.add(ChangeCodec.encode(new LogMessage.Change(sender, ++numbered, sentMicros, c)));
        }
        long pause = FIRST_PAUSE_MILLIS;
        for (int attempt = 1;; attempt++) {
            Exception failure;
            try {
                log.publishAllAsync(messages).toCompletableFuture().get(CONFIRM_MILLIS, TimeUnit.MILLISECONDS);
                if (attempt > 1) {
                    LOG.log(Level.INFO, "cache '" + cache + "': published after " + attempt + " attempts");
                }
                sent.add(changes.size());
                return;
            } catch (ExecutionException e) {
                failure = e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
            } catch (TimeoutException | InterruptedException | RuntimeException e) {
                failure = e;
            }
            if (closing && System.nanoTime() >= flushDeadline) {
                LOG.log(Level.WARNING, "cache '" + cache + "': closing with " + (changes.size() + queue.size())
                    + " changes unpublished: " + brief(failure));
                return;
            }
            if (attempt == 1) {
                LOG.log(Level.INFO, "cache '" + cache + "': publishing " + changes.size()
                    + " changes failed; trying again: " + brief(failure));
            }
            pause(pause);
            pause = Math.min(2 * pause, MAX_PAUSE_MILLIS);
        }
    }

    /**
     * A failure in one line of reasonable length: Hazelcast's overload message lists every item of
     * the batch, several kilobytes of byte arrays.
     */
    static String brief(Exception failure) {
        String text = failure.toString();
        return text.length() <= 200 ? text : text.substring(0, 200) + "... (" + text.length() + " characters)";
    }

    /** Pauses between attempts; an interrupt (from close) cuts it short. */
    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Asks the replica to resend its unsent keys once the queue is empty: a resend walks every
     * unsent key, whatever room there is, so it waits until there is the most.
     */
    private void resendIfRoom() {
        if (!closing && queue.isEmpty() && replica.unsent() > 0) {
            replica.resend();
        }
    }

    /**
     * Stops taking changes and stops the thread, after it published what is queued or
     * {@value #FLUSH_MILLIS} ms passed; waits for it a bounded time.
     */
    void close() {
        flushDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS);
        closing = true;
        if (thread.isAlive()) {
            try {
                thread.join(FLUSH_MILLIS + JOIN_MILLIS / 2);
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join(JOIN_MILLIS / 2);
                }
            } catch (InterruptedException e) {
                thread.interrupt();
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.log(Level.WARNING, "cache '" + cache + "': the sender thread did not stop");
            }
        }
        queue.clear();
    }
}
