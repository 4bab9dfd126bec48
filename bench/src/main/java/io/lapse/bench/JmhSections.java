package io.lapse.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.ListStatistics;

import io.lapse.impl.engine.SweepBenchmark;

/**
 * Sections A and B, section F's throughput, section G's reads and section I's throughput, run through JMH's API: each benchmark in forked
 * JVMs, the scores kept by name for the report.
 */
final class JmhSections {

    /** A score and its 99.9% error, in the benchmark's unit. */
    static final class Score {
        final double value;
        final double error;

        Score(double value, double error) {
            this.value = value;
            this.error = error;
        }
    }

    private final boolean smoke;

    JmhSections(boolean smoke) {
        this.smoke = smoke;
    }

    /** Forks of a section's benchmarks, unless said otherwise. */
    private static final int FORKS = 2;
    /**
     * Forks of section F's throughput, whose targets are ratios near their bounds: on these
     * machines one cache read 15 M/s in one fork and 30 M/s in the next, mostly steady within
     * each; more forks average more such draws, for every subject alike.
     */
    static final int CAPACITY_FORKS = 3;

    private ChainedOptionsBuilder options(String include) {
        return options(include, FORKS);
    }

    private ChainedOptionsBuilder options(String include, int forks) {
        ChainedOptionsBuilder o = new OptionsBuilder().include(include).shouldFailOnError(true);
        if (smoke) {
            return o.forks(1).warmupIterations(1).warmupTime(TimeValue.milliseconds(300))
                .measurementIterations(2).measurementTime(TimeValue.milliseconds(300));
        }
        return o.forks(forks).warmupIterations(3).warmupTime(TimeValue.seconds(1))
            .measurementIterations(5).measurementTime(TimeValue.seconds(1));
    }

    /**
     * Section A: get and put at 1 and 2 threads, and a reader beside a writer, per subject.
     *
     * @return ops/s keyed {@code "<operation>|<threads>|<subject>"}; the reader and writer of the
     *     mixed run are {@code "readwrite_get|2|..."} and {@code "readwrite_put|2|..."}
     */
    Map<String, Score> throughput() throws RunnerException {
        Map<String, Score> scores = new LinkedHashMap<>();
        String single = ThroughputBenchmark.class.getName() + "\\.(get|put)$";
        for (int threads : new int[] {1, 2}) {
            inTurns(ThroughputBenchmark.class, single, threads, FORKS, scores);
        }
        collect(new Runner(options(ThroughputBenchmark.class.getName() + "\\.readwrite").build()).run(), scores);
        return scores;
    }

    /**
     * Section F's throughput: get and put at 1 and 2 threads, capped caches beside Lapse without a
     * limit.
     *
     * @return ops/s keyed {@code "<operation>|<threads>|<subject>"}, and the gets that hit, per
     *     second, keyed {@code "hits|<threads>|<subject>"}
     */
    Map<String, Score> capacity() throws RunnerException {
        Map<String, Score> scores = new LinkedHashMap<>();
        String single = CapacityBenchmark.class.getName() + "\\.(get|put)$";
        for (int threads : new int[] {1, 2}) {
            inTurns(CapacityBenchmark.class, single, threads, CAPACITY_FORKS, scores);
        }
        return scores;
    }

    /**
     * Section H's throughput: reads and writes through a heap of a tenth of the keys in front of a
     * file, Lapse's level beside Caffeine with a loader, one thread.
     *
     * @return ops/s keyed {@code "<operation>|1|<subject>"}
     */
    Map<String, Score> levels() throws RunnerException {
        Map<String, Score> scores = new LinkedHashMap<>();
        collect(new Runner(options(LevelBenchmark.class.getName() + "\\.").build()).run(), scores);
        return scores;
    }

    /**
     * Section I's throughput: get, put and getObject at 1 and 2 threads, Lapse's JCache provider
     * beside Ehcache's.
     *
     * @return ops/s keyed {@code "<operation>|<threads>|<subject>"}
     */
    Map<String, Score> jcache() throws RunnerException {
        Map<String, Score> scores = new LinkedHashMap<>();
        for (int threads : new int[] {1, 2}) {
            collect(new Runner(options(JCacheBenchmark.class.getName() + "\\.").threads(threads).build()).run(),
                scores);
        }
        return scores;
    }

    /**
     * Section G's read path: get at 1 and 2 threads, Lapse replicated beside Lapse unreplicated.
     *
     * @return ops/s keyed {@code "get|<threads>|<subject>"}
     */
    Map<String, Score> replicatedReads() throws RunnerException {
        Map<String, Score> scores = new LinkedHashMap<>();
        for (int threads : new int[] {1, 2}) {
            collect(new Runner(options(ReplicatedReadBenchmark.class.getName() + "\\.get$").threads(threads).build())
                .run(), scores);
        }
        return scores;
    }

    /**
     * Runs the operations of a benchmark for each of its subjects in turns: a round forks one JVM
     * per subject, in the order of the benchmark's {@code subject} parameter, and the rounds
     * repeat; then each subject's iterations, from all its forks, are pooled into its score (their
     * mean, with the 99.9% error JMH gives over several forks). The targets are ratios between
     * subjects, and these machines' speed drifts over minutes: forks of one subject run back to
     * back would hand a slow or fast spell to that subject alone, where turns share it out.
     *
     * @param forks the rounds: forks per subject
     * @param scores receives ops/s keyed {@code "<operation>|<threads>|<subject>"}, and the
     *     benchmark's counters and the processors its JVM kept busy ({@link CoresUsed}) keyed
     *     {@code "<counter>|<threads>|<subject>"}, the latter per operation in
     *     {@code "cores|<threads>|<subject>|<operation>"}
     */
    private void inTurns(Class<?> benchmark, String include, int threads, int forks, Map<String, Score> scores)
        throws RunnerException {
        String[] subjects;
        try {
            subjects = benchmark.getDeclaredField("subject").getAnnotation(Param.class).value();
        } catch (NoSuchFieldException e) {
            throw new IllegalArgumentException(benchmark.getName() + " has no subject parameter", e);
        }
        int rounds = smoke ? 1 : forks;
        Map<String, ListStatistics> pooled = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (String subject : subjects) {
                Collection<RunResult> results =
                    new Runner(options(include, 1).threads(threads).param("subject", subject)
                        .addProfiler(CoresUsed.class).build()).run();
                for (RunResult r : results) {
                    String method = operation(r);
                    for (BenchmarkResult fork : r.getBenchmarkResults()) {
                        for (IterationResult it : fork.getIterationResults()) {
                            pool(pooled, method + "|" + threads + "|" + subject, it.getPrimaryResult());
                            for (Map.Entry<String, Result> counter : it.getSecondaryResults().entrySet()) {
                                String key = counter.getKey() + "|" + threads + "|" + subject;
                                // the processors are the JVM's, measured for whichever operation it ran
                                pool(pooled, counter.getKey().equals(CoresUsed.LABEL) ? key + "|" + method : key,
                                    counter.getValue());
                            }
                        }
                    }
                }
            }
        }
        pooled.forEach((key, stats) -> scores.put(key, new Score(stats.getMean(), stats.getMeanErrorAt(0.999))));
    }

    private static void pool(Map<String, ListStatistics> pooled, String key, Result<?> result) {
        pooled.computeIfAbsent(key, k -> new ListStatistics()).addValue(result.getScore());
    }

    /** @return the benchmark method a result is of, without its class: the operation of the score's key */
    private static String operation(RunResult r) {
        String method = r.getParams().getBenchmark();
        return method.substring(method.lastIndexOf('.') + 1);
    }

    private static void collect(Collection<RunResult> results, Map<String, Score> scores) {
        for (RunResult r : results) {
            String method = operation(r);
            String subject = r.getParams().getParam("subject");
            int threads = r.getParams().getThreads();
            if (!method.equals("readwrite")) {
                scores.put(method + "|" + threads + "|" + subject, score(r.getPrimaryResult()));
            }
            // the sides of the readwrite group, and counters kept beside the operations (section F's hits)
            for (Map.Entry<String, Result> secondary : r.getSecondaryResults().entrySet()) {
                scores.put(secondary.getKey() + "|" + threads + "|" + subject, score(secondary.getValue()));
            }
        }
    }

    private static Score score(Result<?> result) {
        return new Score(result.getScore(), result.getScoreError());
    }

    /**
     * Section B: ns per expired entry, Lapse and the full scan, for each number of live entries.
     *
     * @return ns keyed {@code "<sweep>|<live>"}
     */
    Map<String, Score> sweeps() throws RunnerException {
        ChainedOptionsBuilder o = options(SweepBenchmark.class.getName()).timeUnit(TimeUnit.NANOSECONDS);
        if (smoke) {
            o = o.param("live", "10000", "100000");
        }
        Map<String, Score> scores = new LinkedHashMap<>();
        for (RunResult r : new Runner(o.build()).run()) {
            scores.put(r.getParams().getParam("sweep") + "|" + r.getParams().getParam("live"),
                score(r.getPrimaryResult()));
        }
        return scores;
    }
}
