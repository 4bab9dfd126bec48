package io.lapse.impl.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lapse.impl.Await;

/**
 * Write-back is one transaction: a JVM killed with {@code kill -9} in the middle of it leaves the
 * table as it was before or as it is after, never half written, and loses no batch whose commit
 * had returned. Twenty times, each a fresh JVM ({@link WriteBackChild}) writing 20,000 rows to an
 * embedded H2 file database, killed at a random moment of a write-back.
 */
class WriteBackCrashTest {

    private static final int ROWS = 20_000;
    private static final int ROUNDS = 20;
    private static final long WAIT_MILLIS = 60_000;
    private static final Pattern COMMITTED = Pattern.compile("committed (\\d+) in (\\d+) ms");

    @TempDir
    Path folder;

    @Test
    void aKillInTheMiddleOfWriteBackLeavesEveryCommittedBatchWholeAndNoHalfBatch() throws Exception {
        String path = folder.resolve("crash").toString();
        H2 db = H2.file(path);
        db.htable("kv");
        Random random = new Random(4);
        int killedMidBatch = 0;
        long committedBefore = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            Path output = folder.resolve("child-" + round + ".log");
            Process child = start(path, output);
            long lastCommitted;
            boolean midBatch;
            try {
                // Once a batch has committed, the next is under way: kill at a random moment within
                // a batch's time. This pause picks when the kill lands; it waits for nothing.
                Matcher first = awaitCommit(child, output, committedBefore);
                long batchMillis = Long.parseLong(first.group(2));
                TimeUnit.MILLISECONDS.sleep(random.nextInt((int) Math.max(1, batchMillis)));
                child.destroyForcibly();
                assertTrue(child.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS), "the child did not die");
                List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
                String last = lines.get(lines.size() - 1);
                midBatch = last.startsWith("writing ");
                lastCommitted = 0;
                for (String line : lines) {
                    Matcher m = COMMITTED.matcher(line);
                    if (m.matches()) {
                        lastCommitted = Long.parseLong(m.group(1));
                    }
                    assertTrue(!line.startsWith("ERROR") && !line.startsWith("failed"), line);
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
        }
        assertTrue(killedMidBatch >= ROUNDS / 2, "only " + killedMidBatch + " of " + ROUNDS + " kills landed in the "
            + "middle of a write-back");
    }

    private static Process start(String path, Path output) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(WriteBackChild.class.getName());
        command.add(path);
        command.add(Integer.toString(ROWS));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** Waits for the first commit after {@code before}, failing with the child's output if it dies. */
    private static Matcher awaitCommit(Process child, Path output, long before) throws Exception {
        return Await.until("a commit after generation " + before, Duration.ofMillis(WAIT_MILLIS), () -> {
            for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
                Matcher m = COMMITTED.matcher(line);
                if (m.matches() && Long.parseLong(m.group(1)) > before) {
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
