package io.lapse.impl.engine;

/** {@link Clock} backed by {@link System#nanoTime()} and {@link System#currentTimeMillis()}. */
enum SystemClock implements Clock {
    INSTANCE;

    @Override
    public long millis() {
        return System.nanoTime() / 1_000_000L;
    }

    @Override
    public long nanos() {
        return System.nanoTime();
    }

    @Override
    public long epochMillis() {
        return System.currentTimeMillis();
    }
}
