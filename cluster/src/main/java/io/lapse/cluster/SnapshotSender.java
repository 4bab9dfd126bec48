package io.lapse.cluster;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastInstance;

import io.lapse.cache.replication.ReplicaChange;

/**
 * The responder's side of a join: sends a snapshot, taken at the request's point of the log,
 * through the request's queue {@code lapse.sync.<request>}, in chunks of at most
 * {@value #CHUNK_CHANGES} puts or about {@value #CHUNK_BYTES} bytes, then an end marker with the
 * count and the responder's highest numbers of each sender. The queue holds a few chunks
 * ({@link HazelcastConfigs#SYNC_QUEUE_CHUNKS}): the responder sends as fast as the joiner takes.
 *
 * <p>It gives up, destroying the queue, once the request's deadline passes, a chunk cannot be
 * put before it, the joiner's entry on the {@link MemberBoard} no longer names the request (it
 * gave up, or left), or the replicator closes; otherwise the joiner destroys the queue once it
 * read it. Runs on the replicator's sync thread, one transfer at a time.
 */
final class SnapshotSender {

    private static final System.Logger LOG = System.getLogger(SnapshotSender.class.getName());
    /** The most puts in a chunk. */
    static final int CHUNK_CHANGES = 1_000;
    /** About the most bytes in a chunk; a single larger value makes a chunk of its own. */
    static final long CHUNK_BYTES = 1 << 20;
    /** How often the joiner's entry is looked at while sending. */
    private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final HazelcastInstance hz;
    private final String cache;
    private final MemberBoard board;
    private final BooleanSupplier closing;

    /**
     * Creates the sender of a cache's snapshots.
     *
     * @param hz the member
     * @param cache the cache's name
     * @param board the cache's board
     * @param closing tells whether the replicator closes
     */
    SnapshotSender(HazelcastInstance hz, String cache, MemberBoard board, BooleanSupplier closing) {
        this.hz = hz;
        this.cache = cache;
        this.board = board;
        this.closing = closing;
    }

    /** One transfer's progress. */
    private final class Transfer {
        final LogMessage.SyncRequest request;
        final IQueue<byte[]> queue;
        long checked = System.nanoTime() - CHECK_NANOS;

        Transfer(LogMessage.SyncRequest request) {
            this.request = request;
            this.queue = hz.getQueue(HazelcastConfigs.SYNC_QUEUE_PREFIX + request.request());
        }

        /** Puts one message on the queue, unless it is time to give up. */
        boolean put(byte[] message) throws InterruptedException {
            long left = request.deadlineMillis() - System.currentTimeMillis();
            String stop = closing.getAsBoolean() ? "this replicator closes"
                : left <= 0 ? "the request's deadline passed" : null;
            if (stop == null && System.nanoTime() - checked >= CHECK_NANOS) {
                checked = System.nanoTime();
                stop = board.isJoining(request.joinerMember(), request.request()) ? null
                    : "the joiner no longer waits for it";
            }
            if (stop == null && !queue.offer(message, left, TimeUnit.MILLISECONDS)) {
                stop = "the joiner took nothing until the deadline";
            }
            if (stop != null) {
                LOG.log(Level.INFO, "cache '" + cache + "': the snapshot for member " + request.joinerMember()
                    + " is abandoned: " + stop);
            }
            return stop == null;
        }
    }

    /**
     * Sends a snapshot.
     *
     * @param request the request it answers
     * @param snapshot the puts
     * @param marks the highest number read from each sender at the request's point
     */
    void serve(LogMessage.SyncRequest request, List<ReplicaChange> snapshot, Map<UUID, Long> marks) {
        long start = System.nanoTime();
        Transfer t = null;
        boolean done = false;
        try {
            t = new Transfer(request);
            List<ReplicaChange> chunk = new ArrayList<>();
            long bytes = 0;
            for (ReplicaChange c : snapshot) {
                chunk.add(c);
                bytes += ChangeCodec.estimate(c);
                if (chunk.size() == CHUNK_CHANGES || bytes >= CHUNK_BYTES) {
                    if (!t.put(ChangeCodec.encodeChunk(chunk))) {
                        return;
                    }
                    chunk.clear();
                    bytes = 0;
                }
            }
            if (!chunk.isEmpty() && !t.put(ChangeCodec.encodeChunk(chunk))) {
                return;
            }
            done = t.put(ChangeCodec.encode(new SyncMessage.End(snapshot.size(), marks)));
            if (done) {
                LOG.log(Level.INFO, "cache '" + cache + "': sent " + snapshot.size() + " entries to member "
                    + request.joinerMember() + " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                    + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cache '" + cache + "': the snapshot for member " + request.joinerMember()
                + " failed: " + e);
        } finally {
            if (!done && t != null) {
                destroy(t.queue);
            }
        }
    }

    /**
     * Tells a joiner that this member will not answer its request.
     *
     * @param request the request
     * @param reason why
     */
    void refuse(LogMessage.SyncRequest request, String reason) {
        try {
            IQueue<byte[]> queue = hz.getQueue(HazelcastConfigs.SYNC_QUEUE_PREFIX + request.request());
            queue.offer(ChangeCodec.encode(new SyncMessage.Refused(reason)), MemberBoard.WAIT_MILLIS,
                TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "cache '" + cache + "': the refusal of a request failed: " + e);
        }
    }

    /**
     * Destroys a transfer's queue, quietly: the member may be shutting down.
     *
     * @param queue the queue
     */
    static void destroy(IQueue<byte[]> queue) {
        try {
            queue.destroy();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "the queue " + queue.getName() + " was not destroyed: " + e);
        }
    }
}
