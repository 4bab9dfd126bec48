package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimerWheelTest {

    /**
     * Random schedules, deadline changes and removals across every level of the wheel, checked
     * against the obvious model: after advancing to {@code now}, exactly the nodes whose
     * deadline is at or before {@code now} have come out, each once, and the wheel's next due
     * time is never after the earliest pending deadline.
     */
    @ParameterizedTest
    @ValueSource(longs = {1L, 7L, 42L, 1234L, 99_999L})
    void expiresExactlyWhatIsDueAndNothingTwice(long seed) {
        Random random = new Random(seed);
        long start = 5_000_000L + random.nextInt(1 << 20);
        TimerWheel wheel = new TimerWheel(start);
        long now = start;
        Set<Node> pending = new HashSet<>();
        Set<Node> done = new HashSet<>();
        long[] scales = {10, 100, 5_000, 300_000, 20_000_000, 3_000_000_000L, 200_000_000_000L};
        for (int round = 0; round < 2_000; round++) {
            int op = random.nextInt(10);
            if (op < 5) {
                long scale = scales[random.nextInt(scales.length)];
                Node n = new Node(round, "k" + round, "v", now + 1 + (long) (random.nextDouble() * scale), 0);
                wheel.schedule(n);
                pending.add(n);
            } else if (op < 7 && !pending.isEmpty()) {
                Node n = pick(random, pending);
                long before = n.deadline();
                long scale = scales[random.nextInt(scales.length)];
                long d = now + 1 + (long) (random.nextDouble() * scale);
                n.deadline(d);
                if (d < before) {
                    wheel.unschedule(n);
                    wheel.schedule(n);
                }
            } else if (op < 8 && !pending.isEmpty()) {
                Node n = pick(random, pending);
                wheel.unschedule(n);
                pending.remove(n);
            } else {
                long step = random.nextInt(4) == 0 ? (long) (random.nextDouble() * scales[random.nextInt(scales.length)])
                    : random.nextInt(50);
                now += step;
                List<Node> out = new ArrayList<>();
                wheel.advance(now, out);
                for (Node n : out) {
                    assertTrue(n.deadline() <= now, "expired early");
                    assertTrue(pending.remove(n), "expired twice or after removal");
                    assertTrue(done.add(n));
                    assertEquals(Node.UNSCHEDULED, n.wheelSlot());
                }
                for (Node n : pending) {
                    assertTrue(n.deadline() > now, "missed: deadline " + n.deadline() + " <= " + now);
                }
            }
            long earliest = pending.stream().mapToLong(Node::deadline).min().orElse(Long.MAX_VALUE);
            assertTrue(wheel.nextDue() <= earliest, "next due " + wheel.nextDue() + " after " + earliest);
        }
        now += 400_000_000_000L;
        List<Node> out = new ArrayList<>();
        wheel.advance(now, out);
        assertEquals(pending, new HashSet<>(out));
        assertEquals(Long.MAX_VALUE, wheel.nextDue());
    }

    private static Node pick(Random random, Set<Node> nodes) {
        int i = random.nextInt(nodes.size());
        for (Node n : nodes) {
            if (i-- == 0) {
                return n;
            }
        }
        throw new AssertionError();
    }

    @ParameterizedTest
    @ValueSource(longs = {0L, 63L, 64L, 4_095L, 4_096L, 262_143L, 262_144L, 68_719_476_735L, 68_719_476_736L})
    void aDeadlineExactlyOnALevelBoundaryIsNotMissed(long delta) {
        long start = 1_000_003L;
        TimerWheel wheel = new TimerWheel(start);
        Node n = new Node(1, "k", "v", start + delta, 0);
        wheel.schedule(n);
        List<Node> out = new ArrayList<>();
        if (delta > 0) {
            wheel.advance(start + delta - 1, out);
            assertTrue(out.isEmpty());
        }
        wheel.advance(start + delta, out);
        assertEquals(List.of(n), out);
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 10L, 1_000L})
    void aNodeMovesDownOneLevelAtATimeAndIsPlacedAtMostOncePerLevel(long step) {
        TimerWheel wheel = new TimerWheel(0);
        Node n = new Node(0, "k", "v", 3_600_000, 0);
        wheel.schedule(n);
        List<Integer> slots = new ArrayList<>(List.of(n.wheelSlot()));
        List<Node> out = new ArrayList<>();
        for (long t = 0; out.isEmpty(); t += step) {
            wheel.advance(t, out);
            if (n.wheelSlot() != slots.get(slots.size() - 1) && n.wheelSlot() != Node.UNSCHEDULED) {
                slots.add(n.wheelSlot());
            }
        }
        assertEquals(List.of(n), out);
        assertTrue(slots.size() <= 6, "placed " + slots.size() + " times: " + slots);
        for (int i = 1; i < slots.size(); i++) {
            assertTrue(slots.get(i) >>> 6 < slots.get(i - 1) >>> 6, "not one level finer: " + slots);
        }
    }
}
