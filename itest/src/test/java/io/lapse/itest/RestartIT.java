package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.Bundle;

import io.lapse.cache.Cache;

/**
 * Threads belong to components: stopping the impl bundle stops every Lapse thread before
 * {@code stop()} returns, and starting it again brings the configured caches back.
 */
class RestartIT {

    @RegisterExtension
    static final FelixExtension FELIX = new FelixExtension();

    private final Felix felix = FELIX.felix();
    private final Caches caches = FELIX.caches();



    private static List<String> lapseThreads() {
        return Threads.named("lapse-").stream().map(Thread::getName).collect(Collectors.toList());
    }

    @Test
    void stoppingAndStartingTheImplBundleTwentyTimesLeavesNoThreadBehind() throws Exception {
        caches.create("restarted", "autoexpire", "50ms");
        java.util.Hashtable<String, Object> sweeper = new java.util.Hashtable<>();
        sweeper.put("threads", "2");
        caches.configAdmin().getConfiguration("io.lapse.sweeper", "?").update(sweeper);
        Await.until("two sweep threads and the clock", () -> lapseThreads().size() == 3);
        Bundle impl = felix.bundle("io.lapse.impl");
        for (int round = 1; round <= 20; round++) {
            impl.stop();
            assertEquals(List.of(), lapseThreads(), "threads left after stop " + round);
            assertEquals(0, caches.registered("restarted"));
            impl.start();
            Cache c = caches.cache("restarted");
            c.put("k" + round, round);
            assertEquals((long) round, c.get("k" + round));
            int r = round;
            Await.until("expiry in round " + r, () -> !c.containsKey("k" + r) && c.stats().expirations() == 1);
            Await.until("two sweep threads and the clock in round " + r, () -> lapseThreads().size() == 3);
        }
        impl.stop();
        assertEquals(List.of(), lapseThreads());
        impl.start();
        assertTrue(caches.cache("restarted").size() == 0, "entries live in memory: a restart starts empty");
    }
}
