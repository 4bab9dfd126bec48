package io.lapse.cluster;

import java.util.ArrayList;
import java.util.List;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;

import io.lapse.cache.replication.ReplicationStatus;

/**
 * A {@link CacheReplicator}'s figures as the {@link ReplicationStatus} service the management
 * bundle reads: each call reads the replicator's figures of that moment, or the member list
 * Hazelcast holds, without a network call; nothing is thrown.
 */
final class ReplicatorStatus implements ReplicationStatus {

    private final CacheReplicator replicator;
    private final HazelcastInstance member;

    ReplicatorStatus(CacheReplicator replicator, HazelcastInstance member) {
        this.replicator = replicator;
        this.member = member;
    }

    @Override
    public State state() {
        return State.valueOf(replicator.state().name());
    }

    @Override
    public List<String> members() {
        List<String> members = new ArrayList<>();
        try {
            Member local = member.getCluster().getLocalMember();
            members.add(address(local));
            for (Member m : member.getCluster().getMembers()) {
                if (!m.localMember()) {
                    members.add(address(m));
                }
            }
        } catch (RuntimeException e) {
            // a member shutting down knows no cluster any more: no one but this node, then
            if (members.isEmpty()) {
                members.add("this node (stopping)");
            }
        }
        return members;
    }

    private static String address(Member m) {
        return m.getAddress().getHost() + ":" + m.getAddress().getPort();
    }

    @Override
    public long changesSent() {
        return replicator.figures().changesSent();
    }

    @Override
    public long changesReceived() {
        return replicator.figures().changesReceived();
    }

    @Override
    public long changesDropped() {
        return replicator.figures().changesDropped();
    }

    @Override
    public double replicationLagP50Millis() {
        return replicator.figures().lagP50Millis();
    }

    @Override
    public double replicationLagP99Millis() {
        return replicator.figures().lagP99Millis();
    }

    @Override
    public long eventsDuplicated() {
        return replicator.figures().eventsDuplicated();
    }

    @Override
    public String toString() {
        return "replication of cache '" + replicator.cacheName() + "'";
    }
}
