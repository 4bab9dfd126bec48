package io.lapse.impl.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lapse.testing.Await;
import io.lapse.testing.ChildJvm;

/**
 * A JVM killed with {@code kill -9} ({@link Process#destroyForcibly()}, SIGKILL) in the middle of
 * its store's work loses nothing it had committed. Each round is a fresh JVM over an embedded H2
 * file database that goes on from what the last one left:
 * <ul>
 * <li>{@value #ON_STOP_ROUNDS} rounds of on-stop write-back ({@link WriteBackChild}): the same
 * {@value #ROWS} keys written back again and again, each batch one generation, killed at a random
 * moment within a batch. Write-back is one transaction: the table holds one whole generation, the
 * last whose commit returned or the one under way.</li>
 * <li>{@value #WRITE_THROUGH_ROUNDS} rounds of write-through ({@link WriteThroughChild}): puts
 * without end over {@value #KEYS} keys, killed at a random moment once {@value #MIN_PUTS} puts have
 * returned. Every put
 * that returned before the kill is in the table with its value, unless a later put of the same
 * key replaced it; the one put in flight may or may not be.</li>
 * </ul>
 * The two series run side by side. The children run with a small heap, C1 only and the serial
 * collector, which start fastest.
 */
class WriteBackCrashTest {

    private static final int ON_STOP_ROUNDS = 50;
    private static final int WRITE_THROUGH_ROUNDS = 50;
    private static final int ROWS = 2_000;
    private static final int KEYS = 200;
    /** Puts that must have returned in a write-through round before its kill may land. */
    private static final int MIN_PUTS = 20;
    /** How late after a put returned the write-through kill may land. */
    private static final int WRITE_THROUGH_KILL_MILLIS = 40;
    private static final long WAIT_MILLIS = 60_000;
    private static final Pattern COMMITTED = Pattern.compile("committed (\\d+) in (\\d+) ms");
    private static final Pattern LOADED = Pattern.compile("loaded (\\d+) next (\\d+)");
    private static final Pattern OK = Pattern.compile("ok (\\d+)");

    @TempDir
    Path folder;

    /**
     * Runs both series side by side, each over its own database file: a child JVM's start (class
     * loading, opening H2) is most of a round, and two of them share the 2 cores well.
     */
    @Test
    void aKillLosesNoCommittedWriteBackNorAnyWriteThroughPutThatReturned() throws Exception {
        long started = System.nanoTime();
        ExecutorService series = Executors.newFixedThreadPool(2, r -> new Thread(r, "crash-series"));
        try {
            Future<String> onStop = series.submit(this::aKillInTheMiddleOfWriteBackLeavesEveryCommittedBatchWhole);
            Future<String> writeThrough = series.submit(this::aKillDuringWriteThroughLosesNoPutThatReturned);
            System.out.println("WriteBackCrashTest " + outcome(onStop));
            System.out.println("WriteBackCrashTest " + outcome(writeThrough));
        } finally {
            series.shutdownNow();
        }
        System.out.println("WriteBackCrashTest: " + (ON_STOP_ROUNDS + WRITE_THROUGH_ROUNDS) + " rounds in "
            + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    /** The summary a series returned, or its failure, thrown again on the test's thread. */
    private static String outcome(Future<String> series) throws Exception {
        try {
            return series.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error) {
                throw (Error) e.getCause();
            }
            throw (Exception) e.getCause();
        }
    }

    private String aKillInTheMiddleOfWriteBackLeavesEveryCommittedBatchWhole() throws Exception {
        String path = folder.resolve("on-stop").toString();
        H2 db = H2.file(path);
        db.htable("kv");
        Random random = new Random(4);
        int killedMidBatch = 0;
        int rounds = 0;
        long committedBefore = 0;
        long started = System.nanoTime();
        for (int round = 1; round <= ON_STOP_ROUNDS; round++) {
            Path output = folder.resolve("on-stop-" + round + ".log");
            Process child = start(WriteBackChild.class, path, ROWS, output);
            long lastCommitted;
            boolean midBatch;
            try {
                // Once a batch has committed, the next is under way: kill at a random moment within
                // a batch's time. This pause picks when the kill lands; it waits for nothing.
                long before = committedBefore;
                Matcher first = awaitLine(child, output, COMMITTED, m -> Long.parseLong(m.group(1)) > before);
                long batchMillis = Long.parseLong(first.group(2));
                TimeUnit.MILLISECONDS.sleep(random.nextInt((int) Math.max(1, batchMillis)));
                kill(child);
                List<String> lines = lines(output);
                midBatch = lines.get(lines.size() - 1).startsWith("writing ");
                lastCommitted = 0;
                for (String line : lines) {
                    Matcher m = COMMITTED.matcher(line);
                    if (m.matches()) {
                        lastCommitted = Long.parseLong(m.group(1));
                    }
                    assertTrue(!line.startsWith("ERROR") && !line.startsWith("WARN") && !line.startsWith("failed"),
                        line);
                }
            } finally {
                child.destroyForcibly();
            }
            if (midBatch) {
                killedMidBatch++;
            }
            List<String> generations = db.rows("SELECT key_value, COUNT(*) FROM kv GROUP BY key_value");
            assertEquals(1, generations.size(), "round " + round + ": one generation in the table, not " + generations);
            String[] only = generations.get(0).split("\\|");
            long found = Long.parseLong(only[0]);
            assertEquals(ROWS, Integer.parseInt(only[1]), "round " + round + ": every row of the batch");
            assertTrue(found == lastCommitted || found == lastCommitted + 1, "round " + round + ": the table holds "
                + "generation " + found + ", but the last commit that returned was " + lastCommitted);
            committedBefore = found;
            rounds++;
        }
        assertEquals(ON_STOP_ROUNDS, rounds);
        assertTrue(killedMidBatch >= ON_STOP_ROUNDS / 2, "only " + killedMidBatch + " of " + ON_STOP_ROUNDS
            + " kills landed in the middle of a write-back");
        return "on-stop: " + rounds + " rounds of " + ROWS + " rows, " + killedMidBatch + " kills in the middle of a "
            + "write-back, generation " + committedBefore + " in the table at the end, "
            + (System.nanoTime() - started) / 1_000_000 + " ms";
    }

    private String aKillDuringWriteThroughLosesNoPutThatReturned() throws Exception {
        String path = folder.resolve("write-through").toString();
        H2 db = H2.file(path);
        db.htable("kv");
        Random random = new Random(7);
        // what each key must hold: the value of its last put that returned
        Map<String, Long> committed = new HashMap<>();
        long largest = 0;
        long puts = 0;
        int rounds = 0;
        int killedWhilePutting = 0;
        int inFlightLanded = 0;
        long started = System.nanoTime();
        for (int round = 1; round <= WRITE_THROUGH_ROUNDS; round++) {
            Path output = folder.resolve("write-through-" + round + ".log");
            Process child = start(WriteThroughChild.class, path, KEYS, output);
            List<String> lines;
            try {
                long from = largest;
                awaitLine(child, output, OK, m -> Long.parseLong(m.group(1)) >= from + MIN_PUTS);
                // picks when the kill lands: up to this long after a put returned, with puts going on
                TimeUnit.MILLISECONDS.sleep(random.nextInt(WRITE_THROUGH_KILL_MILLIS));
                kill(child);
                lines = lines(output);
            } finally {
                child.destroyForcibly();
            }
            Matcher loaded = LOADED.matcher(lines.get(0));
            assertTrue(loaded.matches(), "round " + round + ": " + lines.get(0));
            assertEquals(largest + 1, Long.parseLong(loaded.group(2)), "round " + round + ": the load found every "
                + "put of the rounds before");
            long lastOk = largest;
            for (String line : lines.subList(1, lines.size())) {
                Matcher m = OK.matcher(line);
                assertTrue(m.matches(), "round " + round + ": " + line);
                long n = Long.parseLong(m.group(1));
                assertEquals(lastOk + 1, n, "round " + round + ": puts in order");
                committed.put("k" + (n % KEYS), n);
                lastOk = n;
            }
            assertTrue(lastOk >= largest + MIN_PUTS, "round " + round + ": fewer than " + MIN_PUTS + " puts returned");
            if (OK.matcher(lines.get(lines.size() - 1)).matches()) {
                killedWhilePutting++;
            }
            puts += lastOk - largest;
            long inFlight = lastOk + 1;
            String inFlightKey = "k" + (inFlight % KEYS);
            Map<String, Long> table = new HashMap<>();
            for (String row : db.rows("SELECT key_name, key_value FROM kv")) {
                String[] kv = row.split("\\|");
                table.put(kv[0], Long.parseLong(kv[1]));
            }
            if (Long.valueOf(inFlight).equals(table.get(inFlightKey))) {
                // the put in flight had committed when the kill came, before it could say so
                committed.put(inFlightKey, inFlight);
                inFlightLanded++;
                lastOk = inFlight;
            }
            assertEquals(committed, table, "round " + round + ": the table holds every put that returned");
            largest = lastOk;
            rounds++;
        }
        assertEquals(WRITE_THROUGH_ROUNDS, rounds);
        assertEquals(WRITE_THROUGH_ROUNDS, killedWhilePutting, "every kill lands while puts go on");
        return "write-through: " + rounds + " rounds over " + KEYS + " keys, " + puts + " puts returned and all "
            + "found, " + killedWhilePutting + " kills while putting, " + inFlightLanded + " puts in flight found "
            + "committed, " + (System.nanoTime() - started) / 1_000_000 + " ms";
    }

    private static Process start(Class<?> main, String path, int size, Path output) throws IOException {
        return ChildJvm.start(main, output, path, Integer.toString(size));
    }

    private static void kill(Process child) throws InterruptedException {
        child.destroyForcibly();
        assertTrue(child.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS), "the child did not die");
    }

    private static List<String> lines(Path output) throws IOException {
        return Files.readAllLines(output, StandardCharsets.UTF_8);
    }

    /** Waits for a line of the child's output that matches, failing with the output if the child dies. */
    private static Matcher awaitLine(Process child, Path output, Pattern pattern,
        java.util.function.Predicate<Matcher> wanted) throws Exception {
        return Await.value("a line matching " + pattern, Duration.ofMillis(WAIT_MILLIS), () -> {
            for (String line : lines(output)) {
                Matcher m = pattern.matcher(line);
                if (m.matches() && wanted.test(m)) {
                    return m;
                }
            }
            if (!child.isAlive()) {
                throw new AssertionError("the child ended:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            return null;
        });
    }
}
