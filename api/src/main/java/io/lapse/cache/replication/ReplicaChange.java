package io.lapse.cache.replication;

import java.util.Arrays;
import java.util.Objects;

/**
 * One change of a replicated cache, as it travels between nodes: a put of a key with its value
 * and deadline, the removal of a key, or the clearing of the whole cache. Immutable, except that
 * the byte array of a {@code byte[]} value is shared, not copied: neither the maker nor any
 * reader of a change may modify it.
 */
public final class ReplicaChange {

    /** What a change does. */
    public enum Kind {
        /** The key holds the value until the deadline. */
        PUT,
        /** The key is removed. */
        REMOVE,
        /** Every entry is removed. */
        CLEAR
    }

    private static final ReplicaChange CLEAR = new ReplicaChange(Kind.CLEAR, null, null, 0L, null);

    private final Kind kind;
    private final String key;
    private final Object value;
    private final long expiresAtMillis;
    private final String group;

    private ReplicaChange(Kind kind, String key, Object value, long expiresAtMillis, String group) {
        this.kind = kind;
        this.key = key;
        this.value = value;
        this.expiresAtMillis = expiresAtMillis;
        this.group = group;
    }

    /**
     * A put.
     *
     * @param key the key, not {@code null}
     * @param value a {@code String}, a {@code Long} or a {@code byte[]} (kept, not copied)
     * @param expiresAtMillis the deadline in epoch milliseconds, 0 for none
     * @return the change
     * @throws NullPointerException if the key or the value is {@code null}
     * @throws IllegalArgumentException if the value is of another type, or the deadline negative
     */
    public static ReplicaChange put(String key, Object value, long expiresAtMillis) {
        return put(key, value, expiresAtMillis, null);
    }

    /**
     * A put of an entry of a keygroup (see {@code Cache.put(key, value, ttl, group)}).
     *
     * @param key the key, not {@code null}
     * @param value a {@code String}, a {@code Long} or a {@code byte[]} (kept, not copied)
     * @param expiresAtMillis the deadline in epoch milliseconds, 0 for none
     * @param group the group the entry belongs to, or {@code null} for none
     * @return the change
     * @throws NullPointerException if the key or the value is {@code null}
     * @throws IllegalArgumentException if the value is of another type, the deadline negative or
     *     the group empty
     * @since 1.1
     */
    public static ReplicaChange put(String key, Object value, long expiresAtMillis, String group) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (!(value instanceof String || value instanceof Long || value instanceof byte[])) {
            throw new IllegalArgumentException("a replicated value is a String, a Long or a byte[], not "
                + value.getClass().getName());
        }
        if (expiresAtMillis < 0) {
            throw new IllegalArgumentException("a deadline is epoch milliseconds or 0 for none, not "
                + expiresAtMillis);
        }
        if (group != null && group.isEmpty()) {
            throw new IllegalArgumentException("a replicated group is null for none, never empty");
        }
        return new ReplicaChange(Kind.PUT, key, value, expiresAtMillis, group);
    }

    /**
     * A removal.
     *
     * @param key the key, not {@code null}
     * @return the change
     * @throws NullPointerException if the key is {@code null}
     */
    public static ReplicaChange remove(String key) {
        return new ReplicaChange(Kind.REMOVE, Objects.requireNonNull(key, "key"), null, 0L, null);
    }

    /**
     * The clearing of the cache.
     *
     * @return the change
     */
    public static ReplicaChange clear() {
        return CLEAR;
    }

    /** @return what the change does */
    public Kind kind() {
        return kind;
    }

    /** @return the key, {@code null} for {@link Kind#CLEAR} */
    public String key() {
        return key;
    }

    /**
     * @return the value of a {@link Kind#PUT} (a {@code String}, a {@code Long} or a
     *     {@code byte[]} that must not be modified), {@code null} for the others
     */
    public Object value() {
        return value;
    }

    /** @return the deadline of a {@link Kind#PUT} in epoch milliseconds, 0 for none and for the others */
    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    /**
     * Returns the keygroup of a put's entry.
     *
     * @return the group, or {@code null} for an entry of none and for a remove or a clear
     * @since 1.1
     */
    public String group() {
        return group;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ReplicaChange)) {
            return false;
        }
        ReplicaChange c = (ReplicaChange) o;
        return kind == c.kind && Objects.equals(key, c.key) && expiresAtMillis == c.expiresAtMillis
            && Objects.equals(group, c.group)
            && (value instanceof byte[] && c.value instanceof byte[]
                ? Arrays.equals((byte[]) value, (byte[]) c.value) : Objects.equals(value, c.value));
    }

    @Override
    public int hashCode() {
        int v = value instanceof byte[] ? Arrays.hashCode((byte[]) value) : Objects.hashCode(value);
        return Objects.hash(kind, key, expiresAtMillis, group) * 31 + v;
    }

    @Override
    public String toString() {
        switch (kind) {
            case PUT:
                return "put " + key + " = " + (value instanceof byte[] ? ((byte[]) value).length + " bytes" : value)
                    + (expiresAtMillis == 0 ? "" : " until " + expiresAtMillis) + (group == null ? "" : " in group " + group);
            case REMOVE:
                return "remove " + key;
            default:
                return "clear";
        }
    }
}
