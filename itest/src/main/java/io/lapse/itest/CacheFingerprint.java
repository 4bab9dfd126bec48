package io.lapse.itest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEntry;

/**
 * What a cache holds, in a form small enough to compare: the number of entries, a hash over
 * every entry (key, value type and value, and whether it expires), independent of iteration
 * order, and the deadline of each entry that has one.
 *
 * <p>Deadlines are compared with a tolerance of {@value #DEADLINE_TOLERANCE_MILLIS} ms: their
 * epoch rendering may move by a millisecond or two as the engine refines its estimate of the wall
 * clock, while the deadline itself stays. Immutable.
 */
final class CacheFingerprint {

    static final long DEADLINE_TOLERANCE_MILLIS = 5;

    private final long size;
    private final long hash;
    private final Map<String, Long> deadlines;

    private CacheFingerprint(long size, long hash, Map<String, Long> deadlines) {
        this.size = size;
        this.hash = hash;
        this.deadlines = deadlines;
    }

    /** Takes the fingerprint of a cache by iterating over it. */
    static CacheFingerprint of(Cache cache) {
        MessageDigest sha = sha256();
        long size = 0;
        long hash = 0;
        Map<String, Long> deadlines = new HashMap<>();
        for (CacheEntry e : cache) {
            size++;
            sha.update(e.key().getBytes(StandardCharsets.UTF_16BE));
            sha.update((byte) 0);
            Object v = e.value();
            if (v instanceof byte[]) {
                sha.update((byte) 'B');
                sha.update((byte[]) v);
            } else {
                sha.update((byte) (v instanceof Long ? 'L' : 'S'));
                sha.update(v.toString().getBytes(StandardCharsets.UTF_16BE));
            }
            sha.update((byte) (e.expiresAtMillis() == 0 ? 'N' : 'E'));
            // a sum of per-entry digests: the same whatever order the entries come in
            hash += ByteBuffer.wrap(sha.digest()).getLong();
            if (e.expiresAtMillis() != 0) {
                deadlines.put(e.key(), e.expiresAtMillis());
            }
        }
        return new CacheFingerprint(size, hash, deadlines);
    }

    /** @return the number of entries */
    long size() {
        return size;
    }

    /**
     * Compares with a later fingerprint of the same cache.
     *
     * @return {@code null} if both hold the same entries, else what differs
     */
    String differenceTo(CacheFingerprint later) {
        if (size != later.size || hash != later.hash || !deadlines.keySet().equals(later.deadlines.keySet())) {
            Map<String, Long> lost = new TreeMap<>(deadlines);
            later.deadlines.keySet().forEach(lost::remove);
            Map<String, Long> gained = new TreeMap<>(later.deadlines);
            deadlines.keySet().forEach(gained::remove);
            return "size " + size + " -> " + later.size + ", hash " + Long.toHexString(hash) + " -> "
                + Long.toHexString(later.hash) + ", expiring keys lost " + shorten(lost) + ", gained " + shorten(gained);
        }
        for (Map.Entry<String, Long> e : deadlines.entrySet()) {
            long now = later.deadlines.get(e.getKey());
            if (Math.abs(now - e.getValue()) > DEADLINE_TOLERANCE_MILLIS) {
                return "the deadline of '" + e.getKey() + "' moved from " + e.getValue() + " to " + now;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return size + " entries, hash " + Long.toHexString(hash) + ", " + deadlines.size() + " with a deadline";
    }

    private static String shorten(Map<String, Long> keys) {
        return keys.size() <= 10 ? keys.keySet().toString()
            : Arrays.toString(keys.keySet().stream().limit(10).toArray()) + " and " + (keys.size() - 10) + " more";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
