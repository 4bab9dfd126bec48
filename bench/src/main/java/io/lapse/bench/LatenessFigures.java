package io.lapse.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * What one lateness run measured: how many notifications came of how many expected, duplicates,
 * notifications that came before their deadline, and lateness percentiles in milliseconds; or
 * what several repetitions of a run measured, as {@link #median} sums them up.
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
    /** Stop-the-world collections from the start of the run to its figures, and their time in all. */
    long gcPauses;
    long gcPauseMillis;
    /**
     * The figure the repetitions were ranked by (p99, or drain rate for a storm), one per
     * repetition in the order they ran; empty for a single run.
     */
    final List<Double> repetitions = new ArrayList<>();

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

    /**
     * Sums up repetitions of one run: the counts (expected, delivered, twice, early, collections)
     * are added, the max is the largest, the load the mean; the percentiles and the drain rate
     * are those of the median repetition ranked by {@code rank}. One slow repetition moves a
     * single 4-second p99 by a scheduler hiccup or a collection; the median of three does not,
     * and {@link #repetitions} keeps every one in view.
     *
     * @param runs the repetitions, in the order they ran; at least one
     * @param rank what to rank them by
     * @return the summary, named as the runs are
     */
    static LatenessFigures median(List<LatenessFigures> runs, ToDoubleFunction<LatenessFigures> rank) {
        if (runs.size() == 1) {
            return runs.get(0);
        }
        List<LatenessFigures> ranked = new ArrayList<>(runs);
        ranked.sort(Comparator.comparingDouble(rank));
        LatenessFigures mid = ranked.get(ranked.size() / 2);
        long expected = 0;
        long delivered = 0;
        long duplicates = 0;
        long early = 0;
        double max = 0;
        double load = 0;
        long pauses = 0;
        long pauseMillis = 0;
        for (LatenessFigures f : runs) {
            expected += f.expected;
            delivered += f.delivered;
            duplicates += f.duplicates;
            early += f.early;
            max = Math.max(max, f.maxMillis);
            load += f.loadOpsPerSecond / runs.size();
            pauses += f.gcPauses;
            pauseMillis += f.gcPauseMillis;
        }
        LatenessFigures sum = new LatenessFigures(mid.name, expected, delivered, duplicates, early, mid.p50Millis,
            mid.p99Millis, max, mid.lastArrivalMicros);
        sum.drainPerSecond = mid.drainPerSecond;
        sum.loadOpsPerSecond = load;
        sum.gcPauses = pauses;
        sum.gcPauseMillis = pauseMillis;
        for (LatenessFigures f : runs) {
            sum.repetitions.add(rank.applyAsDouble(f));
        }
        return sum;
    }

    boolean allDeliveredOnce() {
        return delivered == expected && duplicates == 0 && early == 0;
    }
}
