package io.lapse.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.lapse.testing.Await;

/**
 * The check that nodes agree: waits, boundedly, until the cache's log is quiet (every node ready,
 * nothing waiting in any outbox, no unsent key, every reader at the log's tail) twice in a row
 * with the tail unchanged, and every node holds the same keys, values and deadlines.
 */
final class Convergence {

    private static final String SETTLED = "settled";

    private Convergence() {
    }

    /**
     * Waits until the nodes agree.
     *
     * @param nodes the nodes, all of one cache
     * @param timeout how long at most
     * @return the contents they agree on
     * @throws AssertionError naming what was last not settled, if they do not agree in time
     */
    static Map<String, String> await(List<Node> nodes, Duration timeout) {
        long[] lastTail = {Long.MIN_VALUE};
        Await.answer("nodes of cache '" + nodes.get(0).table.name() + "' agreeing", timeout, () -> {
            String s = status(nodes);
            if (!s.startsWith(SETTLED)) {
                lastTail[0] = Long.MIN_VALUE;
                return s;
            }
            long tail = Long.parseLong(s.substring(SETTLED.length() + 1));
            boolean twice = tail == lastTail[0];
            lastTail[0] = tail;
            return twice ? SETTLED : "settled once";
        }, SETTLED::equals);
        return nodes.get(0).dump();
    }

    private static String status(List<Node> nodes) {
        Node first = nodes.get(0);
        long tail = first.hz.getRingbuffer(HazelcastConfigs.logRingbufferName(first.table.name())).tailSequence();
        for (Node n : nodes) {
            CacheReplicator r = n.replicator;
            if (r.state() != ReplicatorState.READY) {
                return "a node is " + r.state();
            }
            if (!r.idle()) {
                return "a node has changes to send: " + r.figures();
            }
            if (r.position() != tail) {
                return "a node read up to " + r.position() + " of " + tail;
            }
        }
        Map<String, String> expected = first.dump();
        for (Node n : nodes) {
            Map<String, String> d = n.dump();
            if (!d.equals(expected)) {
                return "contents differ: " + difference(expected, d);
            }
        }
        return SETTLED + " " + tail;
    }

    private static String difference(Map<String, String> a, Map<String, String> b) {
        StringBuilder s = new StringBuilder(a.size() + " against " + b.size() + " entries;");
        int shown = 0;
        for (Map.Entry<String, String> e : a.entrySet()) {
            if (!e.getValue().equals(b.get(e.getKey())) && shown++ < 5) {
                s.append(' ').append(e.getKey()).append(": ").append(e.getValue()).append(" / ").append(b.get(e.getKey()));
            }
        }
        for (String k : b.keySet()) {
            if (!a.containsKey(k) && shown++ < 10) {
                s.append(' ').append(k).append(": missing / ").append(b.get(k));
            }
        }
        return s.toString();
    }
}
