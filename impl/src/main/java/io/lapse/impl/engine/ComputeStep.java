package io.lapse.impl.engine;

import java.util.function.BiFunction;

/**
 * A compute: a function of a key's value run under the key's slot lock, its result stored,
 * removing the entry for {@code null}, in one step of the table ({@link io.lapse.cache.Cache#compute}).
 * The thread is marked as inside a compute function of the table while the function runs, so that
 * the writes it tries are refused (see {@link CacheTable#insideCompute()}). Stateless.
 */
final class ComputeStep {

    private ComputeStep() {
    }

    /**
     * Runs a compute.
     *
     * @param keepIfSame whether a function that returns the very value it was given (or
     *     {@code null} for a missing key) changes nothing, no put counted and no deadline restarted:
     *     the conditional steps of the map view ({@link MapView}); otherwise every value returned
     *     is stored, as {@code Cache.compute} says
     * @return the value after the step, as the cache holds it, or {@code null} for none
     */
    static Object run(CacheTable table, String key, BiFunction<? super String, Object, Object> function,
        boolean keepIfSame) {
        String name = table.name();
        Values.checkKey(name, key);
        if (function == null) {
            throw new NullPointerException("cache '" + name + "': compute function is null");
        }
        return table.writeKey(key, (n, now, st) -> {
            Object given = n == null ? null : n.exportValue();
            Object result;
            table.enterCompute();
            try {
                result = function.apply(key, given);
            } finally {
                table.leaveCompute();
            }
            if (result == null || (keepIfSame && result == given)) {
                return n == null || result != null ? Change.none(result) : Change.remove(null);
            }
            Object stored = Values.store(name, key, result, st.limits.maxItemSize);
            return Change.put(stored, st.limits.admit(name, key, stored, st.idleMillis > 0),
                Deadlines.forWrite(n, Deadlines.DEFAULT, now, st),
                stored instanceof byte[] ? ((byte[]) stored).clone() : stored);
        });
    }
}
