package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.management.AttributeNotFoundException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.lapse.testing.Await;

/**
 * Three copies of the runnable distribution as one cluster, each in a JVM of its own, as a user
 * runs them: each in its own folder with its own {@code data/}, its own JMX port and its own
 * Hazelcast port on 127.0.0.1, and an {@code etc/io.lapse.cluster.cfg} listing the same three
 * members (a cluster name of this run's own, so that no other run's member joins). They
 * replicate two caches configured in {@code etc/}: {@code shared} (entries live an hour) and
 * {@code expiring} (four seconds, {@code expiry_events=owner}). The tests drive the nodes over
 * remote JMX only, and judge by what every node's MBean dumps and by the expiry lines
 * the example bundle logs on each node's console.
 *
 * <p>The three JVMs start once for the class; a test that stops or kills a node leaves it to the
 * next test's set-up to start it again. Every wait is bounded; a failure carries the tails of the
 * nodes' console logs. The figures measured (join time, lag, convergence) are printed as
 * {@code [cluster] ...} lines.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterDistributionIT {

    private static final String SHARED = "shared";
    private static final String EXPIRING = "expiring";
    /** The {@code autoexpire} of {@code expiring}. */
    private static final long EXPIRING_TTL_MILLIS = 4_000;
    private static final int NODES = 3;
    /** A JVM start with Hazelcast, three of them at once on a loaded two-core machine. */
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    /** Where the Hazelcast ports are looked for: none of Hazelcast's defaults (5701-5710). */
    private static final int FIRST_HAZELCAST_PORT = 5750;
    private static final int LAST_HAZELCAST_PORT = 5799;
    private static final Pattern EXPIRY_LINE = Pattern.compile("expired: cache '" + EXPIRING + "' key '([^']*)'");
    private static final Pattern JOINED = Pattern.compile("cache '" + SHARED
        + "': joined with (\\d+) entries from member \\S+ in (\\d+) ms");

    private static final List<DistributionNode> nodes = new ArrayList<>();

    @RegisterExtension
    static final NodeLogsOnFailure LOGS = new NodeLogsOnFailure(() -> nodes);

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    static void startThreeNodes() throws Exception {
        Path built = Paths.get(System.getProperty("lapse.dist", "../dist/target/lapse")).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(built.resolve("bin/felix.jar")), "no distribution at " + built
            + ": run 'mvn install', which builds dist before itest");
        List<Integer> ports = freeHazelcastPorts();
        String members = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        String cluster = "lapse-it-" + ProcessHandle.current().pid();
        for (int i = 0; i < NODES; i++) {
            Map<String, String> etc = new LinkedHashMap<>();
            etc.put("io.lapse.cluster.cfg", "cluster_name = " + cluster + "\nmembers = " + members + "\nport = "
                + ports.get(i) + "\nport_count = 1\n");
            etc.put("io.lapse.cache-" + SHARED + ".cfg", "name = " + SHARED + "\nreplicate = true\nautoexpire = 1h\n");
            etc.put("io.lapse.cache-" + EXPIRING + ".cfg", "name = " + EXPIRING
                + "\nreplicate = true\nautoexpire = " + EXPIRING_TTL_MILLIS + "ms\nexpiry_events = owner\n");
            nodes.add(DistributionNode.install("node" + (i + 1), built,
                Paths.get("target/cluster-run/node" + (i + 1)).toAbsolutePath(), etc));
        }
        long t0 = System.nanoTime();
        // the first alone, so the others find a cluster to join rather than racing to found one
        nodes.get(0).start();
        awaitReady(nodes.subList(0, 1), 1);
        nodes.get(1).start();
        nodes.get(2).start();
        awaitReady(nodes, NODES);
        figure("three nodes started and ready in " + millisSince(t0) + " ms (Hazelcast ports " + members + ")");
    }

    @AfterAll
    static void stopTheNodes() throws Exception {
        for (DistributionNode n : nodes) {
            n.close();
        }
    }

    /** Every test starts with the three nodes running, ready, and both caches empty. */
    @BeforeEach
    void wholeClusterWithEmptyCaches() throws Exception {
        List<DistributionNode> stopped = nodes.stream().filter(n -> !n.isAlive()).collect(Collectors.toList());
        for (DistributionNode n : stopped) {
            n.start();
        }
        awaitReady(nodes, NODES);
        for (String cache : List.of(SHARED, EXPIRING)) {
            nodes.get(0).invoke(cache, "reset");
            for (DistributionNode n : nodes) {
                Await.answer(n + " to hold nothing in '" + cache + "'", CONVERGE,
                    () -> ((Number) n.attribute(cache, "Size")).longValue() == 0);
            }
        }
    }

    // ---------------------------------------------------------------------------- the tests

    @Test
    @Order(1)
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyOperationOfTheMBeanReachesTheOtherTwoNodesFromEachNode() throws Exception {
        long slowest = 0;
        for (int o = 0; o < NODES; o++) {
            DistributionNode origin = nodes.get(o);
            String p = "op" + o + ":";
            Map<String, Expect> model = new TreeMap<>();

            long t = System.currentTimeMillis();
            origin.invoke(SHARED, "sets", p + "s", "text-" + o);
            model.put(p + "s", new Expect("String", "text-" + o, t, 3_600_000));
            origin.invoke(SHARED, "seti", p + "n", 42L + o);
            model.put(p + "n", new Expect("Long", Long.toString(42 + o), t, 3_600_000));
            origin.invoke(SHARED, "sets", p + "x", "short");
            assertEquals(true, origin.invoke(SHARED, "setex", p + "x", 120L));
            model.put(p + "x", new Expect("String", "short", t, 120_000));
            origin.invoke(SHARED, "sets", p + "never", "forever");
            assertEquals(true, origin.invoke(SHARED, "setex", p + "never", 0L));
            model.put(p + "never", new Expect("String", "forever", t, 0));
            origin.invoke(SHARED, "sets", p + "del", "to-delete");
            model.put(p + "del", new Expect("String", "to-delete", t, 3_600_000));
            for (int k = 1; k <= 3; k++) {
                origin.invoke(SHARED, "sets", p + "rk:" + k, "by-key");
                model.put(p + "rk:" + k, new Expect("String", "by-key", t, 3_600_000));
            }
            for (int k = 1; k <= 2; k++) {
                origin.invoke(SHARED, "sets", p + "rv:" + k, "doomed-" + o + "-" + k);
                model.put(p + "rv:" + k, new Expect("String", "doomed-" + o + "-" + k, t, 3_600_000));
            }
            origin.invoke(SHARED, "sets", p + "rv:keep", "kept-" + o);
            model.put(p + "rv:keep", new Expect("String", "kept-" + o, t, 3_600_000));
            long written = System.nanoTime();
            assertHolds(awaitConverged(SHARED, CONVERGE), model, System.currentTimeMillis(), origin + "'s writes");
            slowest = Math.max(slowest, millisSince(written));

            // the entries now live on every node: removing them on one removes them everywhere
            t = System.currentTimeMillis();
            assertEquals(true, origin.invoke(SHARED, "delete", p + "del"));
            model.remove(p + "del");
            assertEquals(3L, origin.invoke(SHARED, "removeKeysMatching", "^" + p + "rk:"));
            model.keySet().removeIf(k -> k.startsWith(p + "rk:"));
            assertEquals(2L, origin.invoke(SHARED, "removeValuesMatching", "^doomed-" + o + "-"));
            model.keySet().removeIf(k -> k.startsWith(p + "rv:") && !k.endsWith("keep"));
            assertEquals(true, origin.invoke(SHARED, "setex", p + "s", 300L));
            model.put(p + "s", new Expect("String", "text-" + o, t, 300_000));
            origin.invoke(SHARED, "seti", p + "n", 7L);
            model.put(p + "n", new Expect("Long", "7", t, 3_600_000));
            written = System.nanoTime();
            assertHolds(awaitConverged(SHARED, CONVERGE), model, System.currentTimeMillis(), origin + "'s changes");
            slowest = Math.max(slowest, millisSince(written));

            assertEquals((long) model.size(), origin.invoke(SHARED, "reset"));
            written = System.nanoTime();
            assertEquals(0, awaitConverged(SHARED, CONVERGE).size(), origin + "'s reset empties every node");
            slowest = Math.max(slowest, millisSince(written));
        }
        figure("operations of each kind from each node: the slowest step reached all three dumps in " + slowest
            + " ms (dumps polled every 100 ms)");
    }

    @Test
    @Order(2)
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void concurrentWritesOfTheThreeNodesToTheSameKeysConverge() throws Exception {
        int keys = 150;
        long perThread = 800;
        List<DistributionNode> threads = List.of(nodes.get(0), nodes.get(1), nodes.get(2), nodes.get(0), nodes.get(1),
            nodes.get(2));
        Map<String, AtomicLong> made = new ConcurrentHashMap<>();
        long t0 = System.nanoTime();
        try (MBeanLoad load = MBeanLoad.start(threads, perThread, Duration.ZERO, (node, thread, random, n) -> {
            String op = anyChange(node, SHARED, "c:", keys, random, n < perThread / 2 && random.nextInt(400) == 0);
            made.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
        })) {
            load.awaitFinished(CONVERGE);
            assertEquals(List.of(), load.failures(), "no call fails while every node runs");
            assertEquals(threads.size() * perThread, load.calls());
        }
        long writing = millisSince(t0);
        long t1 = System.nanoTime();
        CacheContents agreed = awaitConverged(SHARED, CONVERGE);
        long converged = millisSince(t1);
        assertTrue(made.containsKey("reset"), "the mix held a reset: " + made);
        figure(threads.size() * perThread + " concurrent operations " + new TreeMap<>(made) + " from 3 nodes on "
            + keys + " keys in " + writing + " ms; the three dumps agreed " + converged + " ms after the last ("
            + agreed.size() + " entries); " + replicationFigures(SHARED));
    }

    @Test
    @Order(3)
    @Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aNodeJoiningHundredThousandEntriesHasThemAllWhenReadyAndMissesNoChangeMadeMeanwhile() throws Exception {
        int entries = 100_000;
        DistributionNode joiner = nodes.get(2);
        List<DistributionNode> others = nodes.subList(0, 2);
        joiner.stop();
        for (DistributionNode n : others) {
            Await.answer(n + " to see the cluster without " + joiner, START,
                () -> ((Number) n.attribute(SHARED, "ClusterMembers")).intValue() == 2);
        }

        // a JMX call per entry, from four threads per node: the MBean has no batch write
        long t0 = System.nanoTime();
        List<DistributionNode> seeders = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            seeders.add(others.get(t % 2));
        }
        try (MBeanLoad seed = MBeanLoad.start(seeders, entries / seeders.size(), Duration.ZERO,
            (node, thread, random, n) -> {
                long i = thread + n * seeders.size();
                node.invoke(SHARED, "sets", "seed:" + i, "s" + i);
            })) {
            seed.awaitFinished(Duration.ofMinutes(2));
            assertEquals(List.of(), seed.failures());
        }
        long seeding = millisSince(t0);
        for (DistributionNode n : others) {
            Await.answer(n + " to hold the " + entries + " entries", CONVERGE,
                () -> ((Number) n.attribute(SHARED, "Size")).longValue() == entries);
        }

        // changes on both other nodes all through the join, each thread on its own seeds so that the
        // last value of every key it touched is known: new values, new types, new deadlines. None
        // adds or removes a key, so that the joiner's size when it first reads ready tells whether
        // it has every key
        Map<String, String> lastWritten = new ConcurrentHashMap<>();
        AtomicLong duringJoin = new AtomicLong();
        AtomicReference<String> state = new AtomicReference<>("not started");
        MBeanLoad.Call change = (node, thread, random, n) -> {
            if (!"ready".equals(state.get())) {
                duringJoin.incrementAndGet();
            }
            String key = "seed:" + (thread + 2 * random.nextInt(entries / 2));
            String value;
            if (n % 4 == 3) {
                // a new deadline only: the dumps' comparison checks it
                node.invoke(SHARED, "setex", key, 600L + n);
                return;
            } else if (n % 4 == 0) {
                node.invoke(SHARED, "seti", key, n);
                value = Long.toString(n);
            } else {
                value = "rewritten-" + thread + "-" + n;
                node.invoke(SHARED, "sets", key, value);
            }
            lastWritten.put(key, value);
        };
        long readyAt;
        long startedAt;
        long sizeWhenReady;
        List<String> statesSeen = new ArrayList<>();
        try (MBeanLoad writers = MBeanLoad.start(others, Long.MAX_VALUE, Duration.ofMillis(2), change)) {
            startedAt = System.nanoTime();
            joiner.start();
            joiner.awaitUp(START, SHARED);
            String seen = Await.answer(joiner + " to be ready", START, () -> {
                String s = (String) joiner.attribute(SHARED, "ReplicationState");
                if (statesSeen.isEmpty() || !statesSeen.get(statesSeen.size() - 1).equals(s)) {
                    statesSeen.add(s);
                }
                state.set(s);
                return s;
            }, "ready"::equals);
            readyAt = System.nanoTime();
            sizeWhenReady = ((Number) joiner.attribute(SHARED, "Size")).longValue();
            assertEquals("ready", seen);
            long after = writers.calls();
            Await.until("changes after the join too", CONVERGE, () -> writers.calls() >= after + 200
                || !writers.failures().isEmpty());
            writers.stop();
            assertEquals(List.of(), writers.failures());
        }
        assertEquals(entries, sizeWhenReady, joiner + " holds every key when it first reads ready (states "
            + statesSeen + ")");

        long t1 = System.nanoTime();
        Agreement agreement = awaitAgreement(SHARED, CONVERGE);
        long converged = millisSince(t1);
        CacheContents agreed = agreement.contents();
        assertEquals(entries, agreed.size());
        List<String> wrong = new ArrayList<>();
        lastWritten.forEach((key, value) -> {
            CacheContents.Entry e = agreed.get(key);
            String held = e == null ? "(none)" : e.value();
            if (!held.equals(value) && wrong.size() < 10) {
                wrong.add(key + ": written " + value + ", held " + held);
            }
        });
        assertEquals(List.of(), wrong, "every node holds the last value written of every key");

        Matcher joined = JOINED.matcher(String.join("\n", joiner.currentLog()));
        assertTrue(joined.find(), joiner + " logs its join");
        assertTrue(Long.parseLong(joined.group(1)) >= entries, joined.group());
        figure("seeding " + entries + " entries through the MBean (one call each, 8 threads on 2 nodes): " + seeding
            + " ms");
        figure("join of " + joined.group(1) + " entries: " + joined.group(2) + " ms from the sync request to ready (the"
            + " joiner's log); " + millisBetween(startedAt, readyAt) + " ms from the JVM's launch to ready; states "
            + statesSeen + "; " + duringJoin.get() + " changes made on the other nodes before it read ready, "
            + lastWritten.size() + " keys touched in all; the dumps agreed " + converged
            + " ms after the writes stopped (" + agreement + "); " + replicationFigures(SHARED));
    }

    @Test
    @Order(4)
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aMemberKilledDuringWritesRejoinsWhenRestartedAndTheThreeConverge() throws Exception {
        // the oldest member: the cluster's master, and the first one a joiner asks for a snapshot
        DistributionNode victim = nodes.get(0);
        List<DistributionNode> survivors = nodes.subList(1, 3);
        int keys = 300;
        MBeanLoad.Call change = (node, thread, random, n) -> anyChange(node, SHARED, "k:", keys, random, false);
        long killedAt;
        long detected;
        long restartedAt;
        long readyAt;
        try (MBeanLoad writers = MBeanLoad.start(nodes, Long.MAX_VALUE, Duration.ofMillis(1), change)) {
            Await.until("writes from the three nodes", CONVERGE, () -> writers.calls() >= 1_500
                || !writers.failures().isEmpty());
            assertEquals(List.of(), writers.failures());
            killedAt = System.currentTimeMillis();
            victim.kill();
            long t0 = System.nanoTime();
            for (DistributionNode n : survivors) {
                Await.answer(n + " to see " + victim + " gone", CONVERGE,
                    () -> ((Number) n.attribute(SHARED, "ClusterMembers")).intValue() == 2);
            }
            detected = millisSince(t0);
            long afterKill = writers.calls();
            Await.until("writes on the survivors after the kill", CONVERGE,
                () -> writers.calls() >= afterKill + 500);

            long t1 = System.nanoTime();
            victim.start();
            awaitReady(List.of(victim), NODES);
            restartedAt = t1;
            readyAt = System.nanoTime();
            // the restarted node writes too, while the others go on
            try (MBeanLoad again = MBeanLoad.start(List.of(victim), 300, Duration.ZERO,
                (node, thread, random, n) -> anyChange(node, SHARED, "k:", keys, random, false))) {
                again.awaitFinished(CONVERGE);
                assertEquals(List.of(), again.failures());
            }
            writers.stop();
            List<MBeanLoad.Failure> failures = writers.failures();
            assertTrue(failures.stream().allMatch(f -> f.node() == victim && f.atMillis() >= killedAt),
                "only the killed node's writer fails, and only once killed: " + failures);
        }
        long t2 = System.nanoTime();
        CacheContents agreed = awaitConverged(SHARED, CONVERGE);
        long converged = millisSince(t2);
        assertTrue(agreed.size() > 0, "the writes left entries");
        figure("kill -9 of " + victim + " during writes: the others saw it gone after " + detected
            + " ms; restarted, it was ready " + millisBetween(restartedAt, readyAt) + " ms after its JVM's launch;"
            + " the three dumps agreed " + converged + " ms after the writes stopped (" + agreed.size()
            + " entries); " + replicationFigures(SHARED));
    }

    @Test
    @Order(5)
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyEntryIsRaisedExpiredOnceInTheClusterWhenAnOwnerIsKilledMidway() throws Exception {
        int entries = 10_000;
        long spreadMillis = 4_000;
        DistributionNode victim = nodes.get(1);
        Map<DistributionNode, Integer> linesBefore = new HashMap<>();
        Map<DistributionNode, Long> postedBefore = new HashMap<>();
        Map<DistributionNode, long[]> changesBefore = new HashMap<>();
        for (DistributionNode n : nodes) {
            linesBefore.put(n, n.allLogs().size());
            postedBefore.put(n, posted(n));
            changesBefore.put(n, changes(n));
        }
        long[] writtenAt = new long[entries];
        long t0 = System.currentTimeMillis();
        List<DistributionNode> writers = new ArrayList<>(nodes);
        writers.addAll(nodes);
        // entry i is written by node i % 3, not before t0 + i * spread / entries: deadlines spread
        // over the four seconds after the first's
        try (MBeanLoad load = MBeanLoad.start(writers, entries / writers.size() + 1, Duration.ZERO,
            (node, thread, random, n) -> {
                int i = (int) (thread + n * writers.size());
                if (i >= entries) {
                    return;
                }
                long wait = t0 + i * spreadMillis / entries - System.currentTimeMillis();
                if (wait > 0) {
                    TimeUnit.MILLISECONDS.sleep(wait);
                }
                node.invoke(EXPIRING, "sets", "e:" + i, "x" + i);
                writtenAt[i] = System.currentTimeMillis();
            })) {
            load.awaitFinished(Duration.ofSeconds(60));
            assertEquals(List.of(), load.failures());
        }
        long written = System.currentTimeMillis() - t0;
        // what is tested is the handover of expiries, not the loss of the changes a crash leaves in
        // the victim's outbox (the README says a crash loses those): every node holds the others'
        // writes before the kill
        Await.answer("every write to have reached the other two nodes", CONVERGE,
            () -> unreplicated(changesBefore, entries), u -> u == 0);
        long replicated = System.currentTimeMillis() - t0;

        int atKill = Await.answer("a quarter of the entries to be raised expired", Duration.ofSeconds(60),
            () -> expiryLines(linesBefore).values().stream().mapToInt(List::size).sum(), c -> c >= entries / 4);
        Long counted = eventsDuplicated(victim);
        String victimLag = "p99 " + victim.attribute(EXPIRING, "ExpiryLagP99Millis") + " ms, max "
            + victim.attribute(EXPIRING, "ExpiryLagMaxMillis") + " ms";
        long killedAt = System.currentTimeMillis();
        victim.kill();
        assertTrue(atKill < entries * 9 / 10, "the kill came mid-run: " + atKill + " of " + entries
            + " raised before it");
        List<DistributionNode> survivors = nodes.stream().filter(n -> n != victim).collect(Collectors.toList());
        for (DistributionNode n : survivors) {
            Await.answer(n + " to expire every entry", Duration.ofSeconds(60),
                () -> ((Number) n.attribute(EXPIRING, "Size")).longValue() == 0);
        }
        // every key raised somewhere, and each survivor's log holding a line for every event it posted
        // (the example bundle logs in the handler, so a posted event's line is on its way)
        Await.answer("every entry raised, and the survivors' lines caught up with their events",
            Duration.ofSeconds(60), () -> deliveryState(survivors, linesBefore, postedBefore, entries),
            state -> state.values().stream().allMatch(v -> v == 0));
        Map<String, List<DistributionNode>> raisedBy = new HashMap<>();
        Map<DistributionNode, List<String>> lines = expiryLines(linesBefore);
        lines.forEach((node, keys) -> keys.forEach(k -> raisedBy.computeIfAbsent(k, x -> new ArrayList<>()).add(node)));
        // a deadline is about the write's time plus the TTL: that, from the kill, says when in the
        // run an expiry was lost or raised twice
        List<Long> missing = new ArrayList<>();
        List<Long> twice = new ArrayList<>();
        Map<String, Integer> twiceBy = new TreeMap<>();
        long extra = 0;
        for (int i = 0; i < entries; i++) {
            List<DistributionNode> by = raisedBy.getOrDefault("e:" + i, List.of());
            long deadline = writtenAt[i] + EXPIRING_TTL_MILLIS - killedAt;
            if (by.isEmpty()) {
                missing.add(deadline);
            } else if (by.size() > 1) {
                extra += by.size() - 1;
                twice.add(deadline);
                twiceBy.merge(by.stream().map(Object::toString).sorted().collect(Collectors.joining("+")), 1,
                    Integer::sum);
            }
        }
        for (DistributionNode n : survivors) {
            Long c = eventsDuplicated(n);
            if (c != null) {
                counted = counted == null ? c : counted + c;
            }
        }
        long victimLast = lines.get(victim).stream().mapToLong(k -> writtenAt[Integer.parseInt(k.substring(2))])
            .max().orElse(killedAt - EXPIRING_TTL_MILLIS) + EXPIRING_TTL_MILLIS - killedAt;
        String perNode = lines.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().size())
            .collect(Collectors.joining(", "));
        String summary = entries + " entries written in " + written + " ms (all at every node after " + replicated
            + " ms), " + victim + " killed after " + atKill
            + " were raised (its sweeps' lag " + victimLag + ", its last line's deadline " + victimLast
            + " ms from the kill); expiry lines: " + perNode + "; never raised: " + missing.size() + span(missing)
            + "; raised twice: " + twice.size() + span(twice) + " " + twiceBy + ", " + extra
            + " lines too many; EventsDuplicated counted " + (counted == null ? "none (no such attribute)" : counted);
        figure("expiry with expiry_events=owner, an owner killed: " + summary);
        assertTrue(missing.isEmpty(), "every entry is raised expired by some node: " + summary);
        assertTrue(extra <= (counted == null ? 0 : counted), "an entry is raised twice only where counted: "
            + summary);
    }

    /** @return the range of deadlines, ms from the kill, as text; empty for none */
    private static String span(List<Long> deadlines) {
        if (deadlines.isEmpty()) {
            return "";
        }
        return " (deadlines " + deadlines.stream().mapToLong(Long::longValue).min().getAsLong() + " to "
            + deadlines.stream().mapToLong(Long::longValue).max().getAsLong() + " ms from the kill)";
    }

    // ---------------------------------------------------------------------------- helpers

    /** What a key should hold: type, value, and a deadline of its write's time plus a TTL (0: none). */
    private record Expect(String type, String value, long writtenAtMillis, long ttlMillis) {
    }

    /**
     * Asserts that contents hold exactly the model's keys, with their types and values, and
     * deadlines within a second of the model's (the TTL counted from between the write and now).
     */
    private static void assertHolds(CacheContents held, Map<String, Expect> model, long now, String what) {
        assertEquals(model.keySet(), held.entries().keySet(), what + ": the keys");
        model.forEach((key, expect) -> {
            CacheContents.Entry e = held.get(key);
            assertEquals(expect.type(), e.type(), what + ": the type of " + key);
            assertEquals(expect.value(), e.value(), what + ": the value of " + key);
            if (expect.ttlMillis() == 0) {
                assertEquals(0, e.expiresAtMillis(), what + ": " + key + " never expires");
            } else {
                long earliest = expect.writtenAtMillis() + expect.ttlMillis() - 1_000;
                long latest = now + expect.ttlMillis() + 1_000;
                assertTrue(e.expiresAtMillis() >= earliest && e.expiresAtMillis() <= latest, what + ": the deadline of "
                    + key + " is its TTL of " + expect.ttlMillis() + " ms from its write: " + e);
            }
        });
    }

    /**
     * One change through a node's MBean, of a kind chosen at random: sets, seti, setex, delete,
     * removal by key or value, and a reset if allowed.
     *
     * @return the operation's name
     */
    private static String anyChange(DistributionNode node, String cache, String prefix, int keys, Random random,
        boolean reset) throws Exception {
        String key = prefix + random.nextInt(keys);
        if (reset) {
            node.invoke(cache, "reset");
            return "reset";
        }
        int dice = random.nextInt(100);
        if (dice < 35) {
            node.invoke(cache, "sets", key, "v" + random.nextInt(1_000) + "-" + node);
            return "sets";
        } else if (dice < 50) {
            node.invoke(cache, "seti", key, (long) random.nextInt(1_000));
            return "seti";
        } else if (dice < 65) {
            node.invoke(cache, "setex", key, 60L + random.nextInt(3_600));
            return "setex";
        } else if (dice < 82) {
            node.invoke(cache, "delete", key);
            return "delete";
        } else if (dice < 91) {
            node.invoke(cache, "removeKeysMatching", "^" + key + "$");
            return "removeKeysMatching";
        } else {
            node.invoke(cache, "removeValuesMatching", "^v" + random.nextInt(1_000) + "-");
            return "removeValuesMatching";
        }
    }

    /**
     * What the three nodes agreed on, and how it was found: how many comparisons were made, and
     * how long the last one took (reading three dumps is itself slow for a large cache).
     */
    private record Agreement(CacheContents contents, int comparisons, long lastComparisonMillis) {
        @Override
        public String toString() {
            return contents + " after " + comparisons + " comparison(s), the last taking " + lastComparisonMillis
                + " ms";
        }
    }

    /**
     * Waits until the three nodes hold the same entries of a cache (sizes first, then the dumps).
     *
     * @return what they hold
     */
    private static CacheContents awaitConverged(String cache, Duration timeout) {
        return awaitAgreement(cache, timeout).contents();
    }

    /** {@link #awaitConverged}, telling how it went. */
    private static Agreement awaitAgreement(String cache, Duration timeout) {
        AtomicReference<Agreement> agreed = new AtomicReference<>();
        int[] comparisons = {0};
        Await.answer("the three nodes to hold the same entries of '" + cache + "'", timeout, () -> {
            long start = System.nanoTime();
            comparisons[0]++;
            List<Long> sizes = new ArrayList<>();
            for (DistributionNode n : nodes) {
                sizes.add(((Number) n.attribute(cache, "Size")).longValue());
            }
            if (sizes.stream().distinct().count() > 1) {
                return "sizes " + sizes;
            }
            CacheContents first = nodes.get(0).contents(cache);
            for (DistributionNode n : nodes.subList(1, nodes.size())) {
                List<String> differences = first.differences(n.contents(cache));
                if (!differences.isEmpty()) {
                    return nodes.get(0) + " vs " + n + ": " + differences;
                }
            }
            agreed.set(new Agreement(first, comparisons[0], millisSince(start)));
            return "same";
        }, "same"::equals);
        return agreed.get();
    }

    /** Waits until the nodes answer over JMX with both caches ready, in a cluster of this many members. */
    private static void awaitReady(List<DistributionNode> which, int members) {
        for (DistributionNode n : which) {
            n.awaitUp(START, SHARED, EXPIRING);
        }
        for (DistributionNode n : which) {
            Await.answer(n + " ready with both caches in a cluster of " + members, START, () -> {
                for (String cache : List.of(SHARED, EXPIRING)) {
                    if (!"ready".equals(n.attribute(cache, "ReplicationState"))
                        || ((Number) n.attribute(cache, "ClusterMembers")).intValue() != members) {
                        return false;
                    }
                }
                return true;
            });
        }
    }

    /** @return the keys of the {@code expiring} cache each node logged as expired since the line counts given */
    private static Map<DistributionNode, List<String>> expiryLines(Map<DistributionNode, Integer> since) {
        Map<DistributionNode, List<String>> keys = new LinkedHashMap<>();
        for (DistributionNode n : nodes) {
            List<String> lines = n.allLogs();
            List<String> found = new ArrayList<>();
            for (String line : lines.subList(Math.min(since.get(n), lines.size()), lines.size())) {
                Matcher m = EXPIRY_LINE.matcher(line);
                if (m.find()) {
                    found.add(m.group(1));
                }
            }
            keys.put(n, found);
        }
        return keys;
    }

    /** @return the events a node's expiring cache handed to EventAdmin */
    private static long posted(DistributionNode n) throws Exception {
        return ((Number) n.attribute(EXPIRING, "EventsPosted")).longValue();
    }

    /** @return a node's {@code ChangesSent} and {@code ChangesReceived} of the expiring cache */
    private static long[] changes(DistributionNode n) throws Exception {
        return new long[] {((Number) n.attribute(EXPIRING, "ChangesSent")).longValue(),
            ((Number) n.attribute(EXPIRING, "ChangesReceived")).longValue()};
    }

    /**
     * How many of the writes since the counts before are not yet at every node: the writes not
     * yet sent, plus, for each node, the other nodes' changes sent that it has not received.
     */
    private static long unreplicated(Map<DistributionNode, long[]> before, int writes) throws Exception {
        Map<DistributionNode, long[]> now = new HashMap<>();
        long sent = 0;
        for (DistributionNode n : nodes) {
            now.put(n, changes(n));
            sent += now.get(n)[0] - before.get(n)[0];
        }
        long missing = Math.max(0, writes - sent);
        for (DistributionNode n : nodes) {
            long ownSent = now.get(n)[0] - before.get(n)[0];
            long received = now.get(n)[1] - before.get(n)[1];
            missing += Math.max(0, sent - ownSent - received);
        }
        return missing;
    }

    /**
     * How far the expiry lines are from complete: the keys no node has logged yet, and for each
     * survivor, the events it posted since the run began that its log does not show yet; all 0
     * once every event is in.
     */
    private static Map<String, Long> deliveryState(List<DistributionNode> survivors,
        Map<DistributionNode, Integer> linesBefore, Map<DistributionNode, Long> postedBefore, int entries)
        throws Exception {
        Map<DistributionNode, List<String>> lines = expiryLines(linesBefore);
        Map<String, Long> state = new LinkedHashMap<>();
        state.put("keys not raised yet", entries - lines.values().stream().flatMap(List::stream).distinct().count());
        for (DistributionNode n : survivors) {
            state.put(n + " events posted and not logged yet", posted(n) - postedBefore.get(n) - lines.get(n).size());
        }
        return state;
    }

    /**
     * @return the node's {@code EventsDuplicated} of the {@code expiring} cache, {@code null} if
     *     its MBean has no such attribute
     */
    private static Long eventsDuplicated(DistributionNode n) throws Exception {
        try {
            return ((Number) n.attribute(EXPIRING, "EventsDuplicated")).longValue();
        } catch (AttributeNotFoundException none) {
            return null;
        }
    }

    /** @return each node's replication figures of a cache, for the printed figures */
    private static String replicationFigures(String cache) throws Exception {
        List<String> figures = new ArrayList<>();
        for (DistributionNode n : nodes) {
            figures.add(n + " sent " + n.attribute(cache, "ChangesSent") + " received "
                + n.attribute(cache, "ChangesReceived") + " dropped " + n.attribute(cache, "ChangesDropped")
                + " lag p99 " + n.attribute(cache, "ReplicationLagP99Millis") + " ms");
        }
        return String.join("; ", figures);
    }

    /** Three free ports in the range, on loopback. */
    private static List<Integer> freeHazelcastPorts() {
        List<Integer> free = new ArrayList<>();
        for (int p = FIRST_HAZELCAST_PORT; p <= LAST_HAZELCAST_PORT && free.size() < NODES; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                free.add(p);
            } catch (IOException taken) {
                // another process's: the next
            }
        }
        assertEquals(NODES, free.size(), "free ports in 127.0.0.1:" + FIRST_HAZELCAST_PORT + "-" + LAST_HAZELCAST_PORT);
        return free;
    }

    private static void figure(String text) {
        System.out.println("[cluster] " + text);
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static long millisBetween(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }
}
