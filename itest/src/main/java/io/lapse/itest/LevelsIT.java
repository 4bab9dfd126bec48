package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

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
import io.lapse.cache.Match;
import io.lapse.testing.Await;

/**
 * A cache backed by the embedded file level, configured through ConfigurationAdmin as a user
 * does: it holds more entries than its heap table's limit, reads every one back, reports each
 * expiry once through EventAdmin (also of entries only the file holds, with no read or write to
 * prompt it), counts no eviction in JMX, and finds its entries again when its configuration is
 * deleted and created anew.
 */
class LevelsIT {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static MetaTypeService metaType;

    private static Caches caches;
    private static Path folder;

    @BeforeAll
    static void caches() throws Exception {
        caches = new Caches(context, configAdmin);
        folder = Files.createTempDirectory("lapse-levels-it");
    }

    @AfterAll
    static void deleteEveryCache() throws Exception {
        caches.deleteAll();
    }

    @Test
    void aFileLevelHoldsMoreThanTheHeapTableExpiresEachEntryOnceAndKeepsItsEntriesAcrossARecreate()
        throws Exception {
        String file = folder.resolve("levelled.mv").toString();
        ObjectName bean = new ObjectName("io.lapse:type=Cache,name=levelled");
        try (Recorder recorder = Recorder.filtered(context, "(cache.name=levelled)", CacheEvents.TOPIC_ALL)) {
            Cache c = caches.create("levelled", "level", "file", "level_path", file, "max_entries", 10L);
            for (int i = 0; i < 100; i++) {
                c.put("k" + i, "v" + i);
            }
            for (int i = 0; i < 20; i++) {
                c.put("t" + i, "short", Caches.ms(200 + 10 * i));
            }
            for (int i = 0; i < 100; i++) {
                assertEquals("v" + i, c.get("k" + i), "k" + i + " from the heap table or the file");
            }
            Await.until("the cache's MBean", () -> SERVER.isRegistered(bean));
            Await.until("20 cache/expired, with no read or write of those keys",
                () -> recorder.of(CacheEvents.TOPIC_EXPIRED, "levelled").size() >= 20);
            Map<String, Integer> expired = new HashMap<>();
            recorder.of(CacheEvents.TOPIC_EXPIRED, "levelled").forEach(r -> expired.merge(r.key(), 1, Integer::sum));
            assertEquals(20, expired.size(), expired.toString());
            assertTrue(expired.values().stream().allMatch(n -> n == 1), "each expiry once: " + expired);
            for (Recorder.Received r : recorder.of(CacheEvents.TOPIC_EXPIRED, "levelled")) {
                assertEquals("short", r.value());
                assertNotNull(r.expires());
                assertTrue(r.receivedAt >= r.expires(), "never before its deadline: " + r);
            }
            assertEquals(100L, SERVER.getAttribute(bean, "Size"));
            assertEquals(0L, SERVER.getAttribute(bean, "CacheEvictions"), "leaving the heap table is no eviction");
            assertEquals(20L, SERVER.getAttribute(bean, "CacheExpirations"));
            assertTrue(recorder.of(CacheEvents.TOPIC_EVICTED, "levelled").isEmpty());

            assertEquals(11, c.removeKeys(Match.prefix("k9")), "k9 and k90..k99, wherever each was held");
            Await.until("11 cache/removed", () -> recorder.of(CacheEvents.TOPIC_REMOVED, "levelled").size() >= 11);
            assertEquals(List.of("k1", "k10", "k11"), c.keys(Match.prefix("k1"), 0, 3), "lookups read the file");
        }

        caches.delete("levelled");
        caches.awaitGone("levelled");
        Cache again = caches.create("levelled", "level", "file", "level_path", file, "max_entries", 10L);
        assertEquals(89, again.size(), "the file kept every entry the cache held when it stopped");
        assertEquals("v5", again.get("k5"));
        assertNull(again.get("k95"));
        assertNull(again.get("t3"), "expired entries stay expired");
        try (Recorder recorder = Recorder.filtered(context, "(cache.name=levelled)", CacheEvents.TOPIC_CLEARED)) {
            assertEquals(89, again.clear());
            Await.until("cache/cleared", () -> !recorder.of(CacheEvents.TOPIC_CLEARED, "levelled").isEmpty());
            assertEquals(89L, recorder.of(CacheEvents.TOPIC_CLEARED, "levelled").get(0).count());
        }
        assertEquals(0, again.size());
        caches.delete("levelled");
    }

    @Test
    void metatypeDescribesTheLevel() {
        ObjectClassDefinition ocd = metaType.getMetaTypeInformation(Bundles.named(context, "io.lapse.impl"))
            .getObjectClassDefinition(CacheService.FACTORY_PID, null);
        Map<String, AttributeDefinition> attributes = Arrays.stream(ocd.getAttributeDefinitions(
            ObjectClassDefinition.ALL)).collect(Collectors.toMap(AttributeDefinition::getID, Function.identity()));
        AttributeDefinition level = attributes.get("level");
        assertNotNull(level);
        assertEquals(List.of("", "file", "table"), Arrays.asList(level.getOptionValues()));
        assertEquals(List.of(""), Arrays.asList(level.getDefaultValue()));
        assertTrue(level.getDescription().contains("exactly once"), level.getDescription());
        AttributeDefinition path = attributes.get("level_path");
        assertNotNull(path);
        assertTrue(path.getDescription().contains("data area"), path.getDescription());
        assertNull(attributes.get("level_table"), "no property beyond the contract's");
    }
}
