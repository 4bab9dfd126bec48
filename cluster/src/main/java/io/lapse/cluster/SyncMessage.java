package io.lapse.cluster;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import io.lapse.cache.replication.ReplicaChange;

/**
 * What a responder sends a joining node through the queue of its request: the snapshot in
 * chunks, then an end marker; or a refusal. Immutable.
 */
sealed interface SyncMessage permits SyncMessage.Chunk, SyncMessage.End, SyncMessage.Refused {

    /**
     * Some of the snapshot's puts, in the order the responder took them.
     *
     * @param changes the puts
     */
    record Chunk(List<ReplicaChange> changes) implements SyncMessage {

        /** @throws NullPointerException if the list or one of its changes is {@code null} */
        public Chunk {
            changes = List.copyOf(changes);
        }
    }

    /**
     * The end of a snapshot.
     *
     * @param count how many puts the chunks held, for the joiner to check it got them all
     * @param marks for each sender, the highest number of its changes the log held up to the
     *     request: the joiner skips those numbers when it reads on, as the responder did
     */
    record End(long count, Map<UUID, Long> marks) implements SyncMessage {

        /**
         * @throws NullPointerException if the marks or one of their keys or values is {@code null}
         * @throws IllegalArgumentException if the count is negative
         */
        public End {
            if (count < 0) {
                throw new IllegalArgumentException("a snapshot's count is 0 or more, not " + count);
            }
            marks = Map.copyOf(marks);
        }
    }

    /**
     * The responder will not answer the request (it is not ready itself, or is closing).
     *
     * @param reason why, for the joiner's log
     */
    record Refused(String reason) implements SyncMessage {

        /** @throws NullPointerException if the reason is {@code null} */
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
