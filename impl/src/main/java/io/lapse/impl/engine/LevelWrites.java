package io.lapse.impl.engine;

import java.util.List;

import io.lapse.cache.CacheEntry;

/**
 * The write-through hook of a table backed by a level ({@link LevelBacking}): each change goes to
 * the level before the table applies it, holding the key's store stripe (or every stripe), as
 * {@link WriteThrough} says; a new deadline also wakes the level's expiry thread if it is earlier
 * than the one it sleeps until. Failures name the cache and the level.
 *
 * <p>Thread safety: as the level's; holds no state of its own.
 */
final class LevelWrites implements WriteThrough {

    private final LevelBacking backing;

    LevelWrites(LevelBacking backing) {
        this.backing = backing;
    }

    @Override
    public void put(String key, Object value, long expiresAtMillis) {
        backing.call(() -> {
            backing.level.put(new CacheEntry(key, value, expiresAtMillis));
            return null;
        }, "write key", key);
        if (expiresAtMillis != 0) {
            backing.expiry.wake(backing.table.time.fromEpochMillis(expiresAtMillis));
        }
    }

    @Override
    public void remove(String key) {
        backing.call(() -> backing.level.remove(key), "delete key", key);
    }

    @Override
    public void removeAll(List<String> keys) {
        backing.call(() -> {
            backing.level.removeAll(keys);
            return null;
        }, "delete " + keys.size() + " keys");
    }
}
