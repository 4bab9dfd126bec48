package io.lapse.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable copy of one cache entry: key, value, deadline and, in a cache with keygroups, the
 * group the entry belongs to.
 *
 * <p>Instances are safe to share between threads.
 */
public final class CacheEntry {

    private final String key;
    private final Object value;
    private final long expiresAtMillis;
    private final String group;

    /**
     * Creates an entry.
     *
     * @param key the key
     * @param value a {@code String}, {@code Long} or {@code byte[]} (copied)
     * @param expiresAtMillis the deadline in epoch milliseconds, or 0 if the entry never expires
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if {@code value} is of another type or the deadline is
     *     negative
     */
    public CacheEntry(String key, Object value, long expiresAtMillis) {
        this(key, value, expiresAtMillis, null);
    }

    /**
     * Creates an entry of a keygroup.
     *
     * @param key the key
     * @param value a {@code String}, {@code Long} or {@code byte[]} (copied)
     * @param expiresAtMillis the deadline in epoch milliseconds, or 0 if the entry never expires
     * @param group the keygroup the entry belongs to, or {@code null} for none
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws IllegalArgumentException if {@code value} is of another type, the deadline is
     *     negative or the group is empty
     * @since 1.3
     */
    public CacheEntry(String key, Object value, long expiresAtMillis, String group) {
        if (group != null && group.isEmpty()) {
            throw new IllegalArgumentException("empty group: use null for an entry of no group");
        }
        this.group = group;
        this.key = Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (value instanceof byte[]) {
            this.value = ((byte[]) value).clone();
        } else if (value instanceof String || value instanceof Long) {
            this.value = value;
        } else {
            throw new IllegalArgumentException(
                "value must be a String, Long or byte[], not " + value.getClass().getName());
        }
        if (expiresAtMillis < 0) {
            throw new IllegalArgumentException("negative deadline " + expiresAtMillis);
        }
        this.expiresAtMillis = expiresAtMillis;
    }

    /**
     * Returns the key.
     *
     * @return the key, never {@code null}
     */
    public String key() {
        return key;
    }

    /**
     * Returns the value.
     *
     * @return a {@code String}, a {@code Long} or a fresh copy of the {@code byte[]}
     */
    public Object value() {
        return value instanceof byte[] ? ((byte[]) value).clone() : value;
    }

    /**
     * Returns the deadline in epoch milliseconds.
     *
     * @return the deadline, or 0 if the entry never expires
     */
    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    /**
     * Returns the deadline.
     *
     * @return the deadline, or empty if the entry never expires
     */
    public Optional<Instant> expiresAt() {
        return expiresAtMillis == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expiresAtMillis));
    }

    /**
     * Returns the keygroup the entry belongs to (see {@link Cache#put(String, Object, Duration, String)}).
     *
     * @return the group, or {@code null} if the entry belongs to none
     * @since 1.3
     */
    public String group() {
        return group;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CacheEntry)) {
            return false;
        }
        CacheEntry other = (CacheEntry) o;
        return key.equals(other.key) && expiresAtMillis == other.expiresAtMillis
            && Objects.deepEquals(value, other.value) && Objects.equals(group, other.group);
    }

    @Override
    public int hashCode() {
        int valueHash = value instanceof byte[] ? Arrays.hashCode((byte[]) value) : value.hashCode();
        return ((key.hashCode() * 31 + valueHash) * 31 + Long.hashCode(expiresAtMillis)) * 31 + Objects.hashCode(group);
    }

    @Override
    public String toString() {
        String shown = value instanceof byte[] ? "byte[" + ((byte[]) value).length + "]" : String.valueOf(value);
        return key + "=" + shown + (expiresAtMillis == 0 ? "" : " (expires " + Instant.ofEpochMilli(expiresAtMillis) + ")")
            + (group == null ? "" : " in group " + group);
    }
}
