package io.lapse.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import io.lapse.cache.Durations;

/**
 * How a {@link CacheReplicator} carries one cache, read from configuration properties with their
 * defaults and checked. Immutable.
 *
 * <table>
 * <caption>The properties</caption>
 * <tr><th>property</th><th>meaning</th><th>default</th></tr>
 * <tr><td>{@value #OUTBOX_CAPACITY}</td><td>how many changes may wait to be published; more are
 *     refused, and sent again once there is room</td><td>{@value #DEFAULT_OUTBOX_CAPACITY}</td></tr>
 * <tr><td>{@value #SYNC_TIMEOUT}</td><td>how long a joining node waits for one responder's
 *     snapshot before it asks another, a duration as {@link Durations} reads it</td>
 *     <td>{@value #DEFAULT_SYNC_TIMEOUT}</td></tr>
 * </table>
 */
public final class ReplicatorSettings {

    /** The property of the outbox's capacity. */
    public static final String OUTBOX_CAPACITY = "outbox_capacity";
    /** The property of the sync timeout. */
    public static final String SYNC_TIMEOUT = "sync_timeout";

    /** Default of {@value #OUTBOX_CAPACITY}. */
    public static final int DEFAULT_OUTBOX_CAPACITY = 100_000;
    /** Default of {@value #SYNC_TIMEOUT}. */
    public static final String DEFAULT_SYNC_TIMEOUT = "30s";
    /** Limit of {@value #OUTBOX_CAPACITY}: the queue is an array of that length. */
    public static final int MAX_OUTBOX_CAPACITY = 10_000_000;
    /** The shortest {@value #SYNC_TIMEOUT}: a transfer takes a few round trips at least. */
    public static final Duration MIN_SYNC_TIMEOUT = Duration.ofMillis(500);
    /** The longest {@value #SYNC_TIMEOUT}. */
    public static final Duration MAX_SYNC_TIMEOUT = Duration.ofHours(1);

    private final int outboxCapacity;
    private final Duration syncTimeout;

    /**
     * Creates settings.
     *
     * @param outboxCapacity how many changes may wait to be published, 1 to {@link #MAX_OUTBOX_CAPACITY}
     * @param syncTimeout how long a joiner waits for one responder, {@link #MIN_SYNC_TIMEOUT} to
     *     {@link #MAX_SYNC_TIMEOUT}
     * @throws NullPointerException if the timeout is {@code null}
     * @throws IllegalArgumentException if a value is out of range, naming its property and value
     */
    public ReplicatorSettings(int outboxCapacity, Duration syncTimeout) {
        if (outboxCapacity < 1 || outboxCapacity > MAX_OUTBOX_CAPACITY) {
            throw new IllegalArgumentException(OUTBOX_CAPACITY + " " + outboxCapacity + " is outside 1.."
                + MAX_OUTBOX_CAPACITY);
        }
        Objects.requireNonNull(syncTimeout, SYNC_TIMEOUT);
        if (syncTimeout.compareTo(MIN_SYNC_TIMEOUT) < 0 || syncTimeout.compareTo(MAX_SYNC_TIMEOUT) > 0) {
            throw new IllegalArgumentException(SYNC_TIMEOUT + " " + Durations.format(syncTimeout.toMillis())
                + " is outside " + Durations.format(MIN_SYNC_TIMEOUT.toMillis()) + ".."
                + Durations.format(MAX_SYNC_TIMEOUT.toMillis()));
        }
        this.outboxCapacity = outboxCapacity;
        this.syncTimeout = syncTimeout;
    }

    /** @return the settings with every default */
    public static ReplicatorSettings defaults() {
        return from(Map.of());
    }

    /**
     * Reads settings from configuration properties: a property missing takes its default; the
     * capacity as a number or a decimal string, the timeout as a duration's text or a number of
     * seconds. Other properties are ignored.
     *
     * @param properties the properties
     * @return the settings
     * @throws NullPointerException if {@code properties} is {@code null}
     * @throws IllegalArgumentException if a value is of the wrong type or invalid, naming its
     *     property and the value
     */
    public static ReplicatorSettings from(Map<String, ?> properties) {
        Object capacity = properties.get(OUTBOX_CAPACITY);
        Object timeout = properties.get(SYNC_TIMEOUT);
        return new ReplicatorSettings(capacity == null ? DEFAULT_OUTBOX_CAPACITY : capacity(capacity),
            Duration.ofMillis(timeout == null ? Durations.parseMillis(DEFAULT_SYNC_TIMEOUT) : timeout(timeout)));
    }

    /** @return how many changes may wait to be published */
    public int outboxCapacity() {
        return outboxCapacity;
    }

    /** @return how long a joiner waits for one responder's snapshot */
    public Duration syncTimeout() {
        return syncTimeout;
    }

    @Override
    public String toString() {
        return OUTBOX_CAPACITY + "=" + outboxCapacity + ", " + SYNC_TIMEOUT + "=" + Durations.format(syncTimeout.toMillis());
    }

    private static int capacity(Object v) {
        if (v instanceof Integer) {
            return (Integer) v;
        }
        if (v instanceof Long && (Long) v == ((Long) v).intValue()) {
            return ((Long) v).intValue();
        }
        if (v instanceof String && ((String) v).strip().matches("\\d{1,9}")) {
            return Integer.parseInt(((String) v).strip());
        }
        throw new IllegalArgumentException(OUTBOX_CAPACITY + " '" + v + "' is not a whole number from 1 to "
            + MAX_OUTBOX_CAPACITY);
    }

    private static long timeout(Object v) {
        if (v instanceof Integer || v instanceof Long) {
            long seconds = ((Number) v).longValue();
            if (seconds < 0 || seconds > MAX_SYNC_TIMEOUT.toSeconds()) {
                throw new IllegalArgumentException(SYNC_TIMEOUT + " " + seconds + "s is outside "
                    + Durations.format(MIN_SYNC_TIMEOUT.toMillis()) + ".." + Durations.format(MAX_SYNC_TIMEOUT.toMillis()));
            }
            return seconds * 1_000;
        }
        if (v instanceof String) {
            try {
                return Durations.parseMillis((String) v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(SYNC_TIMEOUT + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException(SYNC_TIMEOUT + " is a duration, not " + v.getClass().getSimpleName()
            + " '" + v + "'");
    }
}
