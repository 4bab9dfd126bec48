package io.lapse.jmx.admin;

import java.util.concurrent.atomic.AtomicLong;

import io.lapse.impl.engine.Clock;

/** A clock that moves only when the test says so; its wall clock starts at a given epoch time. */
final class ManualClock implements Clock {

    private final AtomicLong millis = new AtomicLong(1_000);
    private final long epochAtZero;

    ManualClock(long epochNow) {
        this.epochAtZero = epochNow - millis.get();
    }

    void advance(long by) {
        millis.addAndGet(by);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public long epochMillis() {
        return epochAtZero + millis.get();
    }
}
