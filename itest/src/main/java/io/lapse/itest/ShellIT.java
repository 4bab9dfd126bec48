package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Hashtable;
import java.util.List;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheService;
import io.lapse.cache.replication.ReplicationStatus;
import io.lapse.testing.Await;

/**
 * The {@code cache:*} commands as a user runs them: typed lines parsed and run by Gogo's
 * {@code CommandProcessor} in a real framework, quoting and all, their output printed to the
 * session.
 */
class ShellIT {

    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static CommandProcessor commandProcessor;

    private static Caches caches;

    @BeforeAll
    static void caches() {
        caches = new Caches(context, configAdmin);
    }

    @AfterAll
    static void deleteEveryCache() throws Exception {
        caches.deleteAll();
    }

    private static final List<String> FUNCTIONS = List.of("list", "get", "set", "seti", "delete", "dump", "stats",
        "reload", "reset", "rm", "cluster", "keys", "group");

    private GogoSession session;
    private Cache cache;

    @BeforeEach
    void open() throws Exception {
        cache = caches.create("shell", "size", "3");
        session = new GogoSession(commandProcessor);
        Await.until("the cache:* commands", () -> {
            try {
                session.run("cache:list");
                return true;
            } catch (Exception notYet) {
                return false;
            }
        });
    }

    @AfterEach
    void close() throws Exception {
        session.close();
        caches.delete("shell");
        caches.awaitGone("shell");
    }

    @Test
    void everyCommandIsRegisteredWithItsUsage() throws Exception {
        for (String function : FUNCTIONS) {
            String help = session.run("cache:" + function + " --help");
            assertTrue(help.startsWith("usage: cache:" + function), function + ": " + help);
        }
    }

    @Test
    void setGetDeleteAndListAsTyped() throws Exception {
        assertEquals("", session.run("cache:set shell 'two words' 'hello world'"));
        assertEquals("", session.run("cache:seti shell hits 41"));
        assertEquals("", session.run("cache:set shell short v 500ms"));
        assertEquals("hello world", cache.get("two words"));
        assertEquals(41L, cache.get("hits"));
        assertTrue(cache.getEntry("short").expiresAtMillis() > 0);
        assertEquals("hello world\n", session.run("cache:get shell 'two words'"));
        String list = session.run("cache:list");
        assertTrue(list.startsWith("NAME"), list);
        assertTrue(list.contains("\nshell  3\n"), list);
        assertEquals("removed 'hits'\n", session.run("cache:delete shell hits"));
        assertFalse(cache.containsKey("hits"));
    }

    @Test
    void dumpStatsResetAndRmByEachKindOfMatch() throws Exception {
        for (int i = 0; i < 6; i++) {
            cache.put("user:" + i, i < 3 ? "old" : "new");
        }
        cache.put("bytes", new byte[] {1, 2, 3}, Duration.ofHours(1));
        String dump = session.run("cache:dump shell 0 3");
        assertEquals(5, dump.split("\n").length, dump);
        assertTrue(dump.endsWith("-- entries 0..2 of 7; next page: cache:dump shell 3 3\n"), dump);
        assertTrue(session.run("cache:dump shell").contains("base64:AQID"));
        String stats = session.run("cache:stats shell");
        assertTrue(stats.contains("size               7\n"), stats);
        assertTrue(session.run("cache:stats").contains("\nshell "));

        // a regex with $ must be quoted, or Gogo expands it as a variable
        assertEquals("removed 3 entries\n", session.run("cache:rm shell --value '^old$'"));
        assertEquals("removed 1 entries\n", session.run("cache:rm shell -k 'user:[4]$'"));
        assertEquals("removed 2 entries\n", session.run("cache:rm shell --prefix user:"));
        assertEquals("removed 1 entries\n", session.run("cache:reset shell"));
        assertEquals(0, cache.size());
    }

    @Test
    void aFailureIsOneLineAndNeverAStackTrace() throws Exception {
        cache.put("keep", "me");
        assertOneLine("cache:get: no cache named 'nope'", "cache:get nope k");
        assertOneLine("cache:get: usage: cache:get <cache> <key>", "cache:get shell");
        assertOneLine("cache:get: cache 'shell' has no live entry for key 'missing'", "cache:get shell missing");
        assertOneLine("cache:seti: 'many' is not an integer", "cache:seti shell k many");
        assertOneLine("cache:rm: cache 'shell': invalid regex '(open'", "cache:rm shell --key '(open'");
        assertOneLine("cache:rm: cache 'shell': key regex '((a{1000}){1000}){1000}' is too complex",
            "cache:rm shell --key '((a{1000}){1000}){1000}'");
        assertOneLine("cache:dump: cache 'shell': offset -5 is negative", "cache:dump shell -5");
        assertOneLine("cache:reload: cache 'shell' has no store to reload from", "cache:reload shell");
        assertOneLine("cache:get: usage: cache:get <cache> <key>", "cache:get $nothing k");
        assertOneLine("cache:seti: '\u0661\u0662' is not an integer", "cache:seti shell k \u0661\u0662");
        assertOneLine("cache:get: no cache named 'mmmmmmmmmm", "cache:get " + "m".repeat(1 << 20) + " k");
        assertOneLine("cache:get: cache 'shell' has no live entry for key 'a\\u2028b'", "cache:get shell 'a\u2028b'");
        assertEquals("me", cache.get("keep"));
        assertEquals(1, cache.size());
        assertEquals("", session.errors(), "nothing printed besides the exception");
    }

    @Test
    void clusterShowsTheStatusAReplicationProviderRegistersForACache() throws Exception {
        assertEquals("no replicated cache\n", session.run("cache:cluster"));
        assertOneLine("cache:cluster: cache 'shell' is not replicated; no cache is", "cache:cluster shell");
        assertOneLine("cache:cluster: no cache named 'nope'", "cache:cluster nope");

        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(CacheService.CACHE_NAME, "shell");
        ServiceRegistration<ReplicationStatus> registration = context.registerService(ReplicationStatus.class,
            new FixedReplicationStatus(ReplicationStatus.State.READY, List.of("127.0.0.1:7401", "127.0.0.1:7402"),
                11, 13, 1, 0.5, 4.75), properties);
        try {
            String all = Await.answer("shell in cache:cluster", Await.TIMEOUT, () -> session.run("cache:cluster"),
                out -> out.contains("\nshell "));
            assertEquals("members: 127.0.0.1:7401 (this node), 127.0.0.1:7402\n"
                + "NAME   STATE  MEMBERS  SENT  RECEIVED  DROPPED  LAG P50 MS  LAG P99 MS\n"
                + "shell  ready  2        11    13        1        0.5         4.8\n", all);
            String one = session.run("cache:cluster shell");
            assertTrue(one.startsWith("name        shell\nstate       ready\nmembers     2\n"), one);
            assertTrue(one.endsWith("member      127.0.0.1:7401 (this node)\nmember      127.0.0.1:7402\n"), one);
        } finally {
            registration.unregister();
        }
        Await.answer("no replicated cache once the status is gone", Await.TIMEOUT, () -> session.run("cache:cluster"),
            "no replicated cache\n"::equals);
        assertEquals("", session.errors(), "nothing printed besides the exceptions");
    }

    private void assertOneLine(String start, String line) {
        Exception e = assertThrows(Exception.class, () -> session.run(line));
        assertTrue(e instanceof IllegalArgumentException || e instanceof IllegalStateException, line + ": " + e);
        assertTrue(e.getMessage().startsWith(start), line + ": " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), line + ": " + e.getMessage());
        assertTrue(e.getMessage().length() < 300, line + ": " + e.getMessage().length() + " characters");
        assertNull(e.getCause(), line + ": no cause for a shell to print");
        assertEquals(0, e.getStackTrace().length, line + ": no stack trace for a shell to print");
    }
}
