package io.lapse.jmx.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheService;
import io.lapse.cache.CacheStats;
import io.lapse.cache.replication.ReplicationStatus.State;
import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.Limits;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;
import io.lapse.jmx.admin.FixedReplicationStatus;
import io.lapse.jmx.admin.InterceptedCache;
import io.lapse.jmx.admin.ReplicationDirectory;
import io.lapse.jmx.admin.StatFigure;

class CacheCommandsTest {

    private final TimeSource time = new TimeSource(Clock.system());
    private final CacheTable sessions = new CacheTable("sessions", new CacheSettings(3, 0, true, 0, null).withStatistics(true)
        .withKeygroups(100), time,
        TableListener.NONE);
    private final CacheTable counters = new CacheTable("counters", new CacheSettings(2, 0, true, 0, 0L), time,
        TableListener.NONE);
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final CacheCommands commands = new CacheCommands(new Directory(sessions, counters),
        new PrintStream(printed, true, StandardCharsets.UTF_8));

    @AfterEach
    void close() {
        sessions.close();
        counters.close();
    }

    @Test
    void setGetDeleteAndList() {
        assertEquals("", output(() -> commands.set("sessions", "u1", "alice")));
        assertEquals("", output(() -> commands.set("sessions", "u2", "bob", "500ms")));
        assertEquals("", output(() -> commands.seti("counters", "hits", "41")));
        assertEquals("alice\n", output(() -> commands.get("sessions", "u1")));
        assertEquals("41\n", output(() -> commands.get("counters", "hits")));
        assertEquals(41L, counters.get("hits"));
        assertTrue(sessions.getEntry("u2").expiresAtMillis() > 0, "the TTL given applies");
        assertEquals(0, sessions.getEntry("u1").expiresAtMillis());
        assertEquals("NAME      SIZE\ncounters  1\nsessions  2\n", output(() -> commands.list()));
        assertEquals("removed 'u1'\n", output(() -> commands.delete("sessions", "u1")));
        assertEquals("no live entry for 'u1'\n", output(() -> commands.delete("sessions", "u1")));
    }

    @Test
    void dumpPrintsARowPerEntryAndTheNextPage() {
        for (int i = 0; i < 5; i++) {
            sessions.put("k" + i, "v" + i);
        }
        sessions.put("line", "a\nb", Duration.ofMinutes(5));
        sessions.put("bytes", new byte[] {1, 2, 3});
        String all = output(() -> commands.dump("sessions"));
        assertTrue(all.startsWith("KEY    TYPE    EXPIRES IN  VALUE\n"), all);
        assertTrue(all.contains("\nline   String  "), all);
        assertTrue(all.contains("a\\nb\n"), "a line break in a value prints as an escape: " + all);
        assertTrue(all.contains("bytes  byte[]  never       base64:AQID\n"), all);
        assertTrue(all.endsWith("-- entries 0..6 of 7\n"), all);
        String first = output(() -> commands.dump("sessions", "0", "2"));
        assertEquals(4, first.split("\n").length, first);
        assertTrue(first.endsWith("-- entries 0..1 of 7; next page: cache:dump sessions 2 2\n"), first);
        assertTrue(output(() -> commands.dump("sessions", "99")).endsWith("-- no entries from offset 99 (7 in all)\n"));
    }

    @Test
    void rmRemovesByKeyRegexValueRegexOrPrefix() {
        for (int i = 0; i < 6; i++) {
            sessions.put("user:" + i, i < 3 ? "old" : "new");
        }
        sessions.put("admin", "new");
        assertEquals("removed 3 entries\n", output(() -> commands.rm("sessions", "--value", "^old$")));
        assertEquals("removed 1 entries\n", output(() -> commands.rm("sessions", "-k", "4$")));
        assertEquals("removed 2 entries\n", output(() -> commands.rm("sessions", "--prefix", "user:")));
        assertEquals("removed 1 entries\n", output(() -> commands.reset("sessions")));
        assertEquals(0, sessions.size());
    }

    @Test
    void keysPrintsTheMatchingKeysAPageAtATime() {
        for (int i = 0; i < 5; i++) {
            sessions.put("user:" + i, "v");
        }
        sessions.put("admin", "v");
        sessions.put("a\nb", "v");
        String all = output(() -> commands.keys("sessions"));
        assertEquals(8, all.split("\n").length, all);
        assertTrue(all.contains("\na\\nb\n") || all.startsWith("a\\nb\n"), "a line break in a key prints as an escape: " + all);
        assertTrue(all.endsWith("-- keys 0..6\n"), all);
        String users = output(() -> commands.keys("sessions", "--prefix", "user:"));
        assertEquals(6, users.split("\n").length, users);
        assertTrue(users.endsWith("-- keys 0..4\n"), users);
        assertEquals("user:3\n-- keys 0..0\n", output(() -> commands.keys("sessions", "-r", "3$")));
        assertEquals("admin\n-- keys 0..0\n", output(() -> commands.keys("sessions", "--glob", "a?m*")));
        String first = output(() -> commands.keys("sessions", "-p", "user:", "0", "2"));
        assertEquals(3, first.split("\n").length, first);
        assertTrue(first.endsWith("-- keys 0..1; next page from offset 2\n"), first);
        assertEquals("-- no matching keys from offset 99\n", output(() -> commands.keys("sessions", "-p", "user:", "99")));
        assertFails("cache:keys: unknown option '--all'; usage: " + "cache:keys <cache> [(--regex <regex> | --prefix <prefix>"
            + " | --glob <glob>) [<offset> [<limit>]]]", () -> commands.keys("sessions", "--all", "x"));
        assertFails("cache:keys: option '--prefix' needs a pattern; usage: cache:keys <cache> [(--regex <regex> | --prefix"
            + " <prefix> | --glob <glob>) [<offset> [<limit>]]]", () -> commands.keys("sessions", "--prefix"));
        assertFails("cache:keys: cache 'sessions': offset -1 is negative", () -> commands.keys("sessions", "-p", "", "-1"));
        assertFails("cache:keys: limit 'ten' is not an integer", () -> commands.keys("sessions", "-p", "", "0", "ten"));
        assertFails("cache:keys: no cache named 'nope'; the caches are counters, sessions", () -> commands.keys("nope"));
    }

    @Test
    void groupListsAGroupsKeysAndInvalidatesIt() {
        for (int i = 0; i < 3; i++) {
            sessions.put("u1:" + i, "v", null, "user:1");
        }
        sessions.put("u2:0", "v", null, "user:2");
        assertEquals("u1:0\nu1:1\nu1:2\n-- keys 0..2\n", output(() -> commands.group("sessions", "user:1")));
        assertEquals("u1:1\n-- keys 1..1; next page from offset 2\n",
            output(() -> commands.group("sessions", "user:1", "1", "1")));
        assertEquals("-- no keys in the group from offset 0\n", output(() -> commands.group("sessions", "nobody")));
        assertEquals("removed 3 entries\n", output(() -> commands.group("sessions", "--invalidate", "user:1")));
        assertEquals("removed 0 entries\n", output(() -> commands.group("sessions", "-i", "user:1")));
        assertEquals(1, sessions.size());
        String usage = "cache:group <cache> (<group> [<offset> [<limit>]] | --invalidate <group>)";
        assertFails("cache:group: usage: " + usage, () -> commands.group("sessions"));
        assertFails("cache:group: usage: " + usage, () -> commands.group("sessions", "--invalidate"));
        assertFails("cache:group: usage: " + usage, () -> commands.group("sessions", "--invalidate", "a", "b"));
        assertFails("cache:group: cache 'sessions': offset -2 is negative", () -> commands.group("sessions", "g", "-2"));
        assertStateFails("cache:group: cache 'counters' has no keygroups: configure keygroups=true to put entries in "
            + "groups", () -> commands.group("counters", "g"));
        assertEquals("v", sessions.get("u2:0"));
    }

    @Test
    void statsOfOneCacheAndOfAll() {
        sessions.put("a", "1");
        sessions.get("a");
        String one = output(() -> commands.stats("sessions"));
        assertTrue(one.startsWith("name               sessions\nsize               1\nslots              8\n"), one);
        assertTrue(one.contains("\nhits               1\n"), one);
        assertTrue(output(() -> commands.stats("counters")).contains("\nhits               off\n"), "counters counts no reads");
        String all = output(() -> commands.stats());
        assertTrue(all.startsWith("NAME      ITEMS  SLOTS"), all);
        assertTrue(all.contains("\nsessions  1      8  "), all);
        assertEquals(3, all.split("\n").length);
    }

    @Test
    void statsShowsTheLimitsTheWeightAndTheEvictions() {
        CacheTable capped = new CacheTable("capped",
            CacheSettings.defaults().withLimits(new Limits(10, 1 << 20, Limits.MAX_ITEM_SIZE)), time, TableListener.NONE);
        try {
            CacheCommands both = new CacheCommands(new Directory(capped, counters),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
            for (int i = 0; i < 100; i++) {
                capped.put("k" + i, "v" + i);
            }
            counters.put("big", "x".repeat(10_000));
            CacheStats cappedStats = capped.stats();
            CacheStats countersStats = counters.stats();

            Map<String, String> one = lines(output(() -> both.stats("capped")));
            assertEquals("10", one.get("max_entries"));
            assertEquals(String.valueOf(1 << 20), one.get("max_bytes"));
            assertEquals(String.valueOf(cappedStats.weightedBytes()), one.get("weighted bytes"));
            assertEquals("90", one.get("evictions"));
            assertEquals("10", one.get("size"));
            Map<String, String> none = lines(output(() -> both.stats("counters")));
            assertEquals("none", none.get("max_entries"), "a limit of 0 is no limit");
            assertEquals("none", none.get("max_bytes"));
            assertEquals(String.valueOf(countersStats.weightedBytes()), none.get("weighted bytes"));
            assertTrue(countersStats.weightedBytes() >= 10_000, "measured, the value included: " + countersStats);
            assertEquals("0", none.get("evictions"));

            String[] all = output(() -> both.stats()).split("\n");
            List<String> headings = List.of(all[0].split(" {2,}"));
            Map<String, List<String>> rows = new TreeMap<>();
            for (int i = 1; i < all.length; i++) {
                List<String> cells = List.of(all[i].split(" {2,}"));
                rows.put(cells.get(0), cells);
            }
            assertEquals(Set.of("capped", "counters"), rows.keySet());
            assertEquals("10", cell(rows.get("capped"), headings, "MAX_ENTRIES"));
            assertEquals(String.valueOf(1 << 20), cell(rows.get("capped"), headings, "MAX_BYTES"));
            assertEquals(String.valueOf(cappedStats.weightedBytes()), cell(rows.get("capped"), headings, "BYTES"));
            assertEquals("90", cell(rows.get("capped"), headings, "EVICTED"));
            assertEquals("none", cell(rows.get("counters"), headings, "MAX_ENTRIES"));
            assertEquals("none", cell(rows.get("counters"), headings, "MAX_BYTES"));
            assertEquals(String.valueOf(countersStats.weightedBytes()), cell(rows.get("counters"), headings, "BYTES"));
        } finally {
            capped.close();
        }
    }

    /** The lines of {@code cache:stats <cache>}, by label. */
    private static Map<String, String> lines(String printed) {
        Map<String, String> byLabel = new TreeMap<>();
        for (String line : printed.split("\n")) {
            String[] labelAndValue = line.split(" {2,}", 2);
            byLabel.put(labelAndValue[0], labelAndValue[1]);
        }
        return byLabel;
    }

    /** The cell of a row of {@code cache:stats} under a heading. */
    private static String cell(List<String> row, List<String> headings, String heading) {
        assertEquals(headings.size(), row.size(), "a cell per heading: " + row);
        return row.get(headings.indexOf(heading));
    }

    @Test
    void statsPrintsEveryFigureInTheOrderOfStatFigure() {
        List<String> labels = new ArrayList<>(List.of("name"));
        List<String> headings = new ArrayList<>(List.of("NAME"));
        for (StatFigure figure : StatFigure.values()) {
            labels.add(figure.label());
            headings.add(figure.heading());
        }
        List<String> printed = new ArrayList<>();
        for (String line : output(() -> commands.stats("sessions")).split("\n")) {
            printed.add(line.split(" {2,}")[0]);
        }
        assertEquals(labels, printed);
        String header = output(() -> commands.stats()).split("\n")[0];
        assertEquals(headings, List.of(header.split(" {2,}")));
    }

    @Test
    void everyFailureIsOneLineNamingTheCommand() {
        sessions.put("keep", "me");
        assertFails("cache:get: usage: cache:get <cache> <key>", () -> commands.get("sessions"));
        assertFails("cache:get: no cache named 'nope'; the caches are counters, sessions", () -> commands.get("nope", "k"));
        assertFails("cache:get: cache 'sessions' has no live entry for key 'a\\nb'", () -> commands.get("sessions", "a\nb"));
        assertFails("cache:seti: 'x1' is not an integer", () -> commands.seti("counters", "k", "x1"));
        assertFails("cache:set: ttl 'soon' is not a duration: expected whole seconds, or a whole number with a unit"
            + " ms, s, m, h or d (e.g. 500ms, 30s, 5m, 2h, 1d)", () -> commands.set("sessions", "k", "v", "soon"));
        assertFails("cache:set: ttl '36501d' is longer than the limit of 36500 days",
            () -> commands.set("sessions", "k", "v", "36501d"));
        assertFails("cache:set: cache 'sessions': key is empty", () -> commands.set("sessions", "", "v"));
        assertFails("cache:dump: cache 'sessions': offset -1 is negative", () -> commands.dump("sessions", "-1"));
        assertFails("cache:dump: limit 'ten' is not an integer", () -> commands.dump("sessions", "0", "ten"));
        assertFails("cache:rm: unknown option '--all'; usage: cache:rm <cache> (--key <regex> | --value <regex>"
            + " | --prefix <prefix>)", () -> commands.rm("sessions", "--all", "x"));
        assertFails("cache:list: usage: cache:list", () -> commands.list("extra"));
        IllegalArgumentException regex = assertThrows(IllegalArgumentException.class,
            () -> commands.rm("sessions", "--key", "(a{1000}){1000}"));
        assertTrue(regex.getMessage().startsWith("cache:rm: cache 'sessions': key regex '(a{1000}){1000}' is too complex"));
        IllegalStateException reload = assertThrows(IllegalStateException.class, () -> commands.reload("sessions"));
        assertEquals("cache:reload: cache 'sessions' has no store to reload from", reload.getMessage());
        assertEquals("me", sessions.get("keep"));
        assertEquals(1, sessions.size());
    }

    @Test
    void anErrorInsideACommandIsOneLineToo() {
        InterceptedCache broken = new InterceptedCache(sessions).failing("removeKeys", StackOverflowError::new)
            .failing("stats", () -> new OutOfMemoryError("Java heap space"));
        CacheCommands failing = new CacheCommands(new Directory(broken.cache()),
            new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertFailsCleanly("cache:rm: ", "StackOverflowError", () -> failing.rm("sessions", "--key", "x"));
        assertFailsCleanly("cache:stats: ", "OutOfMemoryError: Java heap space", () -> failing.stats("sessions"));
        assertFailsCleanly("cache:stats: ", "OutOfMemoryError: Java heap space", () -> failing.stats());
    }

    @Test
    void aNullArgumentIsAUsageErrorNotANullPointer() {
        assertFails("cache:get: usage: cache:get <cache> <key>", () -> commands.get(null, "k"));
        assertFails("cache:list: usage: cache:list", () -> commands.list((String) null));
        assertFails("cache:reset: usage: cache:reset <cache>", () -> commands.reset((String) null));
        assertFails("cache:dump: usage: cache:dump <cache> [<offset> [<limit>]]", () -> commands.dump("sessions", null));
    }

    @Test
    void onlyAsciiDigitsMakeANumber() {
        assertFails("cache:seti: '\u0661\u0662\u0663' is not an integer", () -> commands.seti("counters", "k", "\u0661\u0662\u0663"));
        assertFails("cache:seti: '\uFF11\uFF12' is not an integer", () -> commands.seti("counters", "k", "\uFF11\uFF12"));
        assertFails("cache:seti: ttl '\u0967' is not a duration: use the digits 0-9",
            () -> commands.seti("counters", "k", "1", "\u0967"));
        assertFails("cache:dump: offset '\u0663' is not an integer", () -> commands.dump("sessions", "\u0663"));
        assertFails("cache:dump: limit '\uFF11' is not an integer", () -> commands.dump("sessions", "0", "\uFF11"));
        assertFalse(counters.containsKey("k"));
        assertEquals("", output(() -> commands.seti("counters", "k", "-12")));
        assertEquals(-12L, counters.get("k"));
        assertEquals("", output(() -> commands.seti("counters", "k", "+7")));
        assertEquals(7L, counters.get("k"));
    }

    @Test
    void whatWasTypedIsShortenedInAMessage() {
        String megabyte = "m".repeat(1 << 20);
        sessions.put("keep", "me");
        for (Executable call : new Executable[] {() -> commands.get(megabyte, "k"), () -> commands.stats(megabyte),
            () -> commands.rm("sessions", megabyte, "x"), () -> commands.seti("counters", "k", megabyte),
            () -> commands.dump("sessions", "0", megabyte), () -> commands.set("sessions", "k", "v", megabyte),
            () -> commands.keys("sessions", megabyte, "x"), () -> commands.keys("sessions", "-p", "", megabyte),
            () -> commands.get("sessions", "m".repeat(4096))}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
            assertTrue(e.getMessage().length() < 300 && e.getMessage().contains(" characters)"), e.getMessage().length()
                + ": " + e.getMessage().substring(0, Math.min(300, e.getMessage().length())));
        }
        assertEquals(1, sessions.size());
    }

    @Test
    void lineAndParagraphSeparatorsPrintAsEscapes() {
        sessions.put("a\u2028b", "c\u2029d\u0085e");
        assertEquals("c\\u2029d\\u0085e\n", output(() -> commands.get("sessions", "a\u2028b")));
        assertFails("cache:get: cache 'sessions' has no live entry for key 'x\\u2028y'",
            () -> commands.get("sessions", "x\u2028y"));
    }

    @Test
    void clusterPrintsTheMembersAndARowPerReplicatedCache() {
        ReplicationDirectory replication = new ReplicationDirectory();
        CacheCommands clustered = new CacheCommands(new Directory(sessions, counters), replication,
            new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertEquals("no replicated cache\n", output(() -> clustered.cluster()));

        replication.addStatus(new FixedReplicationStatus(State.JOINING, List.of("10.0.0.1:7400"), 0, 3, 0, 0, 0),
            Map.of(CacheService.CACHE_NAME, "counters"));
        replication.addStatus(new FixedReplicationStatus(State.READY, List.of("10.0.0.1:7400", "10.0.0.2:7400"),
            5, 7, 2, 1.5, 12.25), Map.of(CacheService.CACHE_NAME, "sessions"));
        assertEquals("members: 10.0.0.1:7400 (this node), 10.0.0.2:7400\n"
            + "NAME      STATE    MEMBERS  SENT  RECEIVED  DROPPED  LAG P50 MS  LAG P99 MS\n"
            + "counters  joining  1        0     3         0        0.0         0.0\n"
            + "sessions  ready    2        5     7         2        1.5         12.3\n",
            output(() -> clustered.cluster()), "the members of a cache that is caught up, not of one still joining");

        assertEquals("name        sessions\n"
            + "state       ready\n"
            + "members     2\n"
            + "sent        5\n"
            + "received    7\n"
            + "dropped     2\n"
            + "lag p50 ms  1.5\n"
            + "lag p99 ms  12.3\n"
            + "member      10.0.0.1:7400 (this node)\n"
            + "member      10.0.0.2:7400\n", output(() -> clustered.cluster("sessions")));
        assertEquals("usage: cache:cluster [<cache>]\n", output(() -> clustered.cluster("--help")));
    }

    @Test
    void clusterOfACacheNobodyReplicatesOrOfNoCacheIsOneLineNamingIt() {
        ReplicationDirectory replication = new ReplicationDirectory();
        CacheCommands clustered = new CacheCommands(new Directory(sessions, counters), replication,
            new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertFails("cache:cluster: no cache named 'nope'; the caches are counters, sessions",
            () -> clustered.cluster("nope"));
        assertStateFails("cache:cluster: cache 'sessions' is not replicated; no cache is",
            () -> clustered.cluster("sessions"));
        replication.addStatus(new FixedReplicationStatus(State.READY, List.of("10.0.0.1:7400"), 0, 0, 0, 0, 0),
            Map.of(CacheService.CACHE_NAME, "counters"));
        assertStateFails("cache:cluster: cache 'sessions' is not replicated; the replicated caches are counters",
            () -> clustered.cluster("sessions"));
        assertFails("cache:cluster: usage: cache:cluster [<cache>]", () -> clustered.cluster("sessions", "extra"));
        assertFails("cache:cluster: usage: cache:cluster [<cache>]", () -> clustered.cluster((String) null));
        assertFails("cache:cluster: no cache named 'a\\nb'; the caches are counters, sessions",
            () -> clustered.cluster("a\nb"));
        assertStateFails("cache:cluster: cache 'sessions' is not replicated; no cache is",
            () -> commands.cluster("sessions"));
    }

    @Test
    void helpPrintsTheUsage() {
        assertEquals("usage: cache:rm <cache> (--key <regex> | --value <regex> | --prefix <prefix>)\n",
            output(() -> commands.rm("--help")));
        assertEquals("usage: cache:get <cache> <key>\n", output(() -> commands.get("-h")));
    }

    @Test
    void ttlsReadLikeTheConfiguration() {
        long before = System.currentTimeMillis();
        commands.set("sessions", "seconds", "v", "30");
        commands.set("sessions", "days", "v", "1d");
        commands.seti("counters", "unit", "1", " 5M ");
        commands.set("sessions", "never", "v", "0");
        long after = System.currentTimeMillis();
        assertDeadlineWithin(sessions.getEntry("seconds").expiresAtMillis(), before, after, 30_000);
        assertDeadlineWithin(sessions.getEntry("days").expiresAtMillis(), before, after, 86_400_000);
        assertDeadlineWithin(counters.getEntry("unit").expiresAtMillis(), before, after, 300_000);
        assertEquals(0, sessions.getEntry("never").expiresAtMillis());
    }

    @Test
    void timeLeftIsRoundedToItsLargestUnitInTheTtlSyntax() {
        assertEquals("never", CacheCommands.timeLeft(0));
        assertEquals("850ms", CacheCommands.timeLeft(850));
        assertEquals("30s", CacheCommands.timeLeft(29_500));
        assertEquals("1m", CacheCommands.timeLeft(59_700));
        assertEquals("12m", CacheCommands.timeLeft(12 * 60_000 + 5));
        assertEquals("3h", CacheCommands.timeLeft(3 * 3_600_000 - 1_000));
        assertEquals("36500d", CacheCommands.timeLeft(Cache.MAX_TTL.toMillis()));
    }

    /**
     * The deadline is the TTL after a moment between {@code before} and {@code after}, give or
     * take a second: the table converts its monotonic deadline to epoch millis with an estimate.
     */
    private static void assertDeadlineWithin(long deadline, long before, long after, long ttlMillis) {
        assertTrue(deadline >= before + ttlMillis - 1_000 && deadline <= after + ttlMillis + 1_000,
            deadline + " is not " + ttlMillis + " ms after a moment in [" + before + ", " + after + "]");
    }

    /** What the command printed. */
    private String output(Runnable command) {
        printed.reset();
        command.run();
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** The call fails with exactly this one-line message, no cause, and prints nothing. */
    private void assertFails(String message, Executable call) {
        printed.reset();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertNull(e.getCause());
        assertEquals("", printed.toString(StandardCharsets.UTF_8));
    }

    /** The call fails with an IllegalStateException on one line naming the cache, and prints nothing. */
    private void assertFailsCleanly(String start, String detail, Executable call) {
        printed.reset();
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertTrue(e.getMessage().startsWith(start) && e.getMessage().contains("'sessions'")
            && e.getMessage().contains(detail), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertNull(e.getCause());
        assertEquals(0, e.getStackTrace().length);
        assertEquals("", printed.toString(StandardCharsets.UTF_8));
    }

    /** The call fails with exactly this IllegalStateException, on one line with no cause or stack trace, and prints nothing. */
    private void assertStateFails(String message, Executable call) {
        printed.reset();
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertEquals(message, e.getMessage());
        assertNull(e.getCause());
        assertEquals(0, e.getStackTrace().length);
        assertEquals("", printed.toString(StandardCharsets.UTF_8));
    }

    /** A CacheService over fixed caches. */
    private static final class Directory implements CacheService {
        private final SortedMap<String, Cache> caches = new TreeMap<>();

        Directory(Cache... all) {
            for (Cache c : all) {
                caches.put(c.name(), c);
            }
        }

        @Override
        public Optional<Cache> find(String name) {
            return Optional.ofNullable(caches.get(name));
        }

        @Override
        public Cache get(String name) {
            return find(name).orElseThrow(NoSuchElementException::new);
        }

        @Override
        public SortedSet<String> names() {
            return Collections.unmodifiableSortedSet(new TreeSet<>(caches.keySet()));
        }
    }
}
