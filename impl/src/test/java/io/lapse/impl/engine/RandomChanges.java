package io.lapse.impl.engine;

import java.time.Duration;
import java.util.Random;

import io.lapse.cache.Match;

/**
 * Random changes of every kind a replicated table offers, for the convergence tests of the engine
 * and of the cluster: puts (String and byte[]), putIfAbsent, remove, increment, setTtl, compute
 * (storing or removing), removal by prefix, and now and then a clear. Shared with the other
 * modules' tests through the impl module's test jar.
 */
public final class RandomChanges {

    private final int keys;
    private final Duration ttlUnit;
    private final int clearOneIn;

    /**
     * @param keys how many keys the changes spread over ({@code k0} onwards)
     * @param ttlUnit the unit of the TTLs given, 1 to 30 of them
     * @param clearOneIn of the removals by match, one in this many is a clear instead
     */
    public RandomChanges(int keys, Duration ttlUnit, int clearOneIn) {
        this.keys = keys;
        this.ttlUnit = ttlUnit;
        this.clearOneIn = clearOneIn;
    }

    /** Makes one change to the table. */
    public void apply(CacheTable t, Random random) {
        String key = "k" + random.nextInt(keys);
        Duration ttl = ttlUnit.multipliedBy(1 + random.nextInt(30));
        switch (random.nextInt(10)) {
            case 0:
                t.remove(key);
                break;
            case 1:
                t.increment("n" + random.nextInt(3), 1);
                break;
            case 2:
                t.setTtl(key, ttl);
                break;
            case 3:
                t.putIfAbsent(key, "pia" + random.nextInt(100));
                break;
            case 4:
                t.compute(key, (k, v) -> random.nextBoolean() ? null : "c" + random.nextInt(100));
                break;
            case 5:
                if (random.nextInt(clearOneIn) == 0) {
                    t.clear();
                } else {
                    t.removeKeys(Match.prefix("k" + random.nextInt(keys)));
                }
                break;
            case 6:
                t.put(key, new byte[] {(byte) random.nextInt(), (byte) random.nextInt()}, ttl);
                break;
            default:
                t.put(key, "v" + random.nextInt(1000), ttl);
        }
    }
}
