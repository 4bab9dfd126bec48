package io.lapse.jmx;

import java.util.function.Supplier;

/**
 * An MXBean implementation whose attributes can answer a batch of reads from one snapshot:
 * {@link DescribedMXBean} runs a {@code getAttributes} call (what jconsole sends on each refresh)
 * through {@link #inOneSnapshot}, so that the batch costs one pass over the cache instead of one
 * per attribute, and its figures agree with one another.
 *
 * <p>Implementations must be safe for use by any number of threads, each with its own batch.
 */
interface BatchedReads {

    /**
     * Runs the reads of several attributes in the calling thread, sharing one snapshot taken at
     * the first read that needs it. A batch inside a batch shares the outer one's.
     *
     * @param reads the reads
     * @param <T> what they return
     * @return what they returned
     */
    <T> T inOneSnapshot(Supplier<T> reads);
}
