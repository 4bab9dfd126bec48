package io.lapse.impl.level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.lapse.cache.CacheEntry;
import io.lapse.testing.Await;
import io.lapse.testing.ChildJvm;

/**
 * The file level's files survive {@code kill -9}: a child JVM ({@link FileLevelChild}) writes
 * without end and is killed after a randomly chosen write returned, while it writes the next;
 * reopened, the level holds every write that had returned (the one in flight may have landed or
 * not), and its deadline index still names every entry with a deadline. Three rounds on one file,
 * each going on from the last.
 */
class FileLevelCrashTest {

    private static final int ROUNDS = 3;
    private static final int KEYS = 500;
    private static final int MIN_WRITES = 2_000;
    private static final long WAIT_MILLIS = 60_000;

    @TempDir
    Path folder;

    @Test
    void aKillDuringWritesLosesNoWriteThatReturned() throws Exception {
        Path file = folder.resolve("crash.mv");
        Random random = new Random(11);
        // what each key must hold after the writes that returned: the number of its last write,
        // negative for a removal
        Map<String, Long> expected = new HashMap<>();
        long next = 1;
        for (int round = 1; round <= ROUNDS; round++) {
            Path output = folder.resolve("round-" + round + ".log");
            Process child = start(file, next, output);
            List<String> lines;
            try {
                // the kill lands right after a randomly chosen write returned, while the next is under way
                long target = next + MIN_WRITES + random.nextInt(MIN_WRITES);
                Await.value("the child to return write " + target, Duration.ofMillis(WAIT_MILLIS), () -> {
                    List<String> l = lines(output);
                    if (!child.isAlive()) {
                        throw new AssertionError("the child ended:\n" + String.join("\n", l));
                    }
                    String lastLine = l.isEmpty() ? "" : l.get(l.size() - 1);
                    return lastLine.startsWith("ok ") && Long.parseLong(lastLine.substring(3)) >= target ? l : null;
                });
                child.destroyForcibly();
                assertTrue(child.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS), "the child did not die");
                lines = lines(output);
            } finally {
                child.destroyForcibly();
            }
            assertEquals("opened " + expected.values().stream().filter(v -> v > 0).count(), lines.get(0),
                "round " + round + ": the level held what the rounds before left");
            long last = next - 1;
            for (String line : lines.subList(1, lines.size())) {
                if (!line.startsWith("ok ")) {
                    continue;
                }
                long n = Long.parseLong(line.substring(3));
                assertEquals(last + 1, n, "round " + round + ": writes in order");
                expected.put("k" + (n % KEYS), n % 7 == 0 ? -n : n);
                last = n;
            }
            long inFlight = last + 1;
            try (FileLevel level = FileLevel.open(file)) {
                String inFlightKey = "k" + (inFlight % KEYS);
                for (int k = 0; k < KEYS; k++) {
                    String key = "k" + k;
                    Long want = expected.get(key);
                    CacheEntry got = level.get(key);
                    boolean asWritten = want == null || want < 0 ? got == null
                        : got != null && got.value().equals(want) && got.expiresAtMillis() == want
                            && ("g" + (want % 3)).equals(got.group());
                    boolean inFlightLanded = key.equals(inFlightKey) && (inFlight % 7 == 0 ? got == null
                        : got != null && got.value().equals(inFlight));
                    assertTrue(asWritten || inFlightLanded, "round " + round + ": " + key + " holds " + got
                        + ", but its last write that returned was " + want);
                    if (inFlightLanded && !asWritten) {
                        expected.put(key, inFlight % 7 == 0 ? -inFlight : inFlight);
                    }
                }
                List<String> indexed = new ArrayList<>();
                level.due(Long.MAX_VALUE, Integer.MAX_VALUE).forEach(e -> indexed.add(e.key()));
                assertEquals(level.size(), indexed.size(), "round " + round + ": every entry is in the deadline index");
            }
            next = inFlight + 1;
        }
    }

    private static Process start(Path file, long first, Path output) throws IOException {
        return ChildJvm.start(FileLevelChild.class, output, file.toString(), Integer.toString(KEYS), Long.toString(first));
    }

    private static List<String> lines(Path output) throws IOException {
        return Files.readAllLines(output, StandardCharsets.UTF_8);
    }
}
