package io.lapse.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * Where the members replicating one cache say how far they are with it: the map
 * {@code lapse.members.<cache>}, from a member's id to {@code READY <replicator> <generation>} or
 * {@code JOINING <replicator> <request>} ({@code -} for no request yet). A joiner asks only a
 * member whose entry says it is ready, and waits for it only while that entry stays as it was (a
 * responder that lost its place and joined again since may never read the request); a responder
 * goes on sending only while the joiner's entry names the request it answers. An entry goes when its replicator closes; the entry of a member
 * no longer in the cluster is ignored, and removed by the next member that decides how to join.
 *
 * <p>Every call but {@link #claim} and the listing of entries waits at most {@value #WAIT_MILLIS} ms
 * for Hazelcast (those two, Hazelcast's own operation timeout). Thread safety: any thread,
 * except that {@link #decide} holds a cluster lock owned by the calling thread.
 */
final class MemberBoard {

    /** What a member's entry says. */
    private enum Standing { READY, JOINING }

    /** The longest wait for any one call of Hazelcast. */
    static final long WAIT_MILLIS = 10_000;
    private static final String LOCK = "decide";
    private static final String NO_REQUEST = "-";

    private final HazelcastInstance hz;
    private final String cache;
    private final IMap<String, String> map;
    private final HazelcastInstance member;
    private final UUID replicator;

    /**
     * Creates the board of a cache as this member sees it.
     *
     * @param hz the member
     * @param cache the cache's name
     * @param replicator the id of this member's replicator of the cache
     */
    MemberBoard(HazelcastInstance hz, String cache, UUID replicator) {
        this.hz = hz;
        this.cache = cache;
        this.map = hz.getMap(HazelcastConfigs.MEMBERS_MAP_PREFIX + cache);
        this.member = hz;
        this.replicator = replicator;
    }

    /**
     * Puts this member's first entry, as joining.
     *
     * @throws IllegalStateException if another replicator of this member replicates the cache
     */
    void claim() {
        String other = map.putIfAbsent(self(), joining(null));
        if (other != null && !other.contains(" " + replicator)) {
            throw new IllegalStateException("cache '" + cache + "' is replicated through member " + self()
                + " already (" + other + ")");
        }
    }

    /**
     * Says this member is ready.
     *
     * @param generation the generation of its subscription to the log
     * @throws ReplicationException if Hazelcast does not answer in time
     */
    void announceReady(int generation) {
        wait(map.setAsync(self(), "READY " + replicator + " " + generation));
    }

    /**
     * Says this member is joining.
     *
     * @param request the request it waits for; {@code null} for none yet
     * @throws ReplicationException if Hazelcast does not answer in time
     */
    void announceJoining(UUID request) {
        wait(map.setAsync(self(), joining(request)));
    }

    /** Removes this member's entry, as its replicator closes. */
    void withdraw() {
        wait(map.deleteAsync(self()));
    }

    /**
     * Runs a decision of how to join while no other member of the cluster runs one for the cache.
     *
     * @param decision the decision
     * @param <T> what it decides
     * @return what it decided
     * @throws ReplicationException if the lock is not had in time, or Hazelcast does not answer
     * @throws InterruptedException if interrupted while waiting for the lock
     */
    <T> T decide(Callable<T> decision) throws InterruptedException {
        if (!map.tryLock(LOCK, WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            throw new ReplicationException("cache '" + cache + "': another member held the join lock for "
                + WAIT_MILLIS + " ms");
        }
        try {
            return decision.call();
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ReplicationException("cache '" + cache + "': " + e.getMessage(), e);
        } finally {
            map.unlock(LOCK);
        }
    }

    /**
     * Lists the members that can answer a sync request: those of the cluster, oldest first,
     * other than this one, whose entry says they are ready. Removes the entries of members that
     * left the cluster.
     *
     * @return the members
     * @throws ReplicationException if Hazelcast does not answer in time
     */
    List<Member> responders() {
        Set<Member> members = hz.getCluster().getMembers();
        List<Member> ready = new ArrayList<>();
        List<String> present = new ArrayList<>();
        for (Member m : members) {
            String id = m.getUuid().toString();
            present.add(id);
            if (!id.equals(self()) && standing(wait(map.getAsync(id))) == Standing.READY) {
                ready.add(m);
            }
        }
        for (String id : map.keySet()) {
            if (!present.contains(id)) {
                wait(map.deleteAsync(id));
            }
        }
        return ready;
    }

    /**
     * Returns a member's entry.
     *
     * @param member the member's id
     * @return its entry, {@code null} if it has none or is not in the cluster
     * @throws ReplicationException if Hazelcast does not answer in time
     */
    String entry(UUID member) {
        return inCluster(member) ? wait(map.getAsync(member.toString())) : null;
    }

    /**
     * Tells whether a member is in the cluster with its entry saying it waits for a request.
     *
     * @param member the member's id
     * @param request the request
     * @return whether it is
     * @throws ReplicationException if Hazelcast does not answer in time
     */
    boolean isJoining(UUID member, UUID request) {
        String e = entry(member);
        return standing(e) == Standing.JOINING && e.endsWith(" " + request);
    }

    private boolean inCluster(UUID member) {
        for (Member m : hz.getCluster().getMembers()) {
            if (m.getUuid().equals(member)) {
                return true;
            }
        }
        return false;
    }

    private String joining(UUID request) {
        return "JOINING " + replicator + " " + (request == null ? NO_REQUEST : request.toString());
    }

    private static Standing standing(String entry) {
        if (entry == null) {
            return null;
        }
        return entry.startsWith("READY ") ? Standing.READY : entry.startsWith("JOINING ") ? Standing.JOINING : null;
    }

    private <T> T wait(CompletionStage<T> call) {
        try {
            return call.toCompletableFuture().get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplicationException("cache '" + cache + "': interrupted while waiting for Hazelcast", e);
        } catch (ExecutionException e) {
            throw new ReplicationException("cache '" + cache + "': Hazelcast failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ReplicationException("cache '" + cache + "': Hazelcast did not answer in " + WAIT_MILLIS
                + " ms", e);
        }
    }

    /**
     * This member's entry: read at each use, for a member that merges into a healed cluster comes
     * back with a new identity.
     */
    private String self() {
        return member.getCluster().getLocalMember().getUuid().toString();
    }
}
