package io.lapse.cluster;

/**
 * Hazelcast failed, or did not answer in time, in a step of replication that is tried again
 * later (a join, an announcement): the message names the cache and the step.
 */
final class ReplicationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ReplicationException(String message) {
        super(message);
    }

    ReplicationException(String message, Throwable cause) {
        super(message, cause);
    }
}
