package io.lapse.bench;

import java.util.Random;

/**
 * A fixed population of string keys and a long sequence of accesses to them that follows a
 * Zipf distribution (exponent 0.99, as YCSB and Caffeine's benchmarks use): a few keys are hot,
 * most are cold. Ranks are mapped to keys through a random permutation, so the hot keys are
 * spread over the table rather than adjacent. Deterministic for a given seed.
 */
final class ZipfKeys {

    /** Keys in the cache. */
    static final int POPULATION = 1 << 16;
    /** Length of the access sequence; a power of two, so threads can wrap with a mask. */
    static final int SEQUENCE = 1 << 20;
    static final int MASK = SEQUENCE - 1;
    private static final double EXPONENT = 0.99;

    final String[] keys = new String[POPULATION];
    final Object[] values = new Object[POPULATION];
    /** The keys in access order: entries of {@link #keys}, so they share their cached hashes. */
    final String[] sequence = new String[SEQUENCE];

    ZipfKeys(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < POPULATION; i++) {
            keys[i] = "key:" + Long.toHexString(random.nextLong());
            keys[i].hashCode();
            values[i] = "value-" + i;
        }
        double[] cdf = cumulative(POPULATION);
        int[] permutation = new int[POPULATION];
        for (int i = 0; i < POPULATION; i++) {
            permutation[i] = i;
        }
        for (int i = POPULATION - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = t;
        }
        for (int i = 0; i < SEQUENCE; i++) {
            sequence[i] = keys[permutation[rank(cdf, random)]];
        }
    }

    /**
     * The unnormalised cumulative weights of ranks 0 to {@code n - 1} under the Zipf distribution
     * of exponent 0.99: rank r weighs 1 / (r + 1)^0.99.
     *
     * @param n how many ranks
     * @return the running sums, the last being the total
     */
    static double[] cumulative(int n) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int rank = 0; rank < n; rank++) {
            sum += 1.0 / Math.pow(rank + 1, EXPONENT);
            cdf[rank] = sum;
        }
        return cdf;
    }

    /**
     * Draws a rank from {@link #cumulative} weights, with one draw of the random source.
     *
     * @param cdf the weights
     * @param random the source
     * @return a rank, 0 the most likely
     */
    static int rank(double[] cdf, Random random) {
        double u = random.nextDouble() * cdf[cdf.length - 1];
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
