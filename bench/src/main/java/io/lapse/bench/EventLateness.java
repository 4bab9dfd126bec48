package io.lapse.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEvents;
import io.lapse.cache.CacheService;

/**
 * Section C: from an entry's deadline to the moment a subscriber hears of its expiry.
 *
 * <p>Lapse runs in a real Felix with Felix EventAdmin, its caches created through
 * ConfigurationAdmin with their defaults, and an {@code EventHandler} on {@code cache/expired}:
 * once with EventAdmin's defaults (each handler call guarded by its 5 s timeout), once with the
 * handler exempt from that timeout. Each way it measures entries whose deadlines are spread
 * over a few seconds, with the cache idle and then beside a thread of reads and writes, and a
 * storm of entries that all share one deadline. Caffeine, with a removal listener, is measured
 * the same way with its system scheduler and without a scheduler.
 */
final class EventLateness {

    private static final String IGNORE_TIMEOUT = "org.apache.felix.eventadmin.IgnoreTimeout";

    /** The size of a run. */
    static final class Scale {
        final int entries;
        final long firstMillis;
        final long spreadMillis;
        /** How many times each of Lapse's runs is repeated; the report takes the median. */
        final int repeats;
        final int stormEntries;
        final long stormTtlMillis;

        Scale(int entries, long firstMillis, long spreadMillis, int stormEntries, long stormTtlMillis, int repeats) {
            this.entries = entries;
            this.firstMillis = firstMillis;
            this.spreadMillis = spreadMillis;
            this.stormEntries = stormEntries;
            this.stormTtlMillis = stormTtlMillis;
            this.repeats = repeats;
        }

        /** The TTL of entry {@code i} of {@link #entries}: deadlines spread evenly. */
        long ttlMillis(int i) {
            return firstMillis + i * spreadMillis / entries;
        }

        String describe() {
            return entries + " entries with deadlines spread over " + spreadMillis + " ms; a storm of "
                + stormEntries + " entries sharing one deadline"
                + (repeats > 1 ? "; each of Lapse's runs " + repeats + " times, in a cache of its own" : "");
        }
    }

    static final Scale FULL = new Scale(20_000, 1_000, 4_000, 100_000, 3_000, 3);
    static final Scale SMOKE = new Scale(2_000, 500, 1_000, 10_000, 1_000, 1);

    private EventLateness() {
    }

    /**
     * Measures Lapse in Felix.
     *
     * @param bundles the folder of bundles to install
     * @param exempt whether the handler is exempt from EventAdmin's timeout
     * @return idle, loaded and storm figures
     */
    static List<LatenessFigures> lapse(Path bundles, boolean exempt, Scale scale) throws Exception {
        Map<String, String> properties = exempt ? Map.of(IGNORE_TIMEOUT, ExpiredEventHandler.class.getName()) : Map.of();
        String mode = exempt ? "Lapse, handler exempt from the timeout" : "Lapse, EventAdmin defaults";
        List<LatenessFigures> figures = new ArrayList<>();
        try (BenchFramework felix = BenchFramework.start(bundles, properties)) {
            ConfigurationAdmin configAdmin = felix.service(ConfigurationAdmin.class, null);
            List<LatenessFigures> idle = new ArrayList<>();
            List<LatenessFigures> loaded = new ArrayList<>();
            List<LatenessFigures> storm = new ArrayList<>();
            for (int r = 1; r <= scale.repeats; r++) {
                idle.add(lapseSpread(felix, configAdmin, mode + ", idle", "idle-" + r, scale, false));
                loaded.add(lapseSpread(felix, configAdmin, mode + ", loaded", "loaded-" + r, scale, true));
                storm.add(lapseStorm(felix, configAdmin, mode + ", storm", "storm-" + r, scale));
            }
            figures.add(LatenessFigures.median(idle, f -> f.p99Millis));
            figures.add(LatenessFigures.median(loaded, f -> f.p99Millis));
            figures.add(LatenessFigures.median(storm, f -> f.drainPerSecond));
        }
        return figures;
    }

    /** A cache of its own, created as a user does, with a handler subscribed to its expiries. */
    private static final class LapseRun implements AutoCloseable {
        final LatenessRecorder recorder = new LatenessRecorder();
        final Cache cache;
        private final Configuration configuration;
        private final ServiceRegistration<EventHandler> handler;

        LapseRun(BenchFramework felix, ConfigurationAdmin configAdmin, String name) throws Exception {
            Dictionary<String, Object> subscription = new Hashtable<>();
            subscription.put(EventConstants.EVENT_TOPIC, CacheEvents.TOPIC_EXPIRED);
            subscription.put(EventConstants.EVENT_FILTER, "(" + CacheEvents.CACHE_NAME + "=" + name + ")");
            handler = felix.context().registerService(EventHandler.class, new ExpiredEventHandler(recorder),
                subscription);
            configuration = configAdmin.getFactoryConfiguration(CacheService.FACTORY_PID, name, "?");
            Dictionary<String, Object> config = new Hashtable<>();
            config.put("name", name);
            configuration.update(config);
            cache = felix.service(Cache.class, "(" + CacheService.CACHE_NAME + "=" + name + ")");
        }

        @Override
        public void close() throws Exception {
            handler.unregister();
            configuration.delete();
        }
    }

    private static LatenessFigures lapseSpread(BenchFramework felix, ConfigurationAdmin configAdmin, String name,
        String cacheName, Scale scale, boolean loaded) throws Exception {
        try (LapseRun run = new LapseRun(felix, configAdmin, cacheName)) {
            Cache cache = run.cache;
            BackgroundLoad load = loaded ? new BackgroundLoad(Subject.service(cache), new ZipfKeys(7)) : null;
            try {
                run.recorder.begin();
                long start = LatenessRecorder.epochMicros();
                for (int i = 0; i < scale.entries; i++) {
                    cache.put("expiring:" + i, "value", Duration.ofMillis(scale.ttlMillis(i)));
                }
                long lastDeadline = start + (scale.firstMillis + scale.spreadMillis) * 1_000L;
                run.recorder.await(scale.entries, lastDeadline + 30_000_000L);
            } finally {
                if (load != null) {
                    load.close();
                }
            }
            LatenessFigures f = run.recorder.figures(name, scale.entries);
            f.loadOpsPerSecond = load == null ? 0 : load.opsPerSecond();
            return f;
        }
    }

    /**
     * Entries that share one deadline to the millisecond: each TTL is corrected until the
     * deadline the cache reports is the first entry's, since deadlines count from the sweeper's
     * clock, which moves while the entries are written.
     */
    private static LatenessFigures lapseStorm(BenchFramework felix, ConfigurationAdmin configAdmin, String name,
        String cacheName, Scale scale) throws Exception {
        try (LapseRun run = new LapseRun(felix, configAdmin, cacheName)) {
            Cache cache = run.cache;
            long ttl = scale.stormTtlMillis;
            run.recorder.begin();
            cache.put("storm:0", "value", Duration.ofMillis(ttl));
            long deadline = cache.getEntry("storm:0").expiresAtMillis();
            for (int i = 1; i < scale.stormEntries; i++) {
                String key = "storm:" + i;
                cache.put(key, "value", Duration.ofMillis(ttl));
                long drift = cache.getEntry(key).expiresAtMillis() - deadline;
                for (int tries = 0; drift != 0 && tries < 3; tries++) {
                    cache.setTtl(key, Duration.ofMillis(ttl - drift));
                    drift = cache.getEntry(key).expiresAtMillis() - deadline;
                }
            }
            if (LatenessRecorder.epochMicros() >= deadline * 1_000L) {
                throw new IllegalStateException("the storm's entries took longer to write than their TTL of "
                    + ttl + " ms");
            }
            run.recorder.await(scale.stormEntries, deadline * 1_000L + 60_000_000L);
            LatenessFigures f = run.recorder.figures(name, scale.stormEntries);
            f.drainPerSecond = f.delivered / Math.max(1e-6, (f.lastArrivalMicros - deadline * 1_000L) / 1e6);
            return f;
        }
    }

    /**
     * Measures Caffeine with a removal listener: with its system scheduler (idle and loaded) and
     * without a scheduler (idle), where expiry waits for activity on the cache.
     */
    static List<LatenessFigures> caffeine(Scale scale) throws Exception {
        List<LatenessFigures> figures = new ArrayList<>();
        figures.add(caffeineSpread("Caffeine, system scheduler, idle", true, false, scale, 30_000));
        figures.add(caffeineSpread("Caffeine, system scheduler, loaded", true, true, scale, 30_000));
        figures.add(caffeineSpread("Caffeine, no scheduler, idle", false, false, scale, 3_000));
        return figures;
    }

    private static LatenessFigures caffeineSpread(String name, boolean scheduler, boolean loaded, Scale scale,
        long graceMillis) throws Exception {
        LatenessRecorder recorder = new LatenessRecorder();
        Map<String, Long> deadlines = new ConcurrentHashMap<>();
        Caffeine<Object, Object> builder = Caffeine.newBuilder()
            .expireAfter(new Expiry<Object, Object>() {
                @Override
                public long expireAfterCreate(Object key, Object value, long currentTime) {
                    return Long.MAX_VALUE;
                }

                @Override
                public long expireAfterUpdate(Object key, Object value, long currentTime, long currentDuration) {
                    return currentDuration;
                }

                @Override
                public long expireAfterRead(Object key, Object value, long currentTime, long currentDuration) {
                    return currentDuration;
                }
            })
            .removalListener((key, value, cause) -> {
                if (cause == RemovalCause.EXPIRED) {
                    recorder.record((String) key, deadlines.get(key));
                }
            });
        if (scheduler) {
            builder.scheduler(Scheduler.systemScheduler());
        }
        com.github.benmanes.caffeine.cache.Cache<Object, Object> cache = builder.build();
        Policy.VarExpiration<Object, Object> expiry = cache.policy().expireVariably().orElseThrow();
        BackgroundLoad load = loaded ? new BackgroundLoad(Subject.caffeine(cache), new ZipfKeys(7)) : null;
        try {
            recorder.begin();
            long start = LatenessRecorder.epochMicros();
            for (int i = 0; i < scale.entries; i++) {
                String key = "expiring:" + i;
                long ttl = scale.ttlMillis(i);
                deadlines.put(key, LatenessRecorder.epochMicros() + ttl * 1_000L);
                expiry.put(key, "value", Duration.ofMillis(ttl));
            }
            long lastDeadline = start + (scale.firstMillis + scale.spreadMillis) * 1_000L;
            recorder.await(scale.entries, lastDeadline + graceMillis * 1_000L);
        } finally {
            if (load != null) {
                load.close();
            }
        }
        LatenessFigures f = recorder.figures(name, scale.entries);
        f.loadOpsPerSecond = load == null ? 0 : load.opsPerSecond();
        cache.invalidateAll();
        return f;
    }
}
