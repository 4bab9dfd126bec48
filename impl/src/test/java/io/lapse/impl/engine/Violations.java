package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an oracle found wrong, by kind: a count and the first few examples of each, so that a run
 * that breaks a rule a million times still reads in one screen. Safe for use by any number of
 * threads.
 */
final class Violations {

    private static final int EXAMPLES = 5;

    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, List<String>> examples = new TreeMap<>();

    /** Records one violation of a rule. */
    synchronized void add(String rule, String example) {
        counts.merge(rule, 1L, Long::sum);
        List<String> e = examples.computeIfAbsent(rule, r -> new ArrayList<>());
        if (e.size() < EXAMPLES) {
            e.add(example);
        }
    }

    synchronized boolean isEmpty() {
        return counts.isEmpty();
    }

    @Override
    public synchronized String toString() {
        if (counts.isEmpty()) {
            return "none";
        }
        StringBuilder s = new StringBuilder();
        counts.forEach((rule, n) -> {
            s.append("\n  ").append(n).append(" x ").append(rule);
            examples.get(rule).forEach(e -> s.append("\n      e.g. ").append(e));
        });
        return s.toString();
    }
}
