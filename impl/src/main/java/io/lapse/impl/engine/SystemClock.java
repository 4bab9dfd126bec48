package io.lapse.impl.engine;

/**
 * {@link Clock} backed by {@link System#nanoTime()} and {@link System#currentTimeMillis()}. The
 * monotonic time counts from a fixed origin a day before the first reading, so it is positive and
 * far from overflow whatever {@code nanoTime} returns: the timer wheel's arithmetic and the
 * truncation to milliseconds both assume a non-negative time.
 */
enum SystemClock implements Clock {
    INSTANCE;

    private static final long DAY_NANOS = 86_400_000_000_000L;

    /** {@code nanoTime()} minus this is the monotonic time; fixed for the life of the class. */
    private final long origin = System.nanoTime() - DAY_NANOS;

    @Override
    public long millis() {
        return (System.nanoTime() - origin) / 1_000_000L;
    }

    @Override
    public long nanos() {
        return System.nanoTime() - origin;
    }

    @Override
    public long epochMillis() {
        return System.currentTimeMillis();
    }
}
