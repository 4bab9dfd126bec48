package io.lapse.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that reports, per iteration, how many processors the benchmark's JVM kept busy:
 * its processor time over the iteration's wall time, as result {@value #LABEL}. It counts every
 * thread of the JVM: the benchmark's own, and those a cache works on beside them (Caffeine's
 * maintenance on its executor, Lapse's sweeper and clock), the garbage collector's and the JIT
 * compiler's. A cache that hands work to another thread shows it here when the machine has a
 * processor to spare, where throughput alone credits the benchmark's threads with it.
 *
 * <p>The last measurement iteration of a fork reports nothing: it also holds the trial's
 * teardown, and while one benchmark thread tears a shared state down JMH's generated code puts
 * the others to sleep for about a second, whatever the teardown's length, so its wall time is not
 * the benchmark's.
 *
 * <p>Runs inside the forked JVM; JMH creates it by its public constructor, once per fork.
 */
public final class CoresUsed implements InternalProfiler {

    /** The name of the result, and of the counter the report reads. */
    static final String LABEL = "cores";

    private final com.sun.management.OperatingSystemMXBean system =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long cpuAtStart;
    private long wallAtStart;
    /** The measurement iterations begun in this fork. */
    private int measured;

    @Override
    public String getDescription() {
        return "processors kept busy by the benchmark's JVM: its processor time over wall time, per iteration";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        measured = iterationParams.getType() == IterationType.MEASUREMENT ? measured + 1 : 0;
        wallAtStart = System.nanoTime();
        cpuAtStart = system.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
        IterationResult result) {
        long cpu = system.getProcessCpuTime() - cpuAtStart;
        long wall = System.nanoTime() - wallAtStart;
        if (iterationParams.getType() == IterationType.MEASUREMENT && measured == iterationParams.getCount()) {
            return List.of();
        }
        return List.of(new ScalarResult(LABEL, wall > 0 ? (double) cpu / wall : Double.NaN, "processors",
            AggregationPolicy.AVG));
    }
}
