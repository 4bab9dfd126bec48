package io.lapse.cluster;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import com.hazelcast.cluster.Member;
import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;

/**
 * The joining side: fills this node's cache from a ready member's snapshot, then lets the
 * {@link LogDelivery} go live; or, when no member holds the cache ready, goes live with this
 * node's own contents.
 *
 * <p>A join decides, under the board's cluster lock, whom to ask: the oldest member of the
 * cluster whose entry says it is ready, not counting those that failed this join already (all
 * of them again once every one failed). It publishes a sync request naming that member into the
 * log, waits for its reader to reach the request (so the changes before it are settled), and
 * reads the snapshot from the request's queue: applied chunk by chunk, checked against the end
 * marker's count. An attempt fails, and the join asks the next member after a pause, when the
 * responder refuses, leaves the cluster, changes its entry (no longer ready, or ready again after
 * losing its place: it may never read the request), sends something not understood, or the
 * {@link ReplicatorSettings#syncTimeout() sync timeout} passes. A join ends when it succeeds, the
 * replicator closes, or a new generation of the delivery starts another join.
 *
 * <p>Runs on the replicator's sync thread.
 */
final class Joiner {

    private static final System.Logger LOG = System.getLogger(Joiner.class.getName());
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long FIRST_PAUSE_MILLIS = 50;
    private static final long MAX_PAUSE_MILLIS = 2_000;

    private final HazelcastInstance hz;
    private final String cache;
    private final UUID self;
    private final ITopic<byte[]> log;
    private final MemberBoard board;
    private final LogDelivery delivery;
    private final Duration timeout;
    private final BooleanSupplier closing;
    private volatile long lastJoinMillis = -1;

    /**
     * Creates the joiner of a cache.
     *
     * @param hz the member
     * @param cache the cache's name
     * @param self the replicator's id
     * @param log the cache's log
     * @param board the cache's board
     * @param delivery the delivery it fills and lets go live
     * @param timeout how long one responder is given
     * @param closing tells whether the replicator closes
     */
    Joiner(HazelcastInstance hz, String cache, UUID self, ITopic<byte[]> log, MemberBoard board,
        LogDelivery delivery, Duration timeout, BooleanSupplier closing) {
        this.hz = hz;
        this.cache = cache;
        this.self = self;
        this.log = log;
        this.board = board;
        this.delivery = delivery;
        this.timeout = timeout;
        this.closing = closing;
    }

    /** @return how long the last successful join took, in ms, from its request to going live; -1 for none */
    long lastJoinMillis() {
        return lastJoinMillis;
    }

    /**
     * Joins until it succeeds, or the replicator closes, or the delivery's generation moves on.
     *
     * @param gen the delivery's generation this join is for
     */
    void join(int gen) {
        Set<UUID> failed = new HashSet<>();
        long pause = FIRST_PAUSE_MILLIS;
        boolean announced = false;
        while (!closing.getAsBoolean() && delivery.generation() == gen && !announced) {
            try {
                if (delivery.live()) {
                    board.announceReady(gen);
                    announced = true;
                    continue;
                }
                UUID request = UUID.randomUUID();
                Choice responder = board.decide(() -> choose(gen, request, failed));
                if (responder == null) {
                    announced = true;
                    LOG.log(Level.INFO, "cache '" + cache + "': no other member holds it ready; this one starts "
                        + "it with its own contents");
                } else if (attempt(gen, request, responder)) {
                    board.announceReady(gen);
                    announced = true;
                } else {
                    failed.add(responder.member());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ReplicationException e) {
                LOG.log(Level.WARNING, e.getMessage() + "; the join goes on");
            } catch (RuntimeException e) {
                if (!hz.getLifecycleService().isRunning()) {
                    LOG.log(Level.INFO, "cache '" + cache + "': the Hazelcast member stopped; the join ends");
                    return;
                }
                LOG.log(Level.WARNING, "cache '" + cache + "': a join attempt failed; the join goes on", e);
            }
            if (!announced && !pause(pause)) {
                return;
            }
            pause = Math.min(2 * pause, MAX_PAUSE_MILLIS);
        }
    }

    /**
     * The member asked, and its entry when it was chosen.
     *
     * @param member the member's id
     * @param entry its entry then
     */
    private record Choice(UUID member, String entry) {
    }

    /**
     * Chooses the responder, under the board's lock; with none ready, goes live alone.
     *
     * @return the responder, or {@code null} if this member went live alone
     */
    private Choice choose(int gen, UUID request, Set<UUID> failed) {
        List<Member> ready = board.responders();
        if (ready.isEmpty()) {
            if (delivery.goLiveAlone(gen)) {
                board.announceReady(gen);
            }
            return null;
        }
        Member pick = ready.stream().filter(m -> !failed.contains(m.getUuid())).findFirst().orElse(null);
        if (pick == null) {
            failed.clear();
            pick = ready.get(0);
        }
        board.announceJoining(request);
        return new Choice(pick.getUuid(), board.entry(pick.getUuid()));
    }

    /**
     * Asks one responder for its snapshot and applies it.
     *
     * @return whether the delivery went live with it
     */
    private boolean attempt(int gen, UUID request, Choice responder) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        UUID member = responder.member();
        delivery.beginJoin(request);
        LogMessage.SyncRequest r = new LogMessage.SyncRequest(request, self, WallClock.epochMicros(),
            hz.getCluster().getLocalMember().getUuid(), member, System.currentTimeMillis() + timeout.toMillis());
        try {
            log.publishAsync(ChangeCodec.encode(r)).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return failed(member, "its request was not published: " + e);
        }
        if (!delivery.awaitMark(gen, request, deadline)) {
            return failed(member, "this member's reader did not reach the request in time");
        }
        IQueue<byte[]> queue = hz.getQueue(HazelcastConfigs.SYNC_QUEUE_PREFIX + request);
        try {
            return receive(gen, queue, responder, start, deadline);
        } finally {
            SnapshotSender.destroy(queue);
        }
    }

    private boolean receive(int gen, IQueue<byte[]> queue, Choice responder, long start, long deadline)
        throws InterruptedException {
        UUID member = responder.member();
        long count = 0;
        boolean cleared = false;
        for (;;) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return failed(member, "no snapshot within the sync timeout of " + timeout.toMillis() + " ms");
            }
            byte[] bytes = queue.poll(Math.min(left, POLL_NANOS), TimeUnit.NANOSECONDS);
            if (closing.getAsBoolean() || delivery.generation() != gen) {
                return false;
            }
            if (bytes == null) {
                if (!responder.entry().equals(board.entry(member))) {
                    return failed(member, "it is no longer ready as it was, or left the cluster");
                }
                continue;
            }
            SyncMessage m;
            try {
                m = ChangeCodec.decodeSync(bytes);
            } catch (IllegalArgumentException e) {
                return failed(member, "it sent a message not understood: " + e.getMessage());
            }
            if (m instanceof SyncMessage.Refused) {
                return failed(member, "it refused: " + ((SyncMessage.Refused) m).reason());
            }
            if (!cleared && !(cleared = delivery.clearForSnapshot(gen))) {
                return false;
            }
            if (m instanceof SyncMessage.Chunk) {
                if (!delivery.applySnapshot(gen, ((SyncMessage.Chunk) m).changes())) {
                    return false;
                }
                count += ((SyncMessage.Chunk) m).changes().size();
            } else {
                SyncMessage.End end = (SyncMessage.End) m;
                if (end.count() != count) {
                    return failed(member, "its snapshot ends at " + end.count() + " entries, " + count + " came");
                }
                if (!delivery.finishJoin(gen, end.marks())) {
                    return false;
                }
                lastJoinMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                LOG.log(Level.INFO, "cache '" + cache + "': joined with " + count + " entries from member " + member
                    + " in " + lastJoinMillis + " ms");
                return true;
            }
        }
    }

    private boolean failed(UUID member, String why) {
        LOG.log(Level.WARNING, "cache '" + cache + "': joining from member " + member + " failed, " + why
            + "; another is asked");
        return false;
    }

    /** Pauses between attempts; {@code false} if interrupted (the replicator closes). */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
