package io.lapse.impl.engine;

/**
 * The time that caches read: a precise {@link Clock} and a coarse copy of it that a clock thread
 * advances on every tick, so the read path needs no clock call.
 *
 * <p>A read compares an entry's deadline with the horizon, the last tick plus a window: a
 * deadline after the horizon cannot have passed yet, so the entry is live without asking the
 * clock; only entries whose deadline is within the window consult the precise clock. The thread
 * that ticks does nothing else (see {@link Sweeper}): no lock, no listener, no store can hold it
 * up, so a stalled sweep, a slow listener or a hung database never freezes the horizon or the
 * coarse time. The window (a second and more) is far larger than the tick interval, so a tick
 * that comes late stays inside it. When nothing ticks, the horizon is {@link Long#MAX_VALUE} and
 * every finite deadline is checked against the precise clock: expiry stays exact, reads cost a
 * clock call more.
 *
 * <p><b>The one gap:</b> a pause of the whole JVM longer than the window (a collection pause of
 * over a second) can let a read that resumes before the clock thread trust a horizon that time
 * has overtaken, for the instant until the clock thread's next tick; nothing else can.
 *
 * <p>Thread safety: all methods may be called from any thread. {@link #tick()} is called by one
 * thread at a time (the clock thread), so the coarse time and the horizon only move forward.
 */
public final class TimeSource {

    private static final long STOPPED = Long.MAX_VALUE;

    private final Clock clock;
    private volatile long coarse;
    private volatile long horizon = STOPPED;
    /** Wall clock minus monotonic clock, in nanoseconds; an estimate never above the truth. */
    private volatile long epochOffsetNanos;
    private volatile long window = 1_000L;

    /**
     * Creates a time source that does not tick until {@link #tick()} is called.
     *
     * @param clock the precise clock
     */
    public TimeSource(Clock clock) {
        this.clock = clock;
        this.epochOffsetNanos = offsetNanos(clock);
    }

    /**
     * Samples wall clock minus monotonic clock. The wall clock is read first and is truncated to
     * the millisecond, the monotonic clock is read after and to the nanosecond, so every error
     * makes the sample low: the largest sample seen is the best estimate, and a deadline
     * converted with it is never later than the wall-clock time at which it passes.
     */
    private static long offsetNanos(Clock clock) {
        long epoch = clock.epochMillis();
        return epoch * 1_000_000L - clock.nanos();
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
        // Small enough to be inlined into every read and write: beyond the horizon, one compare.
        return deadline <= horizon && passedByTheClock(deadline);
    }

    private boolean passedByTheClock(long deadline) {
        return deadline != Node.NEVER && deadline <= clock.millis();
    }

    /**
     * Converts a monotonic deadline to epoch milliseconds: never later than the wall-clock time
     * at which the deadline passes, and less than a millisecond before it once the clocks have
     * been sampled a few times (they are on every tick).
     *
     * @param deadline a deadline in monotonic ms, or {@link Node#NEVER}
     * @return epoch ms, or 0 for {@link Node#NEVER}
     */
    public long toEpochMillis(long deadline) {
        return deadline == Node.NEVER ? 0L : deadline + Math.floorDiv(epochOffsetNanos, 1_000_000L);
    }

    /**
     * Converts epoch milliseconds to a monotonic deadline.
     *
     * @param epochMillis epoch ms, 0 for none
     * @return a monotonic deadline, or {@link Node#NEVER} for 0
     */
    public long fromEpochMillis(long epochMillis) {
        return epochMillis == 0 ? Node.NEVER : epochMillis - Math.floorDiv(epochOffsetNanos, 1_000_000L);
    }

    /**
     * Returns how long until a monotonic time comes, to the nanosecond, for a sweeper that sleeps
     * until the next deadline.
     *
     * @param millis a monotonic time in ms
     * @return nanoseconds until {@code millis}, negative if it has passed
     */
    long nanosUntil(long millis) {
        return millis * 1_000_000L - clock.nanos();
    }

    /**
     * Advances the coarse time to the precise time; called by one thread at a time, the clock
     * thread, on every tick.
     *
     * @return the precise time read
     */
    long tick() {
        long sample = offsetNanos(clock);
        long current = epochOffsetNanos;
        // Keep the largest sample, the closest to the truth; follow the wall clock back only when
        // it really moved back (a step or a slew of more than 2 ms), not for a low sample.
        if (sample > current || current - sample > 2_000_000L) {
            epochOffsetNanos = sample;
        }
        long now = clock.millis();
        // the coarse time first: a reader that sees the new horizon then reads a coarse time at
        // least this recent
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
