package io.lapse.cluster;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;

import io.lapse.cache.replication.Replica;
import io.lapse.cache.replication.ReplicaChange;
import io.lapse.cache.replication.ReplicaOutbox;

/**
 * Replicates one cache through one Hazelcast member: carries the changes its {@link Replica}
 * offers to the cache's log (the reliable topic {@code lapse.<cache>}, see
 * {@link HazelcastConfigs}), and hands every change the log brings back to the replica, in the
 * log's order, as every member replicating the cache does. One per cache and member.
 *
 * <h2>Parts</h2>
 * <ul>
 * <li>{@link ChangeSender}: the replica's outbox, a bounded queue, and its thread
 *     {@code lapse-cluster-send-<cache>}, which publishes in order.</li>
 * <li>{@link LogListener} and {@link LogDelivery}: read the log, acknowledge this node's own
 *     changes and apply the others', skip duplicates, and record the lag of remote changes.</li>
 * <li>{@link Joiner} and {@link SnapshotSender}, on the thread {@code lapse-cluster-sync-<cache>}:
 *     a node that starts, or loses its place in the log, fills the cache from a ready member's
 *     snapshot taken at a point of the log, holding back the changes read after that point
 *     meanwhile, and only then applies changes as they come ({@link ReplicatorState#READY}); a
 *     ready node answers the others' requests. The first member to replicate a cache is ready at
 *     once, with its own contents. A joining node's own contents are replaced by the snapshot,
 *     but for the keys it changes meanwhile.</li>
 * <li>{@link MemberBoard}: where members say they are ready, or joining.</li>
 * <li>{@link ExpiryHandover}: this member raises the expiry of a key whose partition it owns
 *     (and, while a partition has no owner, during a migration, of its keys too: an event twice
 *     rather than none), and the expiries a member that left may not have raised, for the keys
 *     whose partitions it takes over.</li>
 * </ul>
 *
 * <h2>Losing its place</h2>
 * When Hazelcast finds the reader behind what the log still holds, it ends the subscription;
 * the replicator subscribes anew, disconnects and reconnects the replica and joins again.
 * Reconnecting makes the replica forget its unsent keys and the changes it had on their way:
 * those still come through the log, and are applied here as any node's; an unsent key's change,
 * and a change made in the instant between, are not sent and give way here to the snapshot.
 * Counted as a rejoin.
 *
 * <p>The member's configuration must hold {@link HazelcastConfigs#addStructures(com.hazelcast.config.Config)
 * Lapse's structures}. Thread safety: all methods may be called from any thread.
 */
public final class CacheReplicator implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CacheReplicator.class.getName());
    private static final long STOP_MILLIS = 5_000;

    private final HazelcastInstance hz;
    private final Replica replica;
    private final String cache;
    private final UUID id = UUID.randomUUID();
    private final ITopic<byte[]> log;
    private final ExecutorService sync;
    private final MemberBoard board;
    private final SnapshotSender snapshots;
    private final LogDelivery delivery;
    private final ChangeSender sender;
    private final Joiner joiner;
    private final ExpiryHandover expiry;
    private final SplitChanges split = new SplitChanges();
    /** Offers to the sender, noting what this member changes while it sees fewer members. */
    private final ReplicaOutbox outbox;
    private final UUID membership;
    private final UUID lifecycleListener;
    /** What a merge into a healed cluster puts back once the member has joined; sync thread only. */
    private List<ReplicaChange> mergeBack = List.of();
    private final LongAdder rejoins = new LongAdder();
    private final LongAdder mergesPutBack = new LongAdder();
    /** Orders a close against a rejoin's reconnection of the replica. */
    private final Object lifecycle = new Object();
    private volatile UUID subscription;
    private volatile boolean closed;

    private CacheReplicator(HazelcastInstance hz, Replica replica, ReplicatorSettings settings) {
        this.hz = hz;
        this.replica = replica;
        this.cache = replica.name();
        this.log = hz.getReliableTopic(HazelcastConfigs.LOG_PREFIX + cache);
        this.sync = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lapse-cluster-sync-" + cache);
            t.setDaemon(true);
            return t;
        });
        this.board = new MemberBoard(hz, cache, id);
        this.snapshots = new SnapshotSender(hz, cache, board, () -> closed);
        this.delivery = new LogDelivery(cache, replica, id, () -> hz.getCluster().getLocalMember().getUuid(),
            new LogDelivery.Requests() {
                @Override
                public void serve(LogMessage.SyncRequest r, List<ReplicaChange> snapshot, Map<UUID, Long> marks) {
                    submit(() -> snapshots.serve(r, snapshot, marks));
                }

                @Override
                public void refuse(LogMessage.SyncRequest r, String reason) {
                    submit(() -> snapshots.refuse(r, reason));
                }
            });
        this.sender = new ChangeSender(cache, id, log, replica, settings.outboxCapacity());
        this.joiner = new Joiner(hz, cache, id, log, board, delivery, settings.syncTimeout(), () -> closed);
        this.expiry = new ExpiryHandover(hz, cache, replica, System::currentTimeMillis);
        this.outbox = change -> {
            split.note(change);
            return sender.offer(change);
        };
        split.members(hz.getCluster().getMembers().size());
        this.membership = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                split.members(event.getMembers().size());
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                split.members(event.getMembers().size());
            }
        });
        this.lifecycleListener = hz.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGING) {
                submit(this::captureForMerge);
            } else if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                submit(this::mergeBack);
            }
        });
    }

    /**
     * Starts replicating a cache: subscribes to its log, connects the replica, and joins on the
     * sync thread; the replicator is {@link ReplicatorState#JOINING} until the join is done
     * ({@link #awaitReady}).
     *
     * @param hz the member, running, configured with Lapse's structures
     * @param replica the cache's replica
     * @param settings the settings
     * @return the replicator
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalStateException if the replica is connected to another outbox, or its cache
     *     is closed, or another replicator of this member replicates the cache
     */
    public static CacheReplicator start(HazelcastInstance hz, Replica replica, ReplicatorSettings settings) {
        CacheReplicator r = new CacheReplicator(Objects.requireNonNull(hz, "hz"),
            Objects.requireNonNull(replica, "replica"), Objects.requireNonNull(settings, "settings"));
        r.open();
        return r;
    }

    private void open() {
        boolean claimed = false;
        try {
            board.claim();
            claimed = true;
            subscription = log.addMessageListener(new LogListener(cache, 0, delivery, this::lost));
            replica.connect(outbox, expiry);
        } catch (RuntimeException e) {
            closed = true;
            delivery.close();
            UUID s = subscription;
            if (s != null) {
                quietly("removing the subscription", () -> log.removeMessageListener(s));
            }
            if (claimed) {
                quietly("withdrawing from the board", board::withdraw);
            }
            quietly("stopping the expiry handover", expiry::close);
            quietly("removing the membership listener", () -> hz.getCluster().removeMembershipListener(membership));
            quietly("removing the lifecycle listener", () -> hz.getLifecycleService().removeLifecycleListener(lifecycleListener));
            sync.shutdownNow();
            throw e;
        }
        sender.start();
        submit(() -> joiner.join(0));
    }

    /** @return the cache's name */
    public String cacheName() {
        return cache;
    }

    /** @return where the replicator is */
    public ReplicatorState state() {
        return closed ? ReplicatorState.CLOSED : delivery.live() ? ReplicatorState.READY : ReplicatorState.JOINING;
    }

    /**
     * Waits until the replicator is ready.
     *
     * @param timeout how long at most
     * @return whether it is ready; {@code false} if the time passed or it closed
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return delivery.awaitLive(timeout.toNanos()) && !closed;
    }

    /** @return the figures now */
    public ReplicatorFigures figures() {
        LagHistogram lag = delivery.lag();
        return new ReplicatorFigures(cache, state(), members(), sender.sent(), delivery.received(), sender.dropped(),
            delivery.rejected(), rejoins.sum(), joiner.lastJoinMillis(), lag.percentileMillis(0.5),
            lag.percentileMillis(0.99), lag.maxMillis(), expiry.raisedForGone(), expiry.duplicated());
    }

    private int members() {
        try {
            return hz.getCluster().getMembers().size();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** @return whether this node has nothing waiting to be published, nor unsent keys */
    boolean idle() {
        return sender.idle() && replica.unsent() == 0;
    }

    /** @return the ringbuffer sequence of the last message of the log read, -1 for none */
    long position() {
        return delivery.position();
    }

    /** @return who raises this cache's expiries, and raises those of members that left */
    ExpiryHandover expiryHandover() {
        return expiry;
    }

    /** @return how many changes merges into a healed cluster put back into the log */
    long mergedBack() {
        return mergesPutBack.sum();
    }

    /** @return how many changes were skipped as duplicates */
    long duplicates() {
        return delivery.duplicates();
    }

    /**
     * Stops replicating: disconnects the replica, lets the sender publish what is queued for a
     * bounded time, ends the subscription and the sync thread, and removes this member's entry
     * from the board. Does nothing if closed already.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            quietly("disconnecting the replica", replica::disconnect);
        }
        sender.close();
        UUID s = subscription;
        quietly("removing the subscription", () -> log.removeMessageListener(s));
        delivery.close();
        sync.shutdownNow();
        try {
            if (!sync.awaitTermination(STOP_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "cache '" + cache + "': the sync thread did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        quietly("withdrawing from the board", board::withdraw);
        quietly("stopping the expiry handover", expiry::close);
        quietly("removing the membership listener", () -> hz.getCluster().removeMembershipListener(membership));
        quietly("removing the lifecycle listener", () -> hz.getLifecycleService().removeLifecycleListener(lifecycleListener));
    }

    // ---------------------------------------------------------------------------- internals

    /**
     * As a healed split merges this member into the larger side: notes the state of what it changed
     * on its own side, before the larger side's contents replace it (sync thread).
     */
    private void captureForMerge() {
        Set<String> keys = split.takeForMerge();
        List<ReplicaChange> live = new ArrayList<>();
        replica.snapshot(live::add);
        mergeBack = SplitChanges.restoring(keys, live);
    }

    /**
     * Once merged: joins the larger side's log from a snapshot, then puts this side's changes back
     * into it, under a sender id of their own, so that every member, this one included, applies
     * them after the larger side's (sync thread).
     */
    private void mergeBack() {
        List<ReplicaChange> changes = mergeBack;
        mergeBack = List.of();
        LOG.log(Level.WARNING, "cache '" + cache + "': this member merged into a healed cluster; it joins again and "
            + "puts back " + changes.size() + " changes made on its side of the split");
        rejoin(delivery.generation());
        if (closed) {
            return;
        }
        UUID merger = UUID.randomUUID();
        long seq = 0;
        for (int from = 0; from < changes.size(); from += ChangeSender.BATCH) {
            List<byte[]> batch = new ArrayList<>();
            for (ReplicaChange c : changes.subList(from, Math.min(changes.size(), from + ChangeSender.BATCH))) {
                batch.add(ChangeCodec.encode(new LogMessage.Change(merger, ++seq, WallClock.epochMicros(), c)));
            }
            if (!publishUntilClosed(batch)) {
                return;
            }
            mergesPutBack.add(batch.size());
        }
    }

    /**
     * Publishes a batch, again after a pause that doubles up to a second while it fails, until
     * it goes or the replicator closes (sync thread).
     *
     * @return whether it went
     */
    private boolean publishUntilClosed(List<byte[]> batch) {
        for (long pause = 5;; pause = Math.min(2 * pause, 1_000)) {
            try {
                log.publishAll(batch);
                return true;
            } catch (ExecutionException | RuntimeException e) {
                LOG.log(Level.INFO, "cache '" + cache + "': putting back changes of this side of the split failed; "
                    + "trying again: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (closed) {
                return false;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Hazelcast ended the subscription of a generation: joins again, unless that is old news. */
    private void lost(int gen) {
        if (!closed && gen == delivery.generation()) {
            submit(() -> rejoin(gen));
        }
    }

    private void rejoin(int gen) {
        if (closed || gen != delivery.generation() || !hz.getLifecycleService().isRunning()) {
            return;
        }
        rejoins.increment();
        LOG.log(Level.WARNING, "cache '" + cache + "': this member lost its place in the log; it joins again");
        int next = delivery.restart();
        quietly("announcing the join", () -> board.announceJoining(null));
        UUID old = subscription;
        quietly("removing the old subscription", () -> log.removeMessageListener(old));
        try {
            subscription = log.addMessageListener(new LogListener(cache, next, delivery, this::lost));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "cache '" + cache + "': subscribing to the log again failed; replication stops", e);
            return;
        }
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            replica.disconnect();
            delivery.ackFloor(sender.offered() + 1);
            replica.connect(outbox, expiry);
        }
        joiner.join(next);
    }

    private void submit(Runnable task) {
        try {
            sync.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "cache '" + cache + "': a sync task failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // closing: nothing is joined or served any more
        }
    }

    private void quietly(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "cache '" + cache + "': " + what + " failed: " + e);
        }
    }
}
