package io.lapse.cluster;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
import com.hazelcast.topic.ITopic;

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
 * {@code lapse.alive.<cache>}, and how far its own expiries are delivered
 * ({@link Replica#raisedThrough}) into {@code lapse.raised.<cache>} (and reads the others' as it
 * does), and, when it stops replicating the cache, says when on the topic
 * {@code lapse.stops.<cache>} and writes it into the map {@code lapse.stopped.<cache>}, a clean
 * stop's own map, so that no beat sent before it can overwrite it. The beats a member read and
 * the stops it heard stand in for the maps when the member gone took a partition's data with it
 * (a cluster formed a moment before may have had no copy yet). When Hazelcast reports a member
 * gone, each member looks, for the keys that member owned, at the expiries it passed over: once
 * the key's partition has a new owner,
 * the new owner raises those whose deadline is later than what the gone member is taken to have
 * raised itself: everything up to a clean stop; after a crash, everything up to the last
 * delivered-through time it published, less {@link #RAISED_SLACK_MILLIS}, however far its sweeps
 * and handlers were behind (or, from a member that publishes none, up to
 * {@link #SWEEP_MARGIN_MILLIS} before its last beat). Of these, the ones it might still have
 * raised (after a crash, every one whose deadline came before it was seen gone; after a clean
 * stop, those within the margin, for its cache may expire entries until it closes) are counted as
 * {@code eventsDuplicated}. So an expiry whose owner dies around its deadline is raised at least
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
     * For a crashed member that published no delivered-through time (its replica cannot tell, or
     * it died before its first beat): how far behind its last beat its sweeps and the delivery of
     * their events are taken to have been. Only an estimate: under load a member's event queue was
     * seen holding expiries of deadlines 300 to 700 ms old (three distributions on two cores), and
     * a longer wait loses the expiries beyond it, which is why members publish the figure.
     */
    static final long SWEEP_MARGIN_MILLIS = 2_000;
    /**
     * Taken off a crashed member's published delivered-through time: for an entry a write took out
     * of its table a moment before the figure was read and reported a moment after, and for
     * rounding between the members' clocks.
     */
    static final long RAISED_SLACK_MILLIS = 100;
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
    /** How far each member's expiries are delivered ({@link Replica#raisedThrough}), as of its last beat. */
    private final IMap<UUID, Long> raised;
    /** When each member that stopped cleanly stopped. */
    private final IMap<UUID, Long> stopped;
    private final LongAdder deferred = new LongAdder();
    /** What the last departure's handover found and did, for diagnosis. */
    private volatile String lastHandover = "none";
    private final ArrayDeque<Passed> kept = new ArrayDeque<>();
    private final ScheduledExecutorService beat;
    private final UUID listener;
    /** Where members say, as they stop cleanly, when they stopped: an event to every member, kept by none. */
    private final ITopic<String> stops;
    private final UUID stopsListener;
    /** The clean stops heard on {@link #stops}, until their departure is handled. */
    private final Map<UUID, Long> heardStops = new ConcurrentHashMap<>();
    /** The other members' beats as this member last read them, for when the map loses one. */
    private final Map<UUID, Long> seenBeats = new ConcurrentHashMap<>();
    /** The other members' delivered-through times as this member last read them, likewise. */
    private final Map<UUID, Long> seenRaised = new ConcurrentHashMap<>();
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
        this.raised = hz.getMap("lapse.raised." + cache);
        this.stopped = hz.getMap("lapse.stopped." + cache);
        this.beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lapse-cluster-expiry-" + cache);
            t.setDaemon(true);
            return t;
        });
        // the member's id read at each beat: a member merged into a healed cluster has a new one
        beat.scheduleWithFixedDelay(this::beat, 0, BEAT_MILLIS, TimeUnit.MILLISECONDS);
        this.stops = hz.getTopic("lapse.stops." + cache);
        this.stopsListener = stops.addMessageListener(message -> heard(message.getMessageObject()));
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
     * Says this member is alive, and reads the others' beats: a member gone a moment after the
     * cluster formed may take a partition's data with it, and the members taking its keys over
     * then fall back on the last beat they read (beat thread).
     */
    private void beat() {
        try {
            UUID self = hz.getCluster().getLocalMember().getUuid();
            // read before the time is: what was delivered by then is delivered by the beat's time
            long through = replica.raisedThrough();
            alive.setAsync(self, wallClock.getAsLong());
            if (through != Long.MIN_VALUE) {
                raised.setAsync(self, through);
            }
            for (Member m : hz.getCluster().getMembers()) {
                if (!m.localMember()) {
                    UUID id = m.getUuid();
                    alive.getAsync(id).thenAccept(at -> {
                        if (at != null) {
                            seenBeats.merge(id, at, Math::max);
                        }
                    });
                    // the latest, not the largest: the figure goes back when a member raises an
                    // older expiry for one that left
                    raised.getAsync(id).thenAccept(at -> {
                        if (at != null) {
                            seenRaised.put(id, at);
                        }
                    });
                }
            }
        } catch (RuntimeException e) {
            // a member shutting down, or a partition between owners: the next beat tries again
            LOG.log(Level.DEBUG, "cache '" + cache + "': a beat failed: " + e);
        }
    }

    /**
     * When a member stopped cleanly: as it said on {@link #stops}, or as it wrote into
     * {@code lapse.stopped.<cache>}. Both, because a partition of a member that left a cluster
     * formed a moment before may come to a member without its data, and an event may be missed.
     *
     * @return the time it stopped, or {@code null} if it is not known to have stopped cleanly
     */
    private Long stop(UUID gone) {
        Long heard = heardStops.get(gone);
        return heard != null ? heard : stopped.get(gone);
    }

    /** A clean stop said on {@link #stops}: {@code <member id> <epoch ms>}; anything else is ignored. */
    private void heard(String said) {
        try {
            int space = said.indexOf(' ');
            heardStops.put(UUID.fromString(said.substring(0, space)), Long.parseLong(said.substring(space + 1)));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "cache '" + cache + "': a clean stop that is none: " + e);
        }
    }

    /**
     * Raises, for the keys whose partitions now belong to this member, the expiries a member that
     * left had to raise and may not have; on the beat's thread.
     */
    private void handOver(UUID gone) {
        Long stop = stop(gone);
        Long beat = alive.get(gone);
        // the beat this member read last, if the map lost the member's with its partition
        Long seen = seenBeats.remove(gone);
        if (beat == null || seen != null && seen > beat) {
            beat = seen;
        }
        Long last = stop != null ? stop : beat;
        // the figure the member wrote last; the one this member read last if the map lost it
        Long through = raised.get(gone);
        Long seenThrough = seenRaised.remove(gone);
        if (through == null) {
            through = seenThrough;
        }
        // a member that stopped cleanly wrote when it stopped: it swept up to then; a crashed one
        // said, at each beat, how far its expiries were delivered
        boolean clean = stop != null;
        long lastAlive = last == null ? 0L : last;
        long raisedUpTo = clean ? lastAlive
            : through != null ? Math.min(through, lastAlive) - RAISED_SLACK_MILLIS
            : lastAlive - SWEEP_MARGIN_MILLIS;
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
        long count = 0;
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
            count++;
            raisedForGone.increment();
            if (p.expiresAt <= mayHaveRaisedUpTo) {
                duplicated.increment();
            }
        }
        lastHandover = "member " + gone + (clean ? " stopped at " : " last beat at ") + last
            + (clean ? "" : ", delivered through " + through) + ", raised " + count + " of " + theirs.size()
            + " with deadlines after " + raisedUpTo;
        if (count > 0) {
            LOG.log(Level.INFO, "cache '" + cache + "': raised " + count + " expiries that member " + gone
                + " owned and left the cluster around");
        }
        alive.removeAsync(gone);
        raised.removeAsync(gone);
        stopped.removeAsync(gone);
        heardStops.remove(gone);
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

    /** @return what the last departure's handover found and did, in words */
    String lastHandover() {
        return lastHandover;
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
            stops.removeMessageListener(stopsListener);
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
            UUID self = hz.getCluster().getLocalMember().getUuid();
            long now = wallClock.getAsLong();
            stops.publish(self + " " + now);
            stopped.setAsync(self, now).toCompletableFuture().get(LAST_BEAT_MILLIS, TimeUnit.MILLISECONDS);
            // and held by a backup, which takes over its partition when this member leaves: in a
            // cluster formed a moment ago the partition may have none yet
            if (!hz.getPartitionService().forceLocalMemberToBeSafe(LAST_BEAT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "cache '" + cache + "': its clean stop may not outlive this member: its partitions"
                    + " were not copied to their backups within " + LAST_BEAT_MILLIS + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "cache '" + cache + "': its clean stop could not be recorded, so the members that take "
                + "its keys over may raise again expiries it raised: " + e);
        }
    }
}
