package io.lapse.impl.engine;

import java.time.Duration;

import io.lapse.cache.Match;

/**
 * One change of every kind a replicated table offers, made on one node for the tests that check
 * each reaches the others (the engine's and the cluster's). Shared with the other modules' tests
 * through the impl module's test jar. Leaves eight entries: plain, short (with the TTL given),
 * bytes, number, absent ("first"), counter (7), ttl (ten minutes), computed ("made").
 */
public final class ChangeKinds {

    private ChangeKinds() {
    }

    /** Makes the changes on a table. */
    public static void makeEach(CacheTable a, Duration shortTtl) {
        a.put("plain", "v");
        a.put("short", "s", shortTtl);
        a.put("bytes", new byte[] {1, 2, 3});
        a.put("number", 42L);
        a.putIfAbsent("absent", "first");
        a.putIfAbsent("absent", "second");
        a.increment("counter", 5);
        a.increment("counter", 2);
        a.put("ttl", "t");
        a.setTtl("ttl", Duration.ofMinutes(10));
        a.compute("computed", (k, v) -> "made");
        a.put("computed-away", "x");
        a.compute("computed-away", (k, v) -> null);
        a.put("gone", "g");
        a.remove("gone");
        a.put("match-1", "m");
        a.put("match-2", "m");
        a.removeKeys(Match.prefix("match-"));
        a.put("v1", "drop-me");
        a.removeValues(Match.regex("drop-.*"));
    }
}
