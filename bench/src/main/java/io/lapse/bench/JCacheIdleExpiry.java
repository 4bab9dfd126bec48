package io.lapse.bench;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.spi.CachingProvider;

/**
 * Section I's expiry: what a {@code CacheEntryExpiredListener} hears of entries nobody touches
 * after writing them. Each provider gets a cache with a synchronous expired listener; its entries
 * are written with a TTL of {@link #TTL_MILLIS}, then left alone until the listener heard every
 * one, or for {@link #IDLE_MILLIS} past the last deadline at most; the listener's events so far,
 * and how late each came after its entry's deadline, are what an application would have heard. Then every key is read, and what the listener hears
 * by then is counted too: a provider that expires entries only when they are touched reports them
 * at that point.
 */
final class JCacheIdleExpiry {

    static final long TTL_MILLIS = 1_000;
    static final long IDLE_MILLIS = 2_000;

    /** What one provider's listener heard. */
    static final class Result {
        final JCacheSubject subject;
        final int entries;
        final int heardIdle;
        final long p50Millis;
        final long p99Millis;
        final long maxMillis;
        final int heardAfterReads;

        Result(JCacheSubject subject, int entries, int heardIdle, long[] lateness, int heardAfterReads) {
            this.subject = subject;
            this.entries = entries;
            this.heardIdle = heardIdle;
            Arrays.sort(lateness);
            this.p50Millis = lateness.length == 0 ? -1 : lateness[lateness.length / 2];
            this.p99Millis = lateness.length == 0 ? -1 : lateness[(int) Math.min(lateness.length - 1L,
                (long) Math.ceil(lateness.length * 0.99) - 1)];
            this.maxMillis = lateness.length == 0 ? -1 : lateness[lateness.length - 1];
            this.heardAfterReads = heardAfterReads;
        }
    }

    /** When each key's expiry was heard; one measurement at a time. */
    public static final class Heard implements CacheEntryExpiredListener<String, String>, Serializable {
        private static final long serialVersionUID = 1L;
        static final Map<String, Long> AT = new ConcurrentHashMap<>();
        /** Counts down once per key heard, so that the wait ends when every key was. */
        static volatile CountDownLatch all = new CountDownLatch(0);

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            long now = System.currentTimeMillis();
            for (CacheEntryEvent<? extends String, ? extends String> e : events) {
                if (AT.putIfAbsent(e.getKey(), now) == null) {
                    all.countDown();
                }
            }
        }
    }

    private JCacheIdleExpiry() {
    }

    static List<Result> measure(int entries) throws InterruptedException {
        List<Result> results = new ArrayList<>();
        for (JCacheSubject subject : JCacheSubject.values()) {
            results.add(measure(subject, entries));
        }
        return results;
    }

    private static Result measure(JCacheSubject subject, int entries) throws InterruptedException {
        Heard.AT.clear();
        Heard.all = new CountDownLatch(entries);
        CachingProvider provider = subject.provider();
        try {
            CacheManager manager = provider.getCacheManager();
            MutableConfiguration<String, String> config = new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, TTL_MILLIS)))
                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                    FactoryBuilder.factoryOf(Heard.class), null, false, true));
            Cache<String, String> cache = manager.createCache("idle", config);
            long[] deadlines = new long[entries];
            for (int i = 0; i < entries; i++) {
                deadlines[i] = System.currentTimeMillis() + TTL_MILLIS;
                cache.put("k" + i, "v" + i);
            }
            // the cache is left alone until every expiry is heard, or until well past the last deadline
            Heard.all.await(deadlines[entries - 1] + IDLE_MILLIS - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
            Map<String, Long> idle = Map.copyOf(Heard.AT);
            long[] lateness = new long[idle.size()];
            int n = 0;
            for (int i = 0; i < entries; i++) {
                Long at = idle.get("k" + i);
                if (at != null) {
                    lateness[n++] = at - deadlines[i];
                }
            }
            for (int i = 0; i < entries; i++) {
                cache.get("k" + i);
            }
            return new Result(subject, entries, idle.size(), Arrays.copyOf(lateness, n), Heard.AT.size());
        } finally {
            provider.close();
        }
    }
}
