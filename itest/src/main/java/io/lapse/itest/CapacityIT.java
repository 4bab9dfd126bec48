package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEvents;
import io.lapse.cache.CacheService;
import io.lapse.testing.Await;

/**
 * Capacity limits configured through ConfigurationAdmin, as a user sets them: the evictions reach
 * a real {@code EventHandler} as {@code cache/evicted}, the MBean in the platform MBeanServer
 * counts them, and a lower limit set live evicts at once.
 *
 * <p>To show that no other event arrives for an evicted entry, a check ends by removing a live
 * entry: the events of one cache arrive in order, so once that removal is in, every event of the
 * writes before it is too.
 */
class CapacityIT {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static MetaTypeService metaType;

    private static Caches caches;

    @BeforeAll
    static void caches() {
        caches = new Caches(context, configAdmin);
    }

    @AfterAll
    static void deleteEveryCache() throws Exception {
        caches.deleteAll();
    }

    @Test
    void aCappedCacheEvictsWhatItCannotHoldAndALowerCapSetLiveEvictsAtOnce() throws Exception {
        ObjectName bean = new ObjectName("io.lapse:type=Cache,name=capped");
        try (Recorder recorder = Recorder.filtered(context, "(cache.name=capped)", CacheEvents.TOPIC_ALL)) {
            Cache c = caches.create("capped", "max_entries", 100L);
            Await.until("the capped cache's MBean", () -> SERVER.isRegistered(bean));

            for (int i = 0; i < 1_000; i++) {
                c.put("k" + i, "v" + i);
            }

            assertEquals(100, c.size(), "every write returns with the cache within its limit");
            assertEquals(900L, SERVER.getAttribute(bean, "CacheEvictions"));
            assertEquals(100L, SERVER.getAttribute(bean, "Size"));
            assertEquals(100L, SERVER.getAttribute(bean, "MaxEntries"));
            assertEquals(0L, SERVER.getAttribute(bean, "MaxBytes"));
            assertEquals(c.stats().weightedBytes(), SERVER.getAttribute(bean, "WeightedBytes"));
            String first = removeALiveEntry(c, recorder);
            checkEvents(recorder, c, 900, List.of(first));
            c.put(first, "v" + first.substring(1));
            assertEquals(100, c.size());

            caches.configure("capped", "name", "capped", "max_entries", 10L);

            Await.until("CacheEvictions to count 90 more once max_entries = 10 applies",
                () -> attribute(bean, "CacheEvictions").equals(990L));
            assertEquals(10L, SERVER.getAttribute(bean, "Size"), "evicted down to the new limit without a write");
            assertEquals(10L, SERVER.getAttribute(bean, "MaxEntries"));
            // the change's thread counts each eviction, then reports them all: wait for the reports
            Await.until("90 more cache/evicted", () -> recorder.of(CacheEvents.TOPIC_EVICTED, "capped").size() >= 990);
            String second = removeALiveEntry(c, recorder);
            checkEvents(recorder, c, 990, List.of(first, second));
        }
        caches.delete("capped");
    }

    @Test
    void maxItemSizeRefusesALargerValueAndMaxBytesBoundsWhatTheEntriesWeigh() throws Exception {
        Cache c = caches.create("weighed", "max_item_size", "1KiB", "max_bytes", "64KiB");

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> c.put("big", "x".repeat(1_025)));
        assertTrue(refused.getMessage().contains("'weighed'") && refused.getMessage().contains("'big'")
            && refused.getMessage().contains("1025") && refused.getMessage().contains("1024"), refused.getMessage());
        assertFalse(c.containsKey("big"));
        for (int i = 0; i < 200; i++) {
            c.put("k" + i, "y".repeat(1_024));
        }

        assertTrue(c.stats().weightedBytes() <= 64 * 1024, "weighs " + c.stats().weightedBytes());
        assertEquals(64L * 1024, c.stats().maxBytes());
        assertTrue(c.stats().evictions() > 0 && c.size() < 200, c.stats().toString());
        assertEquals(200, c.size() + c.stats().evictions(), "every entry is either held or evicted");
        caches.delete("weighed");
    }

    @Test
    void metatypeDescribesTheLimitsWithTheirDefaults() {
        ObjectClassDefinition ocd = metaType.getMetaTypeInformation(Bundles.named(context, "io.lapse.impl"))
            .getObjectClassDefinition(CacheService.FACTORY_PID, null);
        Map<String, AttributeDefinition> attributes = Arrays.stream(ocd.getAttributeDefinitions(
            ObjectClassDefinition.ALL)).collect(Collectors.toMap(AttributeDefinition::getID, Function.identity()));
        assertDefault(attributes, "max_entries", AttributeDefinition.LONG, "0");
        assertDefault(attributes, "max_bytes", AttributeDefinition.STRING, "0");
        assertDefault(attributes, "max_item_size", AttributeDefinition.STRING, "16MiB");
        assertDefault(attributes, "eviction", AttributeDefinition.STRING, "lru");
        assertEquals(List.of("lru"), Arrays.asList(attributes.get("eviction").getOptionValues()));
        for (String id : List.of("max_entries", "max_bytes")) {
            String description = attributes.get(id).getDescription();
            assertTrue(description.contains("on-stop"), id + " says it cannot go with write-back at stop: " + description);
        }
    }

    private static void assertDefault(Map<String, AttributeDefinition> attributes, String id, int type, String value) {
        AttributeDefinition a = attributes.get(id);
        assertNotNull(a, id + " is described");
        assertEquals(type, a.getType(), id);
        assertEquals(List.of(value), Arrays.asList(a.getDefaultValue()), id);
        assertFalse(a.getDescription().isBlank(), id);
    }

    /**
     * Removes one live entry and waits for its {@code cache/removed}, after which every event of
     * the cache's earlier writes has arrived.
     *
     * @return the key removed
     */
    private static String removeALiveEntry(Cache c, Recorder recorder) {
        int before = recorder.of(CacheEvents.TOPIC_REMOVED, "capped").size();
        String key = c.iterator().next().key();
        assertNotNull(c.remove(key));
        Await.until("cache/removed for " + key, () -> recorder.of(CacheEvents.TOPIC_REMOVED, "capped").size() > before);
        return key;
    }

    /**
     * Checks that exactly {@code evictions} entries were reported evicted, each once with its key
     * and value and none of them still in the cache, that the only {@code cache/removed} events
     * were the sentinels', and that nothing expired.
     */
    private static void checkEvents(Recorder recorder, Cache c, int evictions, List<String> sentinels) {
        List<Recorder.Received> evicted = recorder.of(CacheEvents.TOPIC_EVICTED, "capped");
        assertEquals(evictions, evicted.size(), "one cache/evicted per entry evicted");
        Set<String> keys = new HashSet<>();
        for (Recorder.Received r : evicted) {
            assertTrue(keys.add(r.key()), "two events for " + r.key());
            assertEquals("capped", r.cache());
            assertEquals("v" + r.key().substring(1), r.value(), r.toString());
            assertFalse(c.containsKey(r.key()), r.key() + " was reported evicted but is still there");
        }
        assertEquals(sentinels, recorder.of(CacheEvents.TOPIC_REMOVED, "capped").stream().map(Recorder.Received::key)
            .collect(Collectors.toList()), "no cache/removed but the sentinels'");
        assertEquals(List.of(), recorder.of(CacheEvents.TOPIC_EXPIRED), "no cache/expired");
    }

    private static Object attribute(ObjectName bean, String name) {
        try {
            return SERVER.getAttribute(bean, name);
        } catch (JMException e) {
            throw new AssertionError("cannot read " + name + " of " + bean, e);
        }
    }
}
