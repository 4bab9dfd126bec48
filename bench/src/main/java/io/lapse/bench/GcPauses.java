package io.lapse.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * The stop-the-world collections of this JVM since a starting point: how many and their time in
 * all, from the collectors' MXBeans (a collector whose name says it runs concurrently is left
 * out, since its time is not a pause). A lateness run reports them, because a pause holds up the
 * sweeper and the handler alike, and says how much of a tail is the collector's.
 */
final class GcPauses {

    private final long count;
    private final long millis;

    private GcPauses(long count, long millis) {
        this.count = count;
        this.millis = millis;
    }

    /** @return the collections so far */
    static GcPauses now() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!gc.getName().contains("Concurrent") && gc.getCollectionCount() > 0) {
                count += gc.getCollectionCount();
                millis += gc.getCollectionTime();
            }
        }
        return new GcPauses(count, millis);
    }

    /** @return how many collections happened since {@code start} */
    long countSince(GcPauses start) {
        return count - start.count;
    }

    /** @return their time in all, in milliseconds */
    long millisSince(GcPauses start) {
        return millis - start.millis;
    }
}
