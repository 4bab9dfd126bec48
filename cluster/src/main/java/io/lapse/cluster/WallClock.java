package io.lapse.cluster;

import java.time.Instant;

/** This node's wall clock in microseconds, for the lag of changes between nodes. Stateless. */
final class WallClock {

    private WallClock() {
    }

    /** @return the wall-clock time, epoch microseconds, as precise as the system clock is */
    static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }
}
