package io.lapse.bench;

/**
 * What one run of section G measured: a model, a cluster size, where the writers were, the rate
 * they were offered, and what came of it on the receiving nodes.
 */
final class ReplicationFigures {

    final ReplicationModel model;
    final int nodes;
    /** How many nodes had a writer: 1 (node 1) or every node. */
    final int writers;
    /** The changes per second offered in all, split evenly among the writers; 0 for as fast as they can. */
    final int offeredPerSecond;
    /** Changes written in all. */
    long written;
    /** Changes written per second, in all. */
    double writtenPerSecond;
    /** For each receiving node, in node order: remote changes applied per second, from the first write to its last receipt. */
    double[] appliedPerSecond;
    /** For each receiving node: the share of the changes written on the other nodes that it applied. */
    double[] appliedShare;
    double lagP50Millis;
    double lagP99Millis;
    double lagMaxMillis;
    /** Milliseconds from the end of the writes until every node held every key's last value; -1 if never. */
    long convergedMillis = -1;
    /** Values that differed from the writer's when the wait for convergence ended (a key on a node counts once). */
    long differing;
    /** Changes the replicators' outboxes refused, resent ones included ({@link ReplicationModel#LOG} only). */
    long outboxRefused;
    /** The highest of the receiving replicators' own lag p99s, in ms ({@link ReplicationModel#LOG} only); NaN otherwise. */
    double replicatorP99Millis = Double.NaN;
    long gcPauses;
    long gcPauseMillis;

    ReplicationFigures(ReplicationModel model, int nodes, int writers, int offeredPerSecond) {
        this.model = model;
        this.nodes = nodes;
        this.writers = writers;
        this.offeredPerSecond = offeredPerSecond;
    }

    /** @return "node 1" or "every node" */
    String writersTitle() {
        return writers == 1 ? "node 1" : "every node";
    }
}
