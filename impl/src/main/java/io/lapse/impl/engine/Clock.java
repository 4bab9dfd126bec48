package io.lapse.impl.engine;

/**
 * The engine's source of time. Deadlines live on the monotonic timeline of {@link #millis()};
 * {@link #epochMillis()} only converts them for the outside world.
 *
 * <p>Implementations must be safe for use by any number of threads.
 */
public interface Clock {

    /**
     * Returns monotonic milliseconds from an arbitrary origin; never decreases.
     *
     * @return the monotonic time
     */
    long millis();

    /**
     * Returns the same monotonic time in nanoseconds, {@code millis()} being
     * {@code nanos() / 1_000_000}; used to relate it to the wall clock finer than a millisecond.
     *
     * @return the monotonic time in nanoseconds
     */
    default long nanos() {
        return millis() * 1_000_000L;
    }

    /**
     * Returns the wall-clock time in epoch milliseconds.
     *
     * @return the wall-clock time
     */
    long epochMillis();

    /**
     * Returns the JVM's clock: {@link System#nanoTime()} and {@link System#currentTimeMillis()}.
     *
     * @return the system clock
     */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
