package io.lapse.cache.replication;

import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One replicated cache as a replication provider sees it: registered as an OSGi service by the
 * Lapse implementation for every cache configured with {@code replicate=true}, with the service
 * property {@value io.lapse.cache.CacheService#CACHE_NAME} of its cache, for as long as the cache
 * exists with that setting.
 *
 * <h2>The protocol</h2>
 * <ol>
 * <li>The provider {@linkplain #connect connects} an outbox: from then on, every change made on
 *     this node (put, put-if-absent, increment, a TTL set, compute's result, removals one by one
 *     and by match, clear, whether from Java, JMX or the shell) is offered to it, in the order the
 *     changes take effect. Values loaded from a database are not offered: every node loads its
 *     own. Entries leaving by expiry or eviction are not offered either: every node expires an
 *     entry at the same deadline, and evicts by its own limits.</li>
 * <li>The provider appends what the outbox takes to a log that every node reads in the same
 *     order, and hands every change the log delivers to every node's replica, in that order:
 *     to {@link #acknowledge} on the node that made it, to {@link #applyRemote} on the others.</li>
 * <li>A node that joins fills its cache from another node's {@link #snapshot} before it reads
 *     the log from the point the snapshot was taken.</li>
 * </ol>
 *
 * <p>Implementations are safe for use by several threads, but {@link #applyRemote} and
 * {@link #acknowledge} must be called by one thread at a time, in the log's order.
 */
@ProviderType
public interface Replica {

    /** Which nodes raise {@code cache/expired} for an entry of a replicated cache. */
    enum ExpiryEvents {
        /** Only the node an {@link ExpiryOwnership} names: one event in the cluster per entry. */
        OWNER("owner"),
        /** Every node raises its own. */
        EVERY_NODE("every-node");

        private final String configValue;

        ExpiryEvents(String configValue) {
            this.configValue = configValue;
        }

        /** @return the value of the {@code expiry_events} property that selects this */
        public String configValue() {
            return configValue;
        }
    }

    /** @return the cache's name */
    String name();

    /** @return the cache's {@code expiry_events} setting */
    ExpiryEvents expiryEvents();

    /**
     * Starts offering this node's changes to an outbox and, with {@link ExpiryEvents#OWNER},
     * raising {@code cache/expired} only where the ownership says so.
     *
     * @param outbox takes the changes; see {@link ReplicaOutbox} for what it may do
     * @param ownership names the node that raises an expiry
     * @throws NullPointerException if either is {@code null}
     * @throws IllegalStateException if another outbox is connected, or the cache is closed
     */
    void connect(ReplicaOutbox outbox, ExpiryOwnership ownership);

    /**
     * Stops offering changes and forgets the changes offered and not yet acknowledged; every
     * node raises its own expiries again. Does nothing if no outbox is connected.
     */
    void disconnect();

    /**
     * Applies a change another node made, as the log delivers it, unless this node has changed
     * the same key (or cleared the cache) since and that change is still on its way through the
     * log: the log orders it after this one, so it overwrites this one on every node. A clear
     * leaves the keys this node changed since. Removals raise {@code cache/removed} and a clear
     * {@code cache/cleared} on this node, as local ones do; nothing is offered to the outbox.
     *
     * @param change the change
     * @return {@code true} if it changed the cache, {@code false} if it was skipped or changed
     *     nothing (a removal of a missing key)
     * @throws NullPointerException if the change is {@code null}
     * @throws IllegalArgumentException if the change cannot be stored here (a value over this
     *     node's {@code max_item_size}); the cache is unchanged
     * @throws IllegalStateException if the cache is closed
     */
    boolean applyRemote(ReplicaChange change);

    /**
     * Tells the replica that the log delivered one of the changes its outbox took, in the order
     * they were taken.
     *
     * @param change the change, as the outbox took it (an equal one will do)
     * @throws NullPointerException if the change is {@code null}
     */
    void acknowledge(ReplicaChange change);

    /**
     * Hands a put of every live entry, with its deadline, to a consumer: a view weakly consistent
     * with writes made meanwhile (each entry seen once, as it was at some moment of the walk).
     * The consumer is called with no lock held.
     *
     * @param sink receives the puts
     * @return how many were handed over
     * @throws IllegalStateException if the cache is closed
     */
    long snapshot(Consumer<ReplicaChange> sink);

    /**
     * Offers again, for every key whose change the outbox refused, the key's state now: a put of
     * its live entry, or its removal. After a refused clear, a clear and then every live entry.
     *
     * @return how many changes the outbox took; keys it refuses again stay unsent
     */
    long resend();

    /** @return how many keys wait to be sent again because the outbox refused their change */
    long unsent();

    /**
     * Raises {@code cache/expired} on this node for an entry it expired without raising
     * ({@link ExpiryOwnership#passed}), because the node that owned the key left the cluster and
     * may not have raised it: the owner's successor raises it instead. The expiry is not counted
     * again in the cache's statistics; the event goes to the cache's subscribers like any other.
     *
     * @param key the key
     * @param value the value, as {@link ExpiryOwnership#passed} was given it
     * @param expiresAtMillis the deadline in epoch milliseconds
     * @throws NullPointerException if the key or the value is {@code null}
     */
    default void raiseExpired(String key, Object value, long expiresAtMillis) {
        raiseExpired(key, value, expiresAtMillis, null);
    }

    /**
     * Raises {@code cache/expired} on this node for an entry of a keygroup it expired without
     * raising: as {@link #raiseExpired(String, Object, long)}, the event carrying the group.
     *
     * @param key the key
     * @param value the value, as {@link ExpiryOwnership#passed} was given it
     * @param expiresAtMillis the deadline in epoch milliseconds
     * @param group the entry's keygroup, as {@link ExpiryOwnership#passed} was given it, or
     *     {@code null} for none
     * @throws NullPointerException if the key or the value is {@code null}
     * @since 1.1
     */
    void raiseExpired(String key, Object value, long expiresAtMillis, String group);

    /**
     * Returns how far this node's expiry events are delivered: every expiry of the cache this
     * node raised with a deadline at or before the returned time has reached its subscribers
     * (their handlers returned) or was counted as dropped. Expiries with later deadlines may still
     * wait to be swept or delivered. A provider that takes over a node's keys when it crashes
     * raises again the expiries after the last such time the node published, rather than guess
     * how far behind the node's sweeps and handlers were.
     *
     * <p>The figure may lag the truth, never lead it, but for an entry a read or a write takes
     * out of the table in the moment before it reports it, one a write stores already past its
     * deadline in the moment before the sweeps learn of it, and one held by a write through a
     * store while that write is in flight. It moves back when the node raises an expiry of an
     * earlier deadline, as it does for a node that left ({@link #raiseExpired}).
     *
     * @return epoch milliseconds; {@link Long#MIN_VALUE} if this replica cannot tell (the
     *     provider then falls back on an estimate of its own)
     * @since 1.2
     */
    default long raisedThrough() {
        return Long.MIN_VALUE;
    }
}
