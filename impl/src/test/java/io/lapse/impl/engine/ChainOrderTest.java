package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order of the nodes in a bucket's chain: a node is linked behind those already there, so
 * the entries that stay (in a capped cache, those its clock keeps because they are used) stand
 * in front of newcomers, and a read of a long-lived key walks past none of them.
 */
class ChainOrderTest {

    /** Keys whose {@code String.hashCode()} is the same, so they share a segment and a bucket. */
    private static final String[] COLLIDING = {"AaAa", "AaBB", "BBAa", "BBBB"};

    private final TimeSource time = new TimeSource(new ManualClock());
    private final RecordingListener events = new RecordingListener();
    private final CacheTable table = new CacheTable("chains", new CacheSettings(4, 0, true, 0, null), time, events);

    @AfterEach
    void close() {
        table.close();
    }

    @Test
    void aNewKeyIsLinkedBehindTheKeysAlreadyInItsBucket() {
        for (String key : COLLIDING) {
            table.put(key, "v");
        }
        assertEquals(List.of(COLLIDING), chainOf(COLLIDING[0]));
    }

    @Test
    void aKeyPutAgainAfterItsRemovalGoesBehindTheOthers() {
        for (String key : COLLIDING) {
            table.put(key, "v");
        }
        table.remove("AaAa");
        table.put("AaAa", "again");
        assertEquals(List.of("AaBB", "BBAa", "BBBB", "AaAa"), chainOf("AaAa"));
        table.put("BBAa", "replaced");
        assertEquals(List.of("AaBB", "BBAa", "BBBB", "AaAa"), chainOf("AaAa"), "a new value keeps its place");
    }

    @Test
    void aGrowingSlotKeepsTheOrderOfEachChain() {
        for (String key : COLLIDING) {
            table.put(key, "v");
        }
        // enough other keys to double the slots' bucket arrays several times
        for (int i = 0; i < 2_000; i++) {
            table.put("filler" + i, "v");
        }
        List<String> chain = chainOf(COLLIDING[0]);
        chain.retainAll(List.of(COLLIDING));
        assertEquals(List.of(COLLIDING), chain, "in the order they were put, whatever else shares the bucket");
    }

    /** The keys of the chain that holds a key's hash, in the order a reader walks them. */
    private List<String> chainOf(String key) {
        int h = CacheTable.spread(key.hashCode());
        Node[][] tabs = table.tables;
        Node[] tab = tabs[CacheTable.segmentIndex(h, tabs.length)];
        List<String> keys = new ArrayList<>();
        for (Node n = tab[h & (tab.length - 1)]; n != null; n = n.next()) {
            keys.add(n.key);
        }
        return keys;
    }
}
