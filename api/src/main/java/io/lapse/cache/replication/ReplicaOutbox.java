package io.lapse.cache.replication;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where a {@link Replica} hands the changes made on this node, for the provider to carry to the
 * others; implemented by the provider.
 *
 * <p>{@link #offer} is called under the lock of the key's slot (all slots for a clear), in the
 * order the changes take effect, by whichever thread made them: an implementation must take the
 * change and return at once, must not block, wait for the network, or call into any cache, and
 * must keep the order in which it took the changes.
 */
@ConsumerType
public interface ReplicaOutbox {

    /**
     * Takes a change made on this node.
     *
     * @param change the change
     * @return {@code true} if taken, for the log; {@code false} if it cannot be taken (full, or
     *     the node is cut off): the replica then remembers the key as unsent, and
     *     {@link Replica#resend()} offers its state again
     */
    boolean offer(ReplicaChange change);
}
