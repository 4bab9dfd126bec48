package io.lapse.cluster;

import java.util.Objects;
import java.util.UUID;

import io.lapse.cache.replication.ReplicaChange;

/**
 * What the log of a replicated cache carries, in the order every node reads it: the changes the
 * nodes made, and the requests of joining nodes for a snapshot, which mark the point of the log
 * the snapshot is taken at. Immutable.
 */
sealed interface LogMessage permits LogMessage.Change, LogMessage.SyncRequest {

    /** @return the id of the replicator that published it */
    UUID sender();

    /** @return the sender's wall-clock time when it was encoded, in epoch microseconds */
    long sentMicros();

    /**
     * A change made on the sender's node.
     *
     * @param sender the replicator whose outbox took it
     * @param seq the sender's number for it, from 1 up without gaps in the order its outbox took
     *     them: a message whose number the reader has seen from the same sender is a duplicate
     * @param sentMicros the sender's wall-clock time of sending, epoch microseconds
     * @param change the change
     */
    record Change(UUID sender, long seq, long sentMicros, ReplicaChange change) implements LogMessage {

        /** @throws NullPointerException if the sender or the change is {@code null} */
        public Change {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(change, "change");
        }
    }

    /**
     * A joining node's request for a snapshot, taken by the responder when its reader reaches
     * this message, and read from the per-request queue named after the request.
     *
     * @param request the request's id; it names the queue the snapshot goes through
     * @param sender the joining replicator
     * @param sentMicros the joiner's wall-clock time of sending, epoch microseconds
     * @param joinerMember the joining replicator's Hazelcast member
     * @param responderMember the member asked to answer
     * @param deadlineMillis the joiner's wall-clock time, epoch ms, after which it no longer waits
     */
    record SyncRequest(UUID request, UUID sender, long sentMicros, UUID joinerMember, UUID responderMember,
        long deadlineMillis) implements LogMessage {

        /** @throws NullPointerException if an id is {@code null} */
        public SyncRequest {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(joinerMember, "joiner member");
            Objects.requireNonNull(responderMember, "responder member");
        }
    }
}
