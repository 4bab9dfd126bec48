package io.lapse.impl.engine;

import java.time.Duration;

/**
 * The time one call may spend matching ({@link io.lapse.cache.Match#budget()}), checked before
 * each text. RE2/J runs in time linear in the text, but each character costs up to the size of the
 * pattern's program, and a single text cannot be interrupted once its match has started. So a
 * text is refused, before it is matched, when its length times the program's size
 * ({@link TextMatcher#cost()}) times {@value #NANOS_PER_UNIT} ns (twice what RE2/J was measured
 * to take on a loaded 2-core Xeon, programs of a thousand steps over texts of 100,000 characters)
 * is more than what is left of the budget; and the call stops once the budget is spent. A call
 * therefore ends within about twice its budget, however costly the pattern or long the texts.
 *
 * <p>Not thread-safe: one per call.
 */
final class MatchBudget {

    /**
     * Nanoseconds per character per program instruction that a text is allowed for: twice the 7 to
     * 8 ns measured for RE2/J with programs of a thousand steps, so a text admitted with time left
     * finishes within about that time.
     */
    static final long NANOS_PER_UNIT = 16;

    /** Thrown when the budget would be exceeded; the operation turns it into its own message. */
    static final class Exceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Exceeded(String reason) {
            super(reason, null, false, false);
        }
    }

    private final long start = System.nanoTime();
    private final long limitNanos;
    private final long cost;

    /**
     * Starts the budget of a call.
     *
     * @param budget how long the call may spend
     * @param cost the program's cost per character ({@link TextMatcher#cost()})
     */
    MatchBudget(Duration budget, long cost) {
        this.limitNanos = budget.toNanos();
        this.cost = cost;
    }

    /**
     * Checks that there is time to match a text of this length.
     *
     * @param length the text's length in characters
     * @throws Exceeded if the budget is spent, or the text would take longer than what is left
     */
    void admit(int length) {
        long left = limitNanos - (System.nanoTime() - start);
        if (left <= 0) {
            throw new Exceeded("it ran out of its budget of " + millis(limitNanos) + " ms");
        }
        if (cost > 0 && (double) length * cost * NANOS_PER_UNIT > left) {
            throw new Exceeded("a text of " + length + " characters could take this pattern (about " + cost
                + " steps per character) longer than the " + millis(left) + " ms left of its budget of "
                + millis(limitNanos) + " ms");
        }
    }

    /** @return how long the call has run, in milliseconds */
    long elapsedMillis() {
        return (System.nanoTime() - start) / 1_000_000L;
    }

    private static long millis(long nanos) {
        return Math.max(0, nanos / 1_000_000L);
    }
}
