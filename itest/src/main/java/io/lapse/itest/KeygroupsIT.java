package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogReaderService;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEvents;
import io.lapse.cache.Match;
import io.lapse.testing.Await;

/**
 * Keygroups and key lookups configured through ConfigurationAdmin, as a user sets them: a group's
 * invalidation reaches a real {@code EventHandler} as one {@code cache/removed} per entry carrying
 * {@code cache.group}, an expiring entry of a group carries it too, the MBean's
 * {@code invalidateGroup}, {@code groupKeys} and {@code keys} work from the platform MBeanServer,
 * and the cap and the switch apply live.
 */
class KeygroupsIT {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private static final String[] PAGE = {"java.lang.String", "long", "int"};

    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static LogReaderService logReader;

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
    void aGroupIsInvalidatedFromJavaAndJmxWithAnEventPerEntryCarryingTheGroup() throws Exception {
        ObjectName bean = new ObjectName("io.lapse:type=Cache,name=grouped");
        try (Recorder recorder = Recorder.filtered(context, "(cache.name=grouped)", CacheEvents.TOPIC_ALL)) {
            Cache c = caches.create("grouped", "keygroups", "true", "max_group_items", 50L);
            Await.until("the grouped cache's MBean", () -> SERVER.isRegistered(bean));
            for (int i = 0; i < 10; i++) {
                c.put("cart:" + i, "item" + i, null, "user:1");
                c.put("pref:" + i, "p" + i, null, "user:2");
            }
            c.put("soon", "v", Duration.ofMillis(200), "user:3");

            assertEquals(10, c.invalidateGroup("user:1"));
            Await.until("ten cache/removed events", () -> recorder.of(CacheEvents.TOPIC_REMOVED, "grouped").size() == 10);
            for (Recorder.Received r : recorder.of(CacheEvents.TOPIC_REMOVED, "grouped")) {
                assertEquals("user:1", r.group(), r.toString());
                assertTrue(r.key().startsWith("cart:"), r.toString());
            }

            CompositeData page = (CompositeData) SERVER.invoke(bean, "groupKeys", new Object[] {"user:2", 0L, 100}, PAGE);
            assertEquals(keys("pref:", 10), new TreeSet<>(Arrays.asList((String[]) page.get("keys"))));
            assertEquals(-1L, page.get("nextOffset"));
            assertEquals(10L, SERVER.invoke(bean, "invalidateGroup", new Object[] {"user:2"},
                new String[] {"java.lang.String"}));
            Await.until("ten more cache/removed events",
                () -> recorder.of(CacheEvents.TOPIC_REMOVED, "grouped").size() == 20);
            assertTrue(recorder.of(CacheEvents.TOPIC_REMOVED, "grouped").subList(10, 20).stream()
                .allMatch(r -> "user:2".equals(r.group())));

            Await.until("the expiry of 'soon'", () -> recorder.has(CacheEvents.TOPIC_EXPIRED, "grouped", "soon"));
            assertEquals("user:3", recorder.of(CacheEvents.TOPIC_EXPIRED, "grouped").get(0).group());
            assertEquals(0, c.size());
        }
        caches.delete("grouped");
    }

    @Test
    void theCapAndTheSwitchApplyLiveAndBadInputIsRefusedCleanly() throws Exception {
        ObjectName bean = new ObjectName("io.lapse:type=Cache,name=capped-groups");
        Cache c = caches.create("capped-groups", "keygroups", "true", "max_group_items", 2L);
        Await.until("the MBean", () -> SERVER.isRegistered(bean));
        c.put("a", "v", null, "g");
        c.put("b", "v", null, "g");
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> c.put("c", "v", null, "g"));
        assertTrue(full.getMessage().contains("max_group_items 2"), full.getMessage());
        assertNull(c.get("c"));

        caches.configure("capped-groups", "name", "capped-groups", "keygroups", "true", "max_group_items", 3L);
        Await.until("max_group_items 3 to apply", () -> {
            try {
                c.put("c", "v", null, "g");
                return true;
            } catch (IllegalStateException stillTwo) {
                return false;
            }
        });
        assertEquals(Set.of("a", "b", "c"), Set.copyOf(c.groupKeys("g")));

        caches.configure("capped-groups", "name", "capped-groups", "keygroups", "false");
        Await.until("keygroups off to apply", () -> {
            try {
                c.groupKeys("g");
                return false;
            } catch (IllegalStateException off) {
                return true;
            }
        });
        RuntimeMBeanException refused = assertThrows(RuntimeMBeanException.class,
            () -> SERVER.invoke(bean, "invalidateGroup", new Object[] {"g"}, new String[] {"java.lang.String"}));
        assertEquals(IllegalStateException.class, refused.getCause().getClass());
        assertEquals("cache 'capped-groups' has no keygroups: configure keygroups=true to put entries in groups",
            refused.getCause().getMessage());
        RuntimeMBeanException empty = assertThrows(RuntimeMBeanException.class,
            () -> SERVER.invoke(bean, "groupKeys", new Object[] {"", 0L, 10}, PAGE));
        assertEquals(IllegalArgumentException.class, empty.getCause().getClass());
        assertEquals(3, c.size(), "nothing refused changed anything");
        caches.delete("capped-groups");
    }

    @Test
    void aCacheWithATableRefusesKeygroupsNamingBoth() throws Exception {
        try (LogCapture log = new LogCapture(logReader)) {
            Configuration refused = caches.configure("tabled-groups", "name", "tabled-groups", "keygroups", "true",
                "dbtable", "t", "db_url", "jdbc:h2:mem:groups");
            String message = log.await(refused.getPid(), "'keygroups' = true and 'dbtable' = 't' cannot go together");
            assertTrue(message.contains("not created"), message);
            assertEquals(0, caches.registered("tabled-groups"));
        }
        caches.delete("tabled-groups");
    }

    @Test
    void keysLooksUpTheLiveKeysByPrefixGlobAndRegex() throws Exception {
        ObjectName bean = new ObjectName("io.lapse:type=Cache,name=lookups");
        Cache c = caches.create("lookups");
        Await.until("the MBean", () -> SERVER.isRegistered(bean));
        for (int i = 0; i < 30; i++) {
            c.put("user:" + i, "v");
            c.put("session:" + i, "v");
        }
        assertEquals(keys("user:", 30), new TreeSet<>(c.keys(Match.prefix("user:"), 0, 100)));
        assertEquals(Set.of("user:1", "user:10", "user:11", "user:12", "user:13", "user:14", "user:15", "user:16",
            "user:17", "user:18", "user:19"), Set.copyOf(c.keys(Match.glob("user:1*"), 0, 100)));
        List<String> pageOne = c.keys(Match.regex(":2[0-9]$"), 0, 10);
        assertEquals(10, pageOne.size());
        assertTrue(c.keys(Match.regex(":2[0-9]$"), 20, 10).isEmpty());
        CompositeData page = (CompositeData) SERVER.invoke(bean, "keys", new Object[] {"prefix", "session:", 25L, 10},
            new String[] {"java.lang.String", "java.lang.String", "long", "int"});
        assertEquals(5, ((String[]) page.get("keys")).length);
        assertEquals(-1L, page.get("nextOffset"));
        caches.delete("lookups");
    }

    private static Set<String> keys(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).collect(Collectors.toCollection(TreeSet::new));
    }
}
