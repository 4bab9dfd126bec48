package io.lapse.cluster;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.lapse.cache.replication.Replica;
import io.lapse.cache.replication.ReplicaChange;

/**
 * Hands the messages of a cache's log to its {@link Replica} in the log's order, and holds them
 * back while the node joins: the one place that calls {@link Replica#acknowledge} and
 * {@link Replica#applyRemote}, always under its lock, so one thread at a time does.
 *
 * <h2>Phases</h2>
 * <ul>
 * <li>{@code BUFFERING}: the node is joining. Every change read is kept in order. When the reader
 *     reaches the node's own sync request (the awaited one, the point the responder's snapshot is
 *     taken at), the changes kept before it are settled ({@link #awaitMark}): this node's own are
 *     acknowledged (the snapshot holds them, and the replica must stop counting them as on their
 *     way before the snapshot is applied), the others' dropped (the snapshot holds them). The
 *     snapshot is applied ({@link #clearForSnapshot}, {@link #applySnapshot}), then the changes
 *     kept after the mark ({@link #finishJoin}), and the node is live.</li>
 * <li>{@code LIVE}: each change is handed over as it is read; a sync request naming this member
 *     takes a snapshot right there, at its position in the log, for a {@link Requests} to send.</li>
 * <li>{@code CLOSED}: nothing more is handed over.</li>
 * </ul>
 *
 * <h2>Duplicates and generations</h2>
 * A batch whose publication timed out may be in the log twice; every change carries its sender's
 * number, and a change whose number is not above the highest read from its sender is skipped, on
 * every node alike (a joiner takes the responder's highest numbers at the snapshot's point). A
 * node that loses its place in the log reconnects its replica, which forgets the changes it had
 * on their way: its own changes numbered below the {@linkplain #restart floor} of that moment
 * are then applied as any node's, not acknowledged. Each subscription to the log has a
 * generation; messages of an older one are ignored.
 *
 * <p>Thread safety: all methods may be called from any thread.
 */
final class LogDelivery {

    /** What a live node does with a sync request that names it. */
    interface Requests {

        /**
         * Sends a snapshot; called under the delivery's lock, so it must only hand the work over.
         *
         * @param request the request
         * @param snapshot the puts of every live entry at the request's point of the log
         * @param marks the highest number read from each sender up to that point
         */
        void serve(LogMessage.SyncRequest request, List<ReplicaChange> snapshot, Map<UUID, Long> marks);

        /**
         * Tells the joiner this node cannot answer; called under the delivery's lock, so it must
         * only hand the work over.
         *
         * @param request the request
         * @param reason why
         */
        void refuse(LogMessage.SyncRequest request, String reason);
    }

    private enum Phase { BUFFERING, LIVE, CLOSED }

    private static final System.Logger LOG = System.getLogger(LogDelivery.class.getName());
    /** How many sync requests are remembered as answered, against duplicates in the log. */
    private static final int ANSWERED = 64;

    private final String cache;
    private final Replica replica;
    private final UUID self;
    /** This node's Hazelcast member, read at each use: a member merged into a healed cluster has a new one. */
    private final Supplier<UUID> localMember;
    private final Requests requests;
    private final LagHistogram lag = new LagHistogram();
    private final LongAdder received = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder duplicates = new LongAdder();

    private final Object lock = new Object();
    /** Written under the lock; read without it by {@link #live()} and the reader. */
    private volatile Phase phase = Phase.BUFFERING;
    private volatile int generation;
    private long ackFloor = 1;
    private final List<LogMessage.Change> kept = new ArrayList<>();
    private UUID awaited;
    private int markIndex = -1;
    private final Map<UUID, Long> marks = new HashMap<>();
    private final Set<UUID> answered = new LinkedHashSet<>();
    private volatile long position = -1;

    /**
     * Creates a delivery in the buffering phase, generation 0, acknowledging every change of its
     * own sender.
     *
     * @param cache the cache's name, for the log
     * @param replica the replica it hands the changes to
     * @param self the id of this node's replicator: the sender of its own changes
     * @param localMember this node's Hazelcast member
     * @param requests what a live node does with requests that name it
     */
    LogDelivery(String cache, Replica replica, UUID self, Supplier<UUID> localMember, Requests requests) {
        this.cache = cache;
        this.replica = Objects.requireNonNull(replica);
        this.self = Objects.requireNonNull(self);
        this.localMember = Objects.requireNonNull(localMember);
        this.requests = Objects.requireNonNull(requests);
    }

    // ---------------------------------------------------------------------- the log's reader

    /**
     * Takes a message the log delivered to a subscription.
     *
     * @param gen the subscription's generation
     * @param message the message
     * @param receivedMicros this node's wall-clock time of receipt, epoch µs
     */
    void onMessage(int gen, LogMessage message, long receivedMicros) {
        synchronized (lock) {
            if (gen != generation || phase == Phase.CLOSED) {
                return;
            }
            if (message instanceof LogMessage.Change) {
                LogMessage.Change c = (LogMessage.Change) message;
                if (!c.sender().equals(self)) {
                    lag.record(receivedMicros - c.sentMicros());
                }
                if (phase == Phase.LIVE) {
                    deliver(c);
                } else {
                    kept.add(c);
                }
            } else {
                request((LogMessage.SyncRequest) message);
            }
        }
    }

    private void request(LogMessage.SyncRequest r) {
        if (phase == Phase.BUFFERING && r.request().equals(awaited)) {
            if (markIndex < 0) {
                markIndex = kept.size();
                lock.notifyAll();
            }
            return;
        }
        if (!r.responderMember().equals(localMember.get()) || !remember(r.request())) {
            return;
        }
        if (phase == Phase.LIVE) {
            List<ReplicaChange> snapshot = new ArrayList<>();
            replica.snapshot(snapshot::add);
            requests.serve(r, snapshot, Map.copyOf(marks));
        } else {
            requests.refuse(r, "member " + localMember.get() + " is joining cache '" + cache + "' itself");
        }
    }

    private boolean remember(UUID request) {
        if (!answered.add(request)) {
            return false;
        }
        if (answered.size() > ANSWERED) {
            answered.remove(answered.iterator().next());
        }
        return true;
    }

    /**
     * Records the log position a subscription reached.
     *
     * @param gen the subscription's generation
     * @param sequence the ringbuffer sequence of the message it is about to hand over
     */
    void position(int gen, long sequence) {
        if (gen == generation) {
            position = sequence;
        }
    }

    /** Takes a message that is not one of the log's; it is counted as rejected. */
    void malformed(IllegalArgumentException e) {
        rejected.increment();
        LOG.log(Level.WARNING, "cache '" + cache + "': a message of its log is not understood and is skipped: "
            + e.getMessage());
    }

    /** Hands one change over; caller holds the lock. */
    private void deliver(LogMessage.Change c) {
        Long mark = marks.get(c.sender());
        if (mark != null && c.seq() <= mark) {
            duplicates.increment();
            return;
        }
        marks.put(c.sender(), c.seq());
        if (c.sender().equals(self) && c.seq() >= ackFloor) {
            replica.acknowledge(c.change());
        } else {
            received.increment();
            apply(c.change());
        }
    }

    /** Applies a remote change; a refusal is counted, never thrown. Caller holds the lock. */
    private void apply(ReplicaChange change) {
        try {
            replica.applyRemote(change);
        } catch (RuntimeException e) {
            // a value over this node's max_item_size, or a cache closing under us: this change
            // is lost here, and the reader goes on
            rejected.increment();
            LOG.log(Level.WARNING, "cache '" + cache + "': a change of the log is not applied here (" + change
                + "): " + e.getMessage());
        }
    }

    // -------------------------------------------------------------------------------- joins

    /**
     * Starts a new generation, for a new subscription after this node lost its place: back to
     * buffering, with nothing kept.
     *
     * @return the new generation
     */
    int restart() {
        synchronized (lock) {
            generation++;
            if (phase != Phase.CLOSED) {
                phase = Phase.BUFFERING;
            }
            kept.clear();
            awaited = null;
            markIndex = -1;
            position = -1;
            lock.notifyAll();
            return generation;
        }
    }

    /**
     * Sets the floor of this node's changes that are acknowledged, once its replica is
     * reconnected: the lowest number its outbox gives a change taken after the reconnection.
     *
     * @param floor the floor
     */
    void ackFloor(long floor) {
        synchronized (lock) {
            ackFloor = floor;
        }
    }

    /**
     * Begins an attempt to join: the mark is now the sync request of this id.
     *
     * @param request the request's id
     */
    void beginJoin(UUID request) {
        synchronized (lock) {
            awaited = request;
            markIndex = -1;
        }
    }

    /**
     * Waits until the reader reaches the awaited sync request, then settles the changes kept
     * before it (see the class's description).
     *
     * @param gen the generation the join is for
     * @param request the awaited request
     * @param deadlineNanos until when to wait, in {@link System#nanoTime()}
     * @return whether the mark was reached; {@code false} on timeout, a new generation or a close
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitMark(int gen, UUID request, long deadlineNanos) throws InterruptedException {
        synchronized (lock) {
            while (markIndex < 0 || !request.equals(awaited)) {
                long left = deadlineNanos - System.nanoTime();
                if (gen != generation || phase != Phase.BUFFERING || !request.equals(awaited) || left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            if (gen != generation || phase != Phase.BUFFERING) {
                return false;
            }
            List<LogMessage.Change> before = kept.subList(0, markIndex);
            for (LogMessage.Change c : before) {
                if (c.sender().equals(self) && c.seq() >= ackFloor) {
                    deliver(c);
                }
            }
            before.clear();
            markIndex = 0;
            return true;
        }
    }

    /**
     * Clears this node's entries ahead of a snapshot, as a clear from the log does: the keys
     * this node changed since stay.
     *
     * @param gen the generation the join is for
     * @return whether it is still current
     */
    boolean clearForSnapshot(int gen) {
        synchronized (lock) {
            if (gen != generation || phase != Phase.BUFFERING) {
                return false;
            }
            apply(ReplicaChange.clear());
            return true;
        }
    }

    /**
     * Applies puts of a snapshot.
     *
     * @param gen the generation the join is for
     * @param puts the puts
     * @return whether it is still current
     */
    boolean applySnapshot(int gen, List<ReplicaChange> puts) {
        synchronized (lock) {
            if (gen != generation || phase != Phase.BUFFERING) {
                return false;
            }
            for (ReplicaChange p : puts) {
                apply(p);
            }
            return true;
        }
    }

    /**
     * Ends a join whose snapshot is applied: takes the responder's numbers, hands over the
     * changes kept since the mark, and goes live.
     *
     * @param gen the generation the join is for
     * @param responderMarks the highest number the responder had read from each sender
     * @return whether it is still current (and now live)
     */
    boolean finishJoin(int gen, Map<UUID, Long> responderMarks) {
        synchronized (lock) {
            if (gen != generation || phase != Phase.BUFFERING) {
                return false;
            }
            responderMarks.forEach((sender, seq) -> marks.merge(sender, seq, Math::max));
            return goLive();
        }
    }

    /**
     * Goes live with this node's own contents as the cache's, there being no other node to
     * join: hands over every change kept.
     *
     * @param gen the generation the join is for
     * @return whether it is still current (and now live)
     */
    boolean goLiveAlone(int gen) {
        synchronized (lock) {
            if (gen != generation || phase != Phase.BUFFERING) {
                return false;
            }
            return goLive();
        }
    }

    private boolean goLive() {
        for (LogMessage.Change c : kept) {
            deliver(c);
        }
        kept.clear();
        awaited = null;
        markIndex = -1;
        phase = Phase.LIVE;
        lock.notifyAll();
        return true;
    }

    /**
     * Waits until the node is live.
     *
     * @param timeoutNanos how long at most
     * @return whether it is live
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitLive(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (lock) {
            while (phase == Phase.BUFFERING) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return phase == Phase.LIVE;
        }
    }

    /** Stops handing anything over, for good. */
    void close() {
        synchronized (lock) {
            phase = Phase.CLOSED;
            kept.clear();
            lock.notifyAll();
        }
    }

    // ------------------------------------------------------------------------------ figures

    /** @return the current generation */
    int generation() {
        return generation;
    }

    /** @return whether changes are handed over as they are read */
    boolean live() {
        return phase == Phase.LIVE;
    }

    /** @return the ringbuffer sequence of the last message the current subscription handed over, -1 for none */
    long position() {
        return position;
    }

    /** @return how many remote changes of the log were handed to the replica */
    long received() {
        return received.sum();
    }

    /** @return how many changes the replica refused, and messages not understood */
    long rejected() {
        return rejected.sum();
    }

    /** @return how many changes were skipped as read before */
    long duplicates() {
        return duplicates.sum();
    }

    /** @return the lag of remote changes */
    LagHistogram lag() {
        return lag;
    }
}
