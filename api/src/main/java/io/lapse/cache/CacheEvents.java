package io.lapse.cache;

/**
 * The EventAdmin topics and event properties of Lapse.
 *
 * <p>Events are posted asynchronously ({@code postEvent}), never while a cache lock is held, and
 * only when some {@code EventHandler} subscribes to the topic. Every event carries
 * {@link #CACHE_NAME} and EventAdmin's {@code timestamp}, so a handler subscribes to one cache
 * with {@code event.filter=(cache.name=sessions)} and to every topic with {@link #TOPIC_ALL}.
 */
public final class CacheEvents {

    /** An entry's deadline passed: exactly once per such entry. Carries key, value, expires. */
    public static final String TOPIC_EXPIRED = "cache/expired";

    /** An entry was removed to respect a capacity limit. Carries key, value, expires. */
    public static final String TOPIC_EVICTED = "cache/evicted";

    /** An entry was removed by a delete or a match, one event per entry. Carries key, value, expires. */
    public static final String TOPIC_REMOVED = "cache/removed";

    /** The whole cache was cleared or reset: one event, with {@link #CACHE_COUNT}. */
    public static final String TOPIC_CLEARED = "cache/cleared";

    /** A load or reload from a store finished: one event, with {@link #CACHE_COUNT}. */
    public static final String TOPIC_LOADED = "cache/loaded";

    /** A cache came up; a handler may seed it. */
    public static final String TOPIC_CREATED = "cache/created";

    /** Subscribes to every Lapse topic. */
    public static final String TOPIC_ALL = "cache/*";

    /** The cache name, a {@code String}; the same name as the {@link Cache} service property. */
    public static final String CACHE_NAME = CacheService.CACHE_NAME;

    /** The entry's key, a {@code String}. */
    public static final String CACHE_KEY = "cache.key";

    /** The entry's value: a {@code String}, a {@code Long} or a {@code byte[]} (a copy). */
    public static final String CACHE_VALUE = "cache.value";

    /**
     * The entry's deadline, a {@code Long} in epoch milliseconds; absent when the entry had none.
     */
    public static final String CACHE_EXPIRES = "cache.expires";

    /** How many entries were cleared or loaded, a {@code Long}. */
    public static final String CACHE_COUNT = "cache.count";

    /**
     * The keygroup the entry belonged to, a {@code String}, on the events of an entry of a group
     * (expired, evicted, removed, by {@link Cache#invalidateGroup} or otherwise); absent when the
     * entry belonged to none.
     *
     * @since 1.3
     */
    public static final String CACHE_GROUP = "cache.group";

    private CacheEvents() {
    }
}
