package io.lapse.bench;

/**
 * What one lateness run measured: how many notifications came of how many expected, duplicates,
 * notifications that came before their deadline, and lateness percentiles in milliseconds.
 */
final class LatenessFigures {

    final String name;
    final long expected;
    final long delivered;
    final long duplicates;
    final long early;
    final double p50Millis;
    final double p99Millis;
    final double maxMillis;
    final long lastArrivalMicros;
    /** Events per second from the common deadline to the last arrival, for a storm; else 0. */
    double drainPerSecond;
    /** Reads and writes per second of the load beside the expiries; 0 when idle. */
    double loadOpsPerSecond;

    LatenessFigures(String name, long expected, long delivered, long duplicates, long early, double p50Millis,
        double p99Millis, double maxMillis, long lastArrivalMicros) {
        this.name = name;
        this.expected = expected;
        this.delivered = delivered;
        this.duplicates = duplicates;
        this.early = early;
        this.p50Millis = p50Millis;
        this.p99Millis = p99Millis;
        this.maxMillis = maxMillis;
        this.lastArrivalMicros = lastArrivalMicros;
    }

    boolean allDeliveredOnce() {
        return delivered == expected && duplicates == 0 && early == 0;
    }
}
