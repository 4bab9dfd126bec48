package io.lapse.cluster;

import java.lang.System.Logger.Level;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.hazelcast.core.HazelcastInstance;

import io.lapse.cache.replication.Replica;
import io.lapse.cache.replication.ReplicationStatus;

/**
 * This node's part in the cluster: one Hazelcast member (its own, or another bundle's), and a
 * {@link CacheReplicator} for every {@link Replica} it is given, each with its
 * {@link ReplicationStatus} published while it runs.
 *
 * <p>Every step that may wait for the network (starting or joining the member, starting and
 * closing a replicator, shutting the member down) runs on the node's own thread,
 * {@code lapse-cluster-node}, in the order the steps were asked for: the callers (a component's
 * activation, a service event) never wait for the network. {@link #close()} waits for the steps
 * already asked for, for a bounded time, and then for nothing.
 *
 * <p>Thread safety: all methods may be called from any thread; the state below is touched only
 * on the node's thread.
 */
public final class ClusterNode implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterNode.class.getName());
    private static final long CLOSE_MILLIS = 30_000;

    /** Publishes the status of a replicated cache, and withdraws it. */
    public interface StatusBoard {
        /**
         * Publishes a status.
         *
         * @return a handle for {@link #withdraw}
         */
        Object publish(String cache, ReplicationStatus status);

        /** Withdraws what {@link #publish} returned. */
        void withdraw(Object handle);
    }

    private final StatusBoard board;
    private final ReplicatorSettings settings;
    private final ExecutorService steps = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "lapse-cluster-node");
        t.setDaemon(true);
        return t;
    });
    // on the node's thread only
    private HazelcastInstance member;
    private boolean owned;
    private final Map<Replica, Running> running = new IdentityHashMap<>();

    /** A replicator and the handle of its published status. */
    private static final class Running {
        final CacheReplicator replicator;
        final Object published;

        Running(CacheReplicator replicator, Object published) {
            this.replicator = replicator;
            this.published = published;
        }
    }

    /**
     * Creates a node that has no member yet.
     *
     * @param board where the statuses go
     * @param settings the replicators' settings
     */
    public ClusterNode(StatusBoard board, ReplicatorSettings settings) {
        this.board = Objects.requireNonNull(board, "board");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Starts (or takes) the member, on the node's thread, and replicates every replica given
     * so far and from then on.
     *
     * @param instance makes or finds the member; called on the node's thread
     * @param ownIt whether the node shuts the member down when it stops (one it started), or
     *     leaves it running (another bundle's)
     */
    public void start(Supplier<HazelcastInstance> instance, boolean ownIt) {
        step("starting the Hazelcast member", () -> {
            HazelcastInstance hz = instance.get();
            if (!ownIt) {
                HazelcastConfigs.addStructures(hz);
            }
            member = hz;
            owned = ownIt;
            LOG.log(Level.INFO, "Lapse cluster: member " + hz.getCluster().getLocalMember().getAddress() + " of cluster '"
                + hz.getConfig().getClusterName() + "' with " + hz.getCluster().getMembers().size() + " member(s)");
            for (Map.Entry<Replica, Running> e : running.entrySet()) {
                if (e.getValue() == null) {
                    e.setValue(replicate(e.getKey()));
                }
            }
        });
    }

    /** Replicates a cache, once the member runs. */
    public void add(Replica replica) {
        Objects.requireNonNull(replica, "replica");
        step("replicating cache '" + replica.name() + "'", () -> {
            if (running.containsKey(replica)) {
                return;
            }
            running.put(replica, member == null ? null : replicate(replica));
        });
    }

    /** Stops replicating a cache. */
    public void remove(Replica replica) {
        step("stopping the replication of cache '" + replica.name() + "'", () -> stop(running.remove(replica)));
    }

    private Running replicate(Replica replica) {
        CacheReplicator r = CacheReplicator.start(member, replica, settings);
        return new Running(r, board.publish(replica.name(), new ReplicatorStatus(r, member)));
    }

    private void stop(Running r) {
        if (r == null) {
            return;
        }
        try {
            board.withdraw(r.published);
        } finally {
            r.replicator.close();
        }
    }

    /** Runs a step on the node's thread; a failed step is logged with what it was, never thrown. */
    private void step(String what, Runnable step) {
        try {
            steps.execute(() -> {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "Lapse cluster: " + what + " failed: " + e, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "Lapse cluster: stopped, so not " + what);
        }
    }

    /**
     * Stops every replicator, then the member if the node started it, and the node's thread:
     * waits up to 30 seconds for the steps already asked for.
     */
    @Override
    public void close() {
        step("stopping", () -> {
            running.values().forEach(this::stop);
            running.clear();
            if (owned && member != null) {
                member.shutdown();
            }
            member = null;
        });
        steps.shutdown();
        try {
            if (!steps.awaitTermination(CLOSE_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "Lapse cluster: the node's thread did not stop within " + CLOSE_MILLIS + " ms");
                steps.shutdownNow();
            }
        } catch (InterruptedException e) {
            steps.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
