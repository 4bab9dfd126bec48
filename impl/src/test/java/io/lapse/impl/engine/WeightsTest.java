package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.GraphLayout;

/**
 * What {@link Weights} reckons an entry weighs, against what JOL finds the JVM running the test
 * lays out (a 64-bit JVM with compressed references, as every heap under 32 GB has); and a table capped at 64 MB, filled with a gigabyte of writes, holding no more heap
 * than its cap beside what an empty table holds.
 */
class WeightsTest {

    private final TimeSource time = new TimeSource(new ManualClock());

    @Test
    void theNodeSizesAreTheJvmsOwn() {
        assertEquals(Weights.NODE, ClassLayout.parseClass(Node.class).instanceSize());
        assertEquals(Weights.IDLE_NODE, ClassLayout.parseClass(IdleNode.class).instanceSize());
        assertEquals(Weights.NODE + Weights.GROUP_EXTRA, ClassLayout.parseClass(GroupNode.class).instanceSize());
        assertEquals(Weights.IDLE_NODE + Weights.GROUP_EXTRA, ClassLayout.parseClass(IdleGroupNode.class).instanceSize());
    }

    @Test
    void anEntryWeighsItsNodeKeyAndValue() {
        List<Object> values = List.of("short", "x".repeat(1001), "\u20ac uro", "\u0100".repeat(333), 123_456_789L,
            new byte[0], new byte[77], new byte[4096]);
        for (String key : List.of("k", "a-key-of-some-length", "\u00e9t\u00e9", "\u4e2d\u6587")) {
            for (Object value : values) {
                for (boolean idles : new boolean[] {false, true}) {
                    int flags = Weights.flags(key, value);
                    Node n = idles ? new IdleNode(1, key, value, 100, 0, 10, flags) : new Node(1, key, value, 100, flags);
                    long measured = GraphLayout.parseInstance(n).totalSize();
                    assertEquals(measured, Weights.of(n), "key '" + key + "', a " + value.getClass().getSimpleName()
                        + " value" + (idles ? ", idle node" : ""));
                }
            }
        }
    }

    @Test
    void aBucketArrayWeighsWhatTheJvmMakesOfIt() {
        for (int length : new int[] {1, 4, 5, 1024}) {
            assertEquals(GraphLayout.parseInstance((Object) new Node[length]).totalSize(), Weights.buckets(length));
        }
        assertEquals(0, Weights.buckets(0));
    }

    @Test
    void aTableCappedAt64MegabytesHoldsNoMoreHeapThanThatAfterAGigabyteOfWrites() {
        long cap = 64L << 20;
        CacheSettings settings = new CacheSettings(10, 0, true, 0, null).withLimits(new Limits(0, cap, Limits.MAX_ITEM_SIZE));
        TableListener quiet = new RecordingListener(EnumSet.noneOf(EventKind.class));
        CacheTable empty = new CacheTable("empty", settings, time, quiet);
        long fixed = GraphLayout.parseInstance(empty).totalSize();
        CacheTable table = new CacheTable("capped", settings, time, quiet);
        long written = 0;
        int i = 0;
        Random random = new Random(3);
        while (written < 1L << 30) {
            // values of 1 to 8 KiB, every eighth one a String
            int length = 1024 + random.nextInt(7 * 1024);
            Object value = i % 8 == 0 ? "s".repeat(length) : new byte[length];
            table.put("key-" + i++, value);
            written += length;
        }
        long held = GraphLayout.parseInstance(table).totalSize();
        String line = table.stats().toString();
        assertTrue(table.stats().evictions() > 100_000, line.toString());
        assertTrue(table.stats().weightedBytes() <= cap, line.toString());
        assertTrue(held <= cap + fixed, "the table holds " + held + " bytes: more than the cap " + cap
            + " and an empty table's " + fixed + "; " + line);
        empty.close();
        table.close();
    }
}
