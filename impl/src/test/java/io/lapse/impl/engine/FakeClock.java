package io.lapse.impl.engine;

import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to; safe for use by several threads. */
final class FakeClock implements Clock {

    static final long EPOCH_OFFSET = 1_700_000_000_000L;

    private final AtomicLong millis = new AtomicLong(1_000_000);

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public long epochMillis() {
        return millis.get() + EPOCH_OFFSET;
    }

    void advance(long delta) {
        millis.addAndGet(delta);
    }

    void set(long value) {
        millis.set(value);
    }
}
