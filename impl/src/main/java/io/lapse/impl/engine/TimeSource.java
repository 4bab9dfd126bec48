package io.lapse.impl.engine;

/**
 * The time that caches read: a precise {@link Clock} and a coarse copy of it that the sweeper
 * advances on every tick, so the read path needs no clock call.
 *
 * <p>A read compares an entry's deadline with the horizon, the last tick plus a window: a
 * deadline after the horizon cannot have passed yet, so the entry is live without asking the
 * clock; only entries whose deadline is within the window consult the precise clock. The window
 * is far larger than the tick interval, so a sweeper that runs late (a storm, a GC pause) stays
 * inside it. When no sweeper ticks, the horizon is {@link Long#MAX_VALUE} and every finite
 * deadline is checked against the precise clock: expiry stays exact, reads cost a clock call
 * more.
 *
 * <p>Thread safety: all methods may be called from any thread. The fields are written by sweeper
 * threads without a lock; a lost race can only leave the coarse time a little earlier, which
 * keeps every guarantee above.
 */
public final class TimeSource {

    private static final long STOPPED = Long.MAX_VALUE;

    private final Clock clock;
    private volatile long coarse;
    private volatile long horizon = STOPPED;
    private volatile long epochOffset;
    private volatile long window = 1_000L;

    /**
     * Creates a time source that does not tick until {@link #tick()} is called.
     *
     * @param clock the precise clock
     */
    public TimeSource(Clock clock) {
        this.clock = clock;
        this.epochOffset = offset(clock);
    }

    /**
     * Wall clock minus monotonic clock, reading the wall clock first: if time passes between the
     * two reads the offset comes out low, never high, so a deadline converted with it is never
     * later than the wall-clock time at which it passes.
     */
    private static long offset(Clock clock) {
        long epoch = clock.epochMillis();
        return epoch - clock.millis();
    }

    /**
     * Returns the precise monotonic time.
     *
     * @return {@link Clock#millis()}
     */
    public long now() {
        return clock.millis();
    }

    /**
     * Returns the time for computing new deadlines: the last tick while the sweeper runs (at
     * most about one resolution behind the precise time), the precise time otherwise.
     *
     * @return the coarse monotonic time
     */
    public long coarseNow() {
        return horizon == STOPPED ? clock.millis() : coarse;
    }

    /**
     * Tells whether a deadline has passed: exact, and without a clock call for any deadline
     * beyond the horizon.
     *
     * @param deadline a deadline in monotonic ms, {@link Node#NEVER} for none
     * @return {@code true} if the deadline is at or before now
     */
    boolean passed(long deadline) {
        return deadline <= horizon && deadline != Node.NEVER && deadline <= clock.millis();
    }

    /**
     * Converts a monotonic deadline to epoch milliseconds, accurate to about a millisecond (the
     * two clocks are sampled on every tick).
     *
     * @param deadline a deadline in monotonic ms, or {@link Node#NEVER}
     * @return epoch ms, or 0 for {@link Node#NEVER}
     */
    public long toEpochMillis(long deadline) {
        return deadline == Node.NEVER ? 0L : deadline + epochOffset;
    }

    /**
     * Converts epoch milliseconds to a monotonic deadline.
     *
     * @param epochMillis epoch ms, 0 for none
     * @return a monotonic deadline, or {@link Node#NEVER} for 0
     */
    public long fromEpochMillis(long epochMillis) {
        return epochMillis == 0 ? Node.NEVER : epochMillis - epochOffset;
    }

    /**
     * Advances the coarse time to the precise time; called by sweeper threads on every tick.
     *
     * @return the precise time read
     */
    long tick() {
        long sample = offset(clock);
        long current = epochOffset;
        // Two samples of the same clocks differ by a millisecond of truncation now and then:
        // settle on the lower and follow only real moves of the wall clock, so the deadline an
        // entry reports does not flicker between calls.
        if (sample < current || sample - current > 1) {
            epochOffset = sample;
        }
        long now = clock.millis();
        coarse = now;
        horizon = now + window;
        return now;
    }

    /**
     * Sets how far ahead of the last tick the horizon lies.
     *
     * @param windowMillis the window, greater than the tick interval
     */
    void window(long windowMillis) {
        window = windowMillis;
    }

    /** Stops trusting the coarse time: every read consults the precise clock until the next tick. */
    void stop() {
        horizon = STOPPED;
    }
}
