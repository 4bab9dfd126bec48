package io.lapse.impl.osgi;

import java.util.Map;

import io.lapse.cache.Durations;
import io.lapse.impl.engine.Sweeper;

/** The sweeper configuration (PID {@code io.lapse.sweeper}), read and checked. */
final class SweeperProperties {

    /** Default of {@code threads}. */
    static final int DEFAULT_THREADS = 1;
    /** Default of {@code resolution}: 10 ms. */
    static final String DEFAULT_RESOLUTION = "10ms";
    /** {@link #DEFAULT_RESOLUTION} in milliseconds. */
    static final long DEFAULT_RESOLUTION_MILLIS = Durations.parseMillis(DEFAULT_RESOLUTION);

    final int threads;
    final long resolutionMillis;

    private SweeperProperties(int threads, long resolutionMillis) {
        this.threads = threads;
        this.resolutionMillis = resolutionMillis;
    }

    static SweeperProperties defaults() {
        return new SweeperProperties(DEFAULT_THREADS, DEFAULT_RESOLUTION_MILLIS);
    }

    /**
     * Reads a configuration; absent properties take their defaults.
     *
     * @throws IllegalArgumentException naming the property that is invalid
     */
    static SweeperProperties parse(Map<String, ?> properties) {
        int threads = DEFAULT_THREADS;
        Object rawThreads = properties.get("threads");
        if (rawThreads != null && !rawThreads.toString().isBlank()) {
            long parsed;
            try {
                parsed = Long.parseLong(rawThreads.toString().strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("property 'threads' = '" + rawThreads + "' is not an integer");
            }
            if (parsed < 1 || parsed > Sweeper.MAX_THREADS) {
                throw new IllegalArgumentException("property 'threads' = " + parsed + " is outside 1.." + Sweeper.MAX_THREADS);
            }
            threads = (int) parsed;
        }
        long resolution = DEFAULT_RESOLUTION_MILLIS;
        Object rawResolution = properties.get("resolution");
        if (rawResolution != null && !rawResolution.toString().isBlank()) {
            try {
                resolution = Durations.parseMillis(rawResolution.toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("property 'resolution': " + e.getMessage());
            }
            if (resolution < Sweeper.MIN_RESOLUTION_MILLIS || resolution > Sweeper.MAX_RESOLUTION_MILLIS) {
                throw new IllegalArgumentException("property 'resolution' = " + rawResolution + " is outside "
                    + Sweeper.MIN_RESOLUTION_MILLIS + "ms.." + Sweeper.MAX_RESOLUTION_MILLIS / 1000 + "s");
            }
        }
        return new SweeperProperties(threads, resolution);
    }

    @Override
    public String toString() {
        return "threads=" + threads + ", resolution=" + resolutionMillis + "ms";
    }
}
