package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheService;
import io.lapse.cache.Match;
import io.lapse.testing.Await;

/**
 * Caches as a user of Felix sees them: they come and go with their ConfigurationAdmin
 * configurations, change live, refuse bad configurations and bad input with clear messages, and
 * are described by Metatype.
 */
class CacheLifecycleIT {

    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static LogReaderService logReader;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static MetaTypeService metatype;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static CacheService cacheService;

    private static Caches caches;
    private LogCapture log;

    @BeforeAll
    static void caches() {
        caches = new Caches(context, configAdmin);
    }

    @AfterAll
    static void deleteEveryCache() throws Exception {
        caches.deleteAll();
    }

    @BeforeEach
    void listen() {
        log = new LogCapture(logReader);
    }

    @AfterEach
    void stopListening() {
        log.close();
    }
    @Test
    void cachesAppearAndDisappearWithTheirConfigurations() throws Exception {
        Cache sessions = caches.create("appear");
        sessions.put("k", "v");
        assertEquals("v", sessions.get("k"));
        CacheService service = cacheService;
        assertTrue(service.names().contains("appear"));
        assertEquals("v", service.get("appear").get("k"));
        assertEquals(1, caches.registered("appear"));

        caches.delete("appear");
        caches.awaitGone("appear");
        assertFalse(service.find("appear").isPresent());
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> service.get("appear"));
        assertTrue(e.getMessage().contains("'appear'"), e.getMessage());
        // The service goes before the table closes (consumers are unbound first), so wait.
        Await.until("a reference kept to the deleted cache to be refused", () -> {
            try {
                sessions.get("k");
                return false;
            } catch (IllegalStateException closed) {
                assertTrue(closed.getMessage().contains("'appear' has been closed"), closed.getMessage());
                return true;
            }
        });
    }

    @Test
    void changingOrDeletingOneConfigurationLeavesTheOtherCachesAndTheirEntries() throws Exception {
        Cache a = caches.create("iso-a", "autoexpire", "1h");
        Cache b = caches.create("iso-b", "autoexpire", "1h");
        for (int i = 0; i < 100; i++) {
            a.put("k" + i, "a" + i);
            b.put("k" + i, "b" + i);
        }
        caches.configure("iso-a", "name", "iso-a", "autoexpire", "2h", "updateexpire", "false", "initval", "5");
        Await.until("iso-a to take its new initval", () -> Long.valueOf(5).equals(a.get("missing")));
        assertEquals(1, caches.registered("iso-a"), "a change must not re-register the cache");
        assertEquals(100, a.size());
        assertEquals(100, b.size());

        caches.delete("iso-a");
        caches.awaitGone("iso-a");
        assertEquals(100, b.size());
        assertEquals("b7", b.get("k7"));
        caches.delete("iso-b");
        caches.awaitGone("iso-b");
    }

    @Test
    void aTtlChangeAppliesToEntriesWrittenAfterIt() throws Exception {
        Cache c = caches.create("ttl-change", "autoexpire", "1h");
        c.put("before", "v");
        long before = c.getEntry("before").expiresAtMillis();
        caches.configure("ttl-change", "name", "ttl-change", "autoexpire", "300ms");
        Await.until("the new TTL to apply", () -> {
            c.put("probe", "v");
            return c.getEntry("probe").expiresAtMillis() < before - 3_000_000;
        });
        c.put("after", "v");
        Await.until("the entry written after the change to expire", () -> !c.containsKey("after"));
        // Deadlines convert to epoch time to about a millisecond.
        assertEquals(before, c.getEntry("before").expiresAtMillis(), 2, "a stored entry keeps its deadline");
        caches.delete("ttl-change");
    }

    @Test
    void renamingACacheMovesItsServiceAndKeepsItsEntries() throws Exception {
        Cache c = caches.create("old-name");
        c.put("k", "v");
        caches.configure("old-name", "name", "new-name");
        Cache renamed = caches.cache("new-name");
        caches.awaitGone("old-name");
        assertEquals("v", renamed.get("k"));
        assertEquals("new-name", renamed.name());
        assertEquals(Set.of("new-name"), cacheService.names().stream()
            .filter(n -> n.endsWith("-name")).collect(Collectors.toSet()));
        caches.delete("old-name");
        caches.awaitGone("new-name");
    }

    @Test
    void resizingACacheLiveKeepsItsEntries() throws Exception {
        Cache c = caches.create("resized", "size", "2");
        for (int i = 0; i < 5_000; i++) {
            c.put("k" + i, (long) i);
        }
        assertEquals(4, c.stats().slots());
        caches.configure("resized", "name", "resized", "size", "8");
        Await.until("256 slots", () -> c.stats().slots() == 256);
        assertEquals(5_000, c.size());
        for (int i = 0; i < 5_000; i++) {
            assertEquals((long) i, c.get("k" + i));
        }
        caches.delete("resized");
    }

    @Test
    void anInvalidConfigurationIsLoggedNamingItAndItsPropertyAndCreatesNoCache() throws Exception {
        Configuration bad = caches.configure("broken", "name", "broken", "autoexpire", "5q");
        String message = log.await(bad.getPid(), "autoexpire", "5q");
        assertTrue(message.contains("not created"), message);
        assertEquals(0, caches.registered("broken"));

        Configuration unnamed = caches.configure("unnamed", "size", "4");
        assertTrue(log.await(unnamed.getPid(), "'name' is required").contains("not created"));
        Configuration badName = caches.configure("bad-name", "name", "no spaces please");
        log.await(badName.getPid(), "'no spaces please' is not a cache name");

        caches.configure("broken", "name", "broken", "autoexpire", "5s");
        caches.cache("broken").put("fixed", "yes");
        caches.delete("broken");
        caches.delete("unnamed");
        caches.delete("bad-name");
    }

    @Test
    void anInvalidChangeIsLoggedAndTheCacheKeepsItsSettingsAndEntries() throws Exception {
        Cache c = caches.create("steady", "autoexpire", "1h", "initval", "3");
        c.put("k", "v");
        Configuration config = caches.configure("steady", "name", "steady", "autoexpire", "1h", "initval", "three");
        String message = log.await(config.getPid(), "'initval' = 'three'");
        assertTrue(message.contains("keeps its current settings"), message);
        assertEquals(3L, c.get("missing"));
        assertEquals("v", c.get("k"));
        assertEquals(1, caches.registered("steady"));
        caches.delete("steady");
    }

    @Test
    void aDuplicateNameIsRefusedAndTheFirstCacheKeepsItsEntries() throws Exception {
        Cache first = caches.create("dup");
        first.put("k", "v");
        Configuration second = caches.configure("dup-too", "name", "dup");
        String message = log.await(second.getPid(), "'dup' is already used");
        assertTrue(message.contains(CacheService.FACTORY_PID + "~dup"), "names the holder: " + message);
        assertEquals(1, caches.registered("dup"));
        assertEquals("v", first.get("k"));
        caches.delete("dup-too");
        caches.delete("dup");
        caches.awaitGone("dup");
    }

    @Test
    void badInputThroughTheServiceGetsClearErrorsAndLosesNothing() throws Exception {
        Cache c = caches.create("strict");
        c.put("k", "v");
        assertThrows(NullPointerException.class, () -> c.put(null, "v"));
        assertThrows(NullPointerException.class, () -> c.put("k", null));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.put("k", 1.5)).getMessage().contains("Double"));
        assertThrows(IllegalArgumentException.class, () -> c.put("", "v"));
        assertThrows(IllegalArgumentException.class, () -> c.put("x".repeat(Cache.MAX_KEY_LENGTH + 1), "v"));
        assertThrows(IllegalArgumentException.class, () -> c.put("k", "v", Duration.ofSeconds(-1)));
        IllegalArgumentException regex = assertThrows(IllegalArgumentException.class,
            () -> c.removeKeys(Match.regex("([unclosed")));
        assertTrue(regex.getMessage().contains("'strict'") && regex.getMessage().contains("([unclosed"),
            regex.getMessage());
        assertThrows(IllegalStateException.class, () -> c.increment("k", 1));
        assertThrows(NoSuchElementException.class, () -> cacheService.get("no-such-cache"));
        assertEquals("v", c.get("k"));
        assertEquals(1, c.size());
        caches.delete("strict");
    }

    /** The sweep threads, numbered; the sweeper's clock thread ({@code lapse-sweeper-clock}) aside. */
    private static long sweepThreads() {
        return Threads.named("lapse-sweeper-").stream().filter(t -> t.getName().matches("lapse-sweeper-\\d+")).count();
    }

    @Test
    void theSweeperConfigurationAppliesLiveAndItsDeletionTouchesNoCache() throws Exception {
        Cache c = caches.create("swept", "autoexpire", "1h");
        c.put("k", "v");
        Configuration sweeper = caches.configAdmin().getConfiguration(CacheService.SWEEPER_PID, "?");
        java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put("threads", "3");
        props.put("resolution", "5ms");
        sweeper.update(props);
        Await.until("three sweeper threads", () -> sweepThreads() == 3);
        props.put("threads", "zero");
        sweeper.update(props);
        log.await(CacheService.SWEEPER_PID, "'threads' = 'zero'", "keeps its current settings");
        assertEquals(3, sweepThreads());
        sweeper.delete();
        Await.until("one sweeper thread again", () -> sweepThreads() == 1);
        assertEquals("v", c.get("k"));
        assertEquals(1, caches.registered("swept"));
        c.put("short", "v", Duration.ofMillis(50));
        Await.until("the sweeps to go on", () -> c.stats().expirations() == 1);
        caches.delete("swept");
    }

    @Test
    void metatypeDescribesBothConfigurations() throws Exception {
        Bundle impl = Bundles.named(context, "io.lapse.impl");
        MetaTypeInformation info = metatype.getMetaTypeInformation(impl);
        assertArrayEquals(new String[] {CacheService.FACTORY_PID}, info.getFactoryPids());
        assertArrayEquals(new String[] {CacheService.SWEEPER_PID}, info.getPids());

        ObjectClassDefinition cache = info.getObjectClassDefinition(CacheService.FACTORY_PID, null);
        assertDescribed(cache, List.of("name", "size", "autoexpire", "updateexpire", "idleexpire", "initval",
            "statistics", "event_backlog", "event_backlog_bytes", "max_entries", "max_bytes", "max_item_size", "eviction",
            "keygroups", "max_group_items", "replicate", "expiry_events", "level", "level_path", "dbtable", "db_url", "db_driver", "db_user", "db_password", "db_datasource", "db_wait", "db_timeout",
            "dbmode", "db_expires", "key_name_column", "key_type_column", "value_type_column", "key_value_column",
            "expires_column", "cols", "fetch_rows", "array_size_suffix"));
        assertEquals(AttributeDefinition.PASSWORD, attribute(cache, "db_password").getType(), "a password is never shown");
        assertArrayEquals(new String[] {"none", "on-stop", "write-through"}, attribute(cache, "dbmode").getOptionValues());
        assertArrayEquals(new String[] {"owner", "every-node"}, attribute(cache, "expiry_events").getOptionValues());
        assertArrayEquals(new String[] {"false"}, attribute(cache, "replicate").getDefaultValue());
        assertArrayEquals(new String[] {"key_name"}, attribute(cache, "key_name_column").getDefaultValue());
        AttributeDefinition size = attribute(cache, "size");
        assertEquals(AttributeDefinition.INTEGER, size.getType());
        assertArrayEquals(new String[] {"10"}, size.getDefaultValue());
        assertArrayEquals(new String[] {"true"}, attribute(cache, "updateexpire").getDefaultValue());
        assertArrayEquals(new String[] {"false"}, attribute(cache, "statistics").getDefaultValue());
        assertArrayEquals(new String[] {"0"}, attribute(cache, "autoexpire").getDefaultValue());
        assertTrue(Arrays.stream(cache.getAttributeDefinitions(ObjectClassDefinition.REQUIRED))
            .anyMatch(a -> a.getID().equals("name")), "name is required");

        ObjectClassDefinition sweeper = info.getObjectClassDefinition(CacheService.SWEEPER_PID, null);
        assertDescribed(sweeper, List.of("threads", "resolution"));
        assertArrayEquals(new String[] {"10ms"}, attribute(sweeper, "resolution").getDefaultValue());
    }

    private static void assertDescribed(ObjectClassDefinition ocd, List<String> ids) {
        assertTrue(ocd.getDescription() != null && !ocd.getDescription().isBlank(), ocd.getID() + " has no description");
        Set<String> seen = new HashSet<>();
        for (AttributeDefinition a : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            seen.add(a.getID());
            assertTrue(a.getDescription() != null && a.getDescription().length() > 20,
                ocd.getID() + "/" + a.getID() + " is not described");
        }
        assertEquals(new HashSet<>(ids), seen, ocd.getID() + " attributes");
    }

    private static AttributeDefinition attribute(ObjectClassDefinition ocd, String id) {
        return Arrays.stream(ocd.getAttributeDefinitions(ObjectClassDefinition.ALL))
            .filter(a -> a.getID().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void readsOfTheServiceSeeExpiryAtTheDeadline() throws Exception {
        Cache c = caches.create("deadline", "autoexpire", "250ms");
        c.put("k", "v");
        long deadline = c.getEntry("k").expiresAtMillis();
        Await.until("the deadline", () -> System.currentTimeMillis() >= deadline + 5);
        assertNull(c.get("k"));
        assertFalse(c.containsKey("k"));
        assertEquals(0, c.countKeys(Match.prefix("")));
        caches.delete("deadline");
    }
}
