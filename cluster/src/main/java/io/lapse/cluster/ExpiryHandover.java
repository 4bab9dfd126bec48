package io.lapse.cluster;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import io.lapse.cache.replication.ExpiryOwnership;
import io.lapse.cache.replication.Replica;

/**
 * Which member raises the expiry of a key of one cache, and what happens to the expiries an owner
 * may not have raised because it left the cluster around their deadlines.
 *
 * <h2>The owner</h2>
 * The member that owns the key's Hazelcast partition raises it. While a partition has no owner
 * (during a migration after a member left), each member that expires the entry waits for the
 * partition to land, and the member it lands on raises it: once.
 *
 * <h2>An owner that leaves</h2>
 * Every member keeps, for {@link #WINDOW_MILLIS}, the expiries it passed over because another
 * member owned the key (key, value, deadline, owner). Every member also writes, every
 * {@link #BEAT_MILLIS}, the wall-clock time it was last alive into the map
 * {@code lapse.alive.<cache>}, and, when it stops replicating the cache, the time it stopped into
 * the map {@code lapse.stopped.<cache>}, a clean stop's own map, so that no beat sent before it
 * (a write Hazelcast retries after a migration lands late) can overwrite it. When Hazelcast reports a member gone, each member looks, for the keys
 * that member owned, at the expiries it passed over: once the key's partition has a new owner,
 * the new owner raises those whose deadline is later than what the gone member is taken to have
 * raised itself: everything up to a clean stop, or up to {@link #SWEEP_MARGIN_MILLIS} before its
 * last beat after a crash. Of these, the ones it might still have raised (after a crash, every
 * one whose deadline came before it was seen gone; after a clean stop, those within the margin,
 * for its cache may expire entries until it closes) are counted as {@code eventsDuplicated}. So an expiry whose owner dies around its deadline is raised at least
 * once, and at most twice, and the second time is counted.
 *
 * <p>Hazelcast must notice a member gone within the window: the member the bundle starts is
 * configured so ({@link HazelcastConfigs}); a member of another bundle's keeps its own failure
 * detection, and an owner that Hazelcast takes longer to declare gone than the window loses the
 * expiries it did not raise.
 *
 * <p>Thread safety: {@link #raisesExpired} and {@link #passed} are called by the threads that
 * expire entries, the membership callbacks by Hazelcast's event thread; the kept expiries are
 * guarded by their own monitor. The work after a member leaves runs on the beat's own thread.
 */
final class ExpiryHandover implements ExpiryOwnership, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ExpiryHandover.class.getName());
    /** How long passed expiries are kept: longer than Hazelcast takes to declare a member gone. */
    static final long WINDOW_MILLIS = 30_000;
    /** How often a member says it is alive. */
    static final long BEAT_MILLIS = 200;
    /**
     * How far behind its last beat a member's sweeps and the delivery of their events may have
     * been: a sweep is a resolution (10 ms by default) late when all is well, but an event taken
     * out and still queued for its handlers dies with the member, and under load that queue was
     * seen holding events of deadlines 300 ms old (three distributions on two cores). Wide, since
     * an expiry raised twice is counted and one never raised is lost.
     */
    static final long SWEEP_MARGIN_MILLIS = 2_000;
    /** The most passed expiries kept; past it the oldest go first (counted). */
    static final int MAX_KEPT = 1_000_000;
    private static final long OWNER_WAIT_MILLIS = 30_000;

    /** An expiry passed over. */
    private static final class Passed {
        final String key;
        final Object value;
        final long expiresAt;
        final UUID owner;
        final long at;
        final String group;

        Passed(String key, Object value, long expiresAt, UUID owner, long at, String group) {
            this.key = key;
            this.value = value;
            this.expiresAt = expiresAt;
            this.owner = owner;
            this.at = at;
            this.group = group;
        }
    }

    /** How long a close waits for the beat thread to stop, and then for its stop to be written. */
    static final long LAST_BEAT_MILLIS = 1_000;

    private final HazelcastInstance hz;
    private final String cache;
    private final Replica replica;
    private final LongSupplier wallClock;
    private final IMap<UUID, Long> alive;
    /** When each member that stopped cleanly stopped. */
    private final IMap<UUID, Long> stopped;
    private final LongAdder deferred = new LongAdder();
    private final ArrayDeque<Passed> kept = new ArrayDeque<>();
    private final ScheduledExecutorService beat;
    private final UUID listener;
    private final LongAdder raisedForGone = new LongAdder();
    private final LongAdder duplicated = new LongAdder();
    private final LongAdder overflowed = new LongAdder();
    private final LongAdder departures = new LongAdder();
    /** When this member last saw another gone (wall clock); beat thread only. */
    private long lastDeparture;

    ExpiryHandover(HazelcastInstance hz, String cache, Replica replica, LongSupplier wallClock) {
        this.hz = hz;
        this.cache = cache;
        this.replica = replica;
        this.wallClock = wallClock;
        this.alive = hz.getMap("lapse.alive." + cache);
        this.stopped = hz.getMap("lapse.stopped." + cache);
        this.beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lapse-cluster-expiry-" + cache);
            t.setDaemon(true);
            return t;
        });
        // the member's id read at each beat: a member merged into a healed cluster has a new one
        beat.scheduleWithFixedDelay(() -> alive.setAsync(hz.getCluster().getLocalMember().getUuid(),
            wallClock.getAsLong()), 0, BEAT_MILLIS, TimeUnit.MILLISECONDS);
        this.listener = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                Member gone = event.getMember();
                beat.execute(() -> handOver(gone.getUuid()));
            }
        });
    }

    @Override
    public boolean raisesExpired(String cacheName, String key) {
        Member owner = hz.getPartitionService().getPartition(key).getOwner();
        return owner != null && owner.localMember();
    }

    @Override
    public void passed(String cacheName, String key, Object value, long expiresAtMillis) {
        passed(cacheName, key, value, expiresAtMillis, null);
    }

    @Override
    public void passed(String cacheName, String key, Object value, long expiresAtMillis, String group) {
        Member owner = hz.getPartitionService().getPartition(key).getOwner();
        if (owner != null && owner.localMember()) {
            // the partition moved here since: raise it now, as its owner
            replica.raiseExpired(key, value, expiresAtMillis, group);
            return;
        }
        Object copy = value instanceof byte[] ? ((byte[]) value).clone() : value;
        if (owner == null || !hz.getCluster().getMembers().contains(owner)) {
            // (an owner already gone from the member list is a partition about to move)
            // no owner while the partition migrates: the member it lands on raises it, once
            deferred.increment();
            long since = System.nanoTime();
            beat.execute(() -> raiseOnceOwned(new Passed(key, copy, expiresAtMillis, null, wallClock.getAsLong(), group), since));
            return;
        }
        long now = wallClock.getAsLong();
        synchronized (kept) {
            prune(now);
            if (kept.size() >= MAX_KEPT) {
                kept.pollFirst();
                overflowed.increment();
            }
            kept.addLast(new Passed(key, copy, expiresAtMillis, owner.getUuid(), now, group));
        }
    }

    private void prune(long now) {
        while (!kept.isEmpty() && now - kept.peekFirst().at > WINDOW_MILLIS) {
            kept.pollFirst();
        }
    }

    /**
     * Raises, for the keys whose partitions now belong to this member, the expiries a member that
     * left had to raise and may not have; on the beat's thread.
     */
    private void handOver(UUID gone) {
        Long stop = stopped.get(gone);
        Long last = stop != null ? stop : alive.get(gone);
        // a member that stopped cleanly wrote when it stopped: it swept up to then
        boolean clean = stop != null;
        long lastAlive = last == null ? 0L : last;
        long raisedUpTo = clean ? lastAlive : lastAlive - SWEEP_MARGIN_MILLIS;
        // the gone member may have raised anything whose deadline came before it was seen gone
        long noticed = wallClock.getAsLong();
        lastDeparture = Math.max(lastDeparture, noticed);
        long mayHaveRaisedUpTo = clean ? lastAlive + SWEEP_MARGIN_MILLIS : noticed;
        List<Passed> theirs = new ArrayList<>();
        synchronized (kept) {
            for (Iterator<Passed> it = kept.iterator(); it.hasNext();) {
                Passed p = it.next();
                if (p.owner.equals(gone)) {
                    theirs.add(p);
                    it.remove();
                }
            }
        }
        long raised = 0;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OWNER_WAIT_MILLIS);
        for (Passed p : theirs) {
            if (p.expiresAt <= raisedUpTo) {
                continue;
            }
            Member owner = ownerOf(p.key, gone, deadline);
            if (owner == null || !owner.localMember()) {
                continue;
            }
            replica.raiseExpired(p.key, p.value, p.expiresAt, p.group);
            raised++;
            raisedForGone.increment();
            if (p.expiresAt <= mayHaveRaisedUpTo) {
                duplicated.increment();
            }
        }
        if (raised > 0) {
            LOG.log(Level.INFO, "cache '" + cache + "': raised " + raised + " expiries that member " + gone
                + " owned and left the cluster around");
        }
        alive.removeAsync(gone);
        stopped.removeAsync(gone);
        departures.increment();
    }

    /**
     * Raises an expiry passed over while its partition had no owner, here if the partition lands
     * here, as soon as it has an owner again (beat thread; looks again every 50 ms). One a
     * departure may have left unraised counts as possibly duplicated, as in {@link #handOver}.
     * After {@link #OWNER_WAIT_MILLIS} without an owner it is raised here: twice rather than never.
     */
    private void raiseOnceOwned(Passed p, long sinceNanos) {
        Member owner = hz.getPartitionService().getPartition(p.key).getOwner();
        boolean waitedTooLong = System.nanoTime() - sinceNanos > TimeUnit.MILLISECONDS.toNanos(OWNER_WAIT_MILLIS);
        if (owner == null && !waitedTooLong) {
            beat.schedule(() -> raiseOnceOwned(p, sinceNanos), 50, TimeUnit.MILLISECONDS);
            return;
        }
        if (owner == null || owner.localMember()) {
            replica.raiseExpired(p.key, p.value, p.expiresAt, p.group);
            raisedForGone.increment();
            if (owner == null || p.expiresAt <= lastDeparture) {
                duplicated.increment();
            }
        }
    }

    /** The key's owner once it is no longer the member gone; {@code null} if none by the deadline. */
    private Member ownerOf(String key, UUID gone, long deadlineNanos) {
        for (;;) {
            Member owner = hz.getPartitionService().getPartition(key).getOwner();
            if (owner != null && !owner.getUuid().equals(gone)) {
                return owner;
            }
            if (System.nanoTime() > deadlineNanos) {
                return null;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** @return expiries raised here for members that left, counted once each */
    long raisedForGone() {
        return raisedForGone.sum();
    }

    /** @return of those, the ones the member gone may have raised as well */
    long duplicated() {
        return duplicated.sum();
    }

    /** @return how many members that left this one has handled */
    long departures() {
        return departures.sum();
    }

    /** @return expiries passed over while their key's partition had no owner, left to the member it lands on */
    long deferred() {
        return deferred.sum();
    }

    /** @return passed expiries dropped because more than {@link #MAX_KEPT} were kept */
    long overflowed() {
        return overflowed.sum();
    }

    @Override
    public void close() {
        try {
            hz.getCluster().removeMembershipListener(listener);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "cache '" + cache + "': the membership listener could not be removed: " + e);
        }
        beat.shutdownNow();
        if (!hz.getLifecycleService().isRunning()) {
            // the member is gone already: its departure is a crash's, with nothing to record
            return;
        }
        try {
            // no beat after the stop, so that the stop is the last word of this member
            if (!beat.awaitTermination(LAST_BEAT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.log(Level.DEBUG, "cache '" + cache + "': its beat did not stop within " + LAST_BEAT_MILLIS + " ms");
            }
            // stopped cleanly, having raised what it owned until now; waited for, within a bound,
            // so that it lands before the member leaves
            stopped.setAsync(hz.getCluster().getLocalMember().getUuid(), wallClock.getAsLong()).toCompletableFuture()
                .get(LAST_BEAT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "cache '" + cache + "': its clean stop could not be recorded, so the members that take "
                + "its keys over may raise again expiries it raised: " + e);
        }
    }
}
