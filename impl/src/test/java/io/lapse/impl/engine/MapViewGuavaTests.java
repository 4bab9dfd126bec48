package io.lapse.impl.engine;

import java.util.Map;

import com.google.common.collect.testing.ConcurrentMapTestSuiteBuilder;
import com.google.common.collect.testing.TestStringMapGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.MapFeature;

import junit.framework.Test;

/**
 * {@link io.lapse.cache.Cache#asMap()} judged by Guava's collection testlib: the thousands of tests
 * {@link ConcurrentMapTestSuiteBuilder} generates for a {@link java.util.concurrent.ConcurrentMap}
 * of String keys and values, as they judge Caffeine's and Guava's own maps. The map of a fresh
 * cache per test (no TTL, no sweeper), filled through the map itself.
 *
 * <p>Features: put and remove (general purpose), iterator removal, any size. Not claimed, so that
 * the suite checks the refusal instead: null keys and values (refused with
 * {@link NullPointerException}, as {@code ConcurrentHashMap} refuses them), null queries, a known
 * iteration order (the cache iterates in the order of its slots), serialization. A JUnit 3 suite,
 * run by the vintage engine.
 */
public final class MapViewGuavaTests {

    private MapViewGuavaTests() {
    }

    /** @return the generated suite */
    public static Test suite() {
        return ConcurrentMapTestSuiteBuilder.using(new TestStringMapGenerator() {
            @Override
            protected Map<String, String> create(Map.Entry<String, String>[] entries) {
                CacheTable table = new CacheTable("guava", new CacheSettings(4, 0, true, 0, null),
                    new TimeSource(Clock.system()), TableListener.NONE);
                Map<String, Object> map = table.asMap();
                for (Map.Entry<String, String> e : entries) {
                    map.put(e.getKey(), e.getValue());
                }
                @SuppressWarnings({"unchecked", "rawtypes"})
                Map<String, String> strings = (Map) map;
                return strings;
            }
        }).named("Cache.asMap")
            .withFeatures(MapFeature.GENERAL_PURPOSE, CollectionFeature.SUPPORTS_ITERATOR_REMOVE, CollectionSize.ANY)
            .createTestSuite();
    }
}
