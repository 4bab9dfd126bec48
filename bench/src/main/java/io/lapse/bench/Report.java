package io.lapse.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.lapse.cluster.HazelcastConfigs;
import io.lapse.impl.engine.MemoryFootprint;

/**
 * The benchmark report, {@code docs/benchmarks.md}: how and where it was measured, each target
 * of the design with the figure that decides it, and the seven sections, every figure beside its
 * ratio to ConcurrentHashMap and Caffeine of the same run. A section that was not run is left
 * out.
 */
final class Report {

    /** The design's bound on how late the 99th percentile of expiry events may be. */
    private static final double P99_TARGET_MILLIS = 20;
    private static final String[] SUBJECTS = {"LAPSE", "LAPSE_STATS", "CHM", "CAFFEINE_EAW", "CAFFEINE_VAR"};
    private static final String[] SUBJECT_NAMES = {"Lapse", "Lapse, statistics on", "ConcurrentHashMap",
        "Caffeine expireAfterWrite", "Caffeine variable expiry"};
    /** The design's bound on the bytes an entry of a capped cache costs beyond its key and value. */
    private static final double LIMITED_BYTES_TARGET = 64;
    private static final String[] CAPPED_SUBJECTS =
        {"LAPSE_CAPPED", "CAFFEINE_SIZE", "CAFFEINE_SIZE_EAW", "LAPSE", "CHM"};
    private static final String[] CAPPED_NAMES = {"Lapse, max_entries", "Caffeine maximumSize",
        "Caffeine maximumSize + expireAfterWrite", "Lapse, no limit", "ConcurrentHashMap"};
    /** The subjects the capped Lapse is divided by in section F's table, all but itself. */
    private static final String[] CAPPED_OTHERS = {"CAFFEINE_SIZE", "CAFFEINE_SIZE_EAW", "LAPSE", "CHM"};
    private static final long[] SWEEP_SIZES = {10_000, 100_000, 1_000_000, 4_000_000};
    /** The replication issue's bound on the lag's 99th percentile at {@link ReplicationLag#RATE} changes/s. */
    private static final double REPLICATION_P99_TARGET_MILLIS = 10;

    private final String command;
    private final boolean smoke;
    private final String machine;
    private final String date;
    Map<String, JmhSections.Score> throughput;
    Map<String, JmhSections.Score> sweeps;
    List<LatenessFigures> lateness;
    String latenessScale;
    List<MemoryFootprint.Figure> memory;
    int memoryEntries;
    StoreLoad.Result load;
    Map<String, JmhSections.Score> capacity;
    List<HitRatio.Figure> hitRatios;
    List<MemoryFootprint.Figure> limitedMemory;
    int limitedMemoryEntries;
    List<ReplicationFigures> replication;
    String replicationScale;
    Map<String, JmhSections.Score> replicatedReads;
    Map<String, JmhSections.Score> levels;
    List<LevelHitRatio.Figure> levelHitRatios;
    LevelExpiryCost.Result levelExpiry;
    Map<String, JmhSections.Score> jcache;
    List<JCacheIdleExpiry.Result> jcacheExpiry;
    double minutes;

    Report(String command, boolean smoke, String machine, String date) {
        this.command = command;
        this.smoke = smoke;
        this.machine = machine;
        this.date = date;
    }

    String render() {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Written by `").append(command).append("`").append(smoke ? " in its short smoke mode" : "")
            .append(", which took ").append(fmt(minutes, 1)).append(" minutes, on ").append(date).append(".\n\n");
        md.append("Machine: ").append(machine).append(".\n\n");
        md.append("Every figure comes from this one run, so ratios compare like with like; absolute figures move "
            + "with the machine and its load. How to run it and what each section does: `bench/README.md`.\n\n");
        md.append("## Targets\n\n").append(targets()).append('\n');
        if (throughput != null) {
            renderThroughput(md);
        }
        if (sweeps != null) {
            renderSweeps(md);
        }
        if (lateness != null) {
            renderLateness(md);
        }
        if (memory != null) {
            renderMemory(md);
        }
        if (load != null) {
            renderLoad(md);
        }
        if (capacity != null) {
            renderCapacity(md);
        }
        if (replication != null) {
            renderReplication(md);
        }
        if (levels != null) {
            renderLevels(md);
        }
        if (jcache != null) {
            renderJCache(md);
        }
        return md.toString();
    }

    /** The design's targets, each with its figure and whether it holds, as a Markdown table. */
    String targets() {
        StringBuilder t = new StringBuilder("| target | measured | |\n|---|---|---|\n");
        if (throughput != null) {
            for (int threads : new int[] {1, 2}) {
                double vsChm = ratio("get", threads, "LAPSE", "CHM");
                double vsCaffeine = ratio("get", threads, "LAPSE", "CAFFEINE_EAW");
                double put = ratio("put", threads, "LAPSE", "CHM");
                row(t, "get ≥ 0.5× ConcurrentHashMap, " + threads + " thread" + (threads > 1 ? "s" : ""),
                    fmt(vsChm, 2) + "×", vsChm >= 0.5);
                row(t, "get ≥ 3× Caffeine expireAfterWrite, " + threads + " thread" + (threads > 1 ? "s" : ""),
                    fmt(vsCaffeine, 2) + "×", vsCaffeine >= 3);
                row(t, "put ≥ 0.7× ConcurrentHashMap, " + threads + " thread" + (threads > 1 ? "s" : ""),
                    fmt(put, 2) + "×", put >= 0.7);
            }
        }
        if (sweeps != null) {
            double min = Double.MAX_VALUE;
            double max = 0;
            for (long n : SWEEP_SIZES) {
                JmhSections.Score s = sweeps.get("LAPSE|" + n);
                if (s != null) {
                    min = Math.min(min, s.value);
                    max = Math.max(max, s.value);
                }
            }
            row(t, "sweep cost per expired entry within 2× from 10k to 4M live entries",
                fmt(max / min, 2) + "× between the cheapest and dearest", max / min <= 2);
            JmhSections.Score lapse = sweeps.get("LAPSE|1000000");
            JmhSections.Score scan = sweeps.get("FULL_SCAN|1000000");
            if (lapse != null && scan != null) {
                double speedup = scan.value / lapse.value;
                row(t, "sweep ≥ 50× faster than a full scan at 1M live entries", fmt(speedup, 0) + "×", speedup >= 50);
            }
        }
        if (lateness != null) {
            for (LatenessFigures f : lateness) {
                if (!f.name.startsWith("Lapse")) {
                    continue;
                }
                if (f.name.endsWith("storm")) {
                    if (f.name.contains("exempt")) {
                        row(t, "storm drains ≥ 500,000 events/s, handler exempt from the timeout",
                            fmt(f.drainPerSecond, 0) + " events/s", f.drainPerSecond >= 500_000);
                    }
                    continue;
                }
                row(t, "events p50 ≤ 2 ms, p99 ≤ 20 ms late, all delivered once: " + f.name.substring(7),
                    "p50 " + fmt(f.p50Millis, 2) + " ms, p99 " + fmt(f.p99Millis, 2) + " ms, " + f.delivered + "/"
                        + f.expected + (f.duplicates > 0 ? ", " + f.duplicates + " twice" : ""),
                    f.p50Millis <= 2 && f.p99Millis <= P99_TARGET_MILLIS && f.allDeliveredOnce());
            }
        }
        if (memory != null) {
            double bytes = memory.get(0).bytesPerEntry;
            row(t, "≤ 56 bytes per entry beyond key and value", fmt(bytes, 1) + " bytes", bytes <= 56);
        }
        if (load != null) {
            StoreLoad.Figure best = bestLoad(StoreSettingsDefaults.FETCH_ROWS);
            if (best == null) {
                row(t, "load ≥ 500,000 rows/s from PostgreSQL", "not measured: " + load.skipped, false);
            } else {
                row(t, "load ≥ 500,000 rows/s from PostgreSQL (" + String.format(Locale.ROOT, "%,d", load.rows)
                    + " rows, default fetch_rows)", fmt(median(StoreSettingsDefaults.FETCH_ROWS), 0) + " rows/s (median)",
                    median(StoreSettingsDefaults.FETCH_ROWS) >= 500_000);
            }
        }
        if (capacity != null) {
            for (int threads : new int[] {1, 2}) {
                String on = ", " + threads + " thread" + (threads > 1 ? "s" : "");
                double get = cappedRatio("get", threads, "CAFFEINE_SIZE");
                double vsUnlimited = cappedRatio("get", threads, "LAPSE");
                double put = cappedRatio("put", threads, "CAFFEINE_SIZE");
                row(t, "capped get ≥ 2× Caffeine maximumSize" + on, fmt(get, 2) + "×", get >= 2);
                row(t, "capped get ≥ 0.8× Lapse without a limit" + on, fmt(vsUnlimited, 2) + "×", vsUnlimited >= 0.8);
                double ceiling = capacity.get("put|" + threads + "|CHM").value
                    / capacity.get("put|" + threads + "|CAFFEINE_SIZE").value;
                row(t, "capped put ≥ 1.5× Caffeine maximumSize" + on, fmt(put, 2) + "× (ConcurrentHashMap, without "
                    + "limit or expiry: " + fmt(ceiling, 2) + "×)", put >= 1.5);
            }
        }
        if (hitRatios != null) {
            for (HitRatio.Figure f : hitRatios) {
                if (f.capacity != Subject.CAPACITY) {
                    continue;
                }
                double behind = (f.lru - f.lapse) * 100;
                row(t, "capped hit ratio within 1 point of exact LRU, or above it: " + f.trace.title + ", "
                    + String.format(Locale.ROOT, "%,d", f.capacity) + " entries", "Lapse " + percent(f.lapse)
                    + ", LRU " + percent(f.lru) + " (" + points(f.lapse - f.lru) + "); Caffeine W-TinyLFU "
                    + percent(f.caffeine), behind <= 1);
            }
        }
        if (limitedMemory != null) {
            for (MemoryFootprint.Figure f : limitedMemory) {
                if (f.subject.startsWith("Lapse, max_")) {
                    row(t, "≤ " + fmt(LIMITED_BYTES_TARGET, 0) + " bytes per entry beyond key and value: "
                        + f.subject, fmt(f.bytesPerEntry, 1) + " bytes", f.bytesPerEntry <= LIMITED_BYTES_TARGET);
                }
            }
        }
        if (replication != null) {
            for (ReplicationFigures f : replication) {
                if (f.model == ReplicationModel.LOG && f.offeredPerSecond == ReplicationLag.RATE) {
                    row(t, "replication lag p99 ≤ " + fmt(REPLICATION_P99_TARGET_MILLIS, 0) + " ms at "
                        + String.format(Locale.ROOT, "%,d", ReplicationLag.RATE) + " changes/s on loopback: " + f.nodes
                        + " nodes, writers on " + f.writersTitle(), "p99 " + fmt(f.lagP99Millis, 2) + " ms (p50 "
                        + fmt(f.lagP50Millis, 2) + ", max " + fmt(f.lagMaxMillis, 1) + ")",
                        f.lagP99Millis <= REPLICATION_P99_TARGET_MILLIS);
                }
            }
        }
        if (replicatedReads != null) {
            for (int threads : new int[] {1, 2}) {
                JmhSections.Score plain = replicatedReads.get("get|" + threads + "|LAPSE");
                JmhSections.Score replicated = replicatedReads.get("get|" + threads + "|LAPSE_REPLICATED");
                String target = "get on a replicated cache within noise of the same unreplicated, " + threads
                    + " thread" + (threads > 1 ? "s" : "");
                String measured = fmt(replicated.value / plain.value, 2) + "×";
                if (Double.isFinite(plain.error) && Double.isFinite(replicated.error)) {
                    boolean overlap = overlap(plain, replicated);
                    row(t, target, measured + ", error bars " + (overlap ? "overlap" : "apart"), overlap);
                } else {
                    row(t, target, measured + ", no error bars (too few samples)", "not judged");
                }
            }
        }
        return t.toString();
    }

    private static void row(StringBuilder t, String target, String measured, boolean met) {
        row(t, target, measured, met ? "met" : "**missed**");
    }

    private static void row(StringBuilder t, String target, String measured, String verdict) {
        t.append("| ").append(target).append(" | ").append(measured).append(" | ").append(verdict).append(" |\n");
    }

    /** @return whether the 99.9% intervals of two scores meet */
    private static boolean overlap(JmhSections.Score a, JmhSections.Score b) {
        return Math.abs(a.value - b.value) <= a.error + b.error;
    }

    private double ratio(String op, int threads, String a, String b) {
        return throughput.get(op + "|" + threads + "|" + a).value / throughput.get(op + "|" + threads + "|" + b).value;
    }

    private void renderThroughput(StringBuilder md) {
        md.append("## A. Throughput\n\n");
        md.append("JMH, millions of operations per second (± the 99.9% error), over a cache prefilled with 65,536 "
            + "string keys read and written in a Zipfian order (exponent 0.99), as Caffeine's GetPutBenchmark does. "
            + "Writes replace existing keys. Every expiring cache gives its entries an hour, so nothing expires "
            + "while it is measured: what is measured is what carrying expiry costs. Lapse runs with its defaults "
            + "(1,024 slots, statistics off) and its sweeper thread running; the targets are judged on it. \"Lapse, "
            + "statistics on\" counts every read, as the `statistics` setting asks. The mixed run is one reader "
            + "beside one writer. The subjects of get and put take turns, a JVM (fork) each in the order of the "
            + "table, round after round, and a figure is the mean of its subject's iterations in all its rounds: "
            + "this machine's speed drifts over minutes, and turns share a slow or fast spell out among the "
            + "subjects whose ratios are the targets, where forks of one subject run back to back would hand it "
            + "to that subject alone.\n\n");
        operationsHead(md, SUBJECT_NAMES);
        md.append(" Lapse ÷ ConcurrentHashMap | Lapse ÷ Caffeine expireAfterWrite | Lapse ÷ Caffeine variable |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        String[][] rows = {{"get", "1"}, {"get", "2"}, {"put", "1"}, {"put", "2"}, {"readwrite_get", "2"},
            {"readwrite_put", "2"}};
        for (String[] r : rows) {
            String label = r[0].startsWith("readwrite") ? r[0].substring(10) + " (beside a " + (r[0].endsWith("get")
                ? "writer" : "reader") + ")" : r[0];
            md.append("| ").append(label).append(" | ").append(r[1]).append(" |");
            for (String subject : SUBJECTS) {
                JmhSections.Score s = throughput.get(r[0] + "|" + r[1] + "|" + subject);
                md.append(' ').append(fmt(s.value / 1e6, 1)).append(error(s.error / 1e6, 1)).append(" |");
            }
            double lapse = throughput.get(r[0] + "|" + r[1] + "|LAPSE").value;
            for (String other : new String[] {"CHM", "CAFFEINE_EAW", "CAFFEINE_VAR"}) {
                md.append(' ').append(fmt(lapse / throughput.get(r[0] + "|" + r[1] + "|" + other).value, 2))
                    .append("× |");
            }
            md.append('\n');
        }
        double counted = 1 - throughput.get("get|1|LAPSE_STATS").value / throughput.get("get|1|LAPSE").value;
        md.append("\nCounting every read (statistics on) cost a get ").append(fmt(counted * 100, 0))
            .append("% of its throughput on one thread: finding a counter cell of the reading thread's own, or an "
                + "atomic add, costs several nanoseconds on a read that takes a few dozen. That is why it is off by "
                + "default, as in JCache and Caffeine; puts, removals, expirations and evictions are counted either "
                + "way.\n\n");
        md.append("Processors kept busy: ").append(processorsExplained()).append("\n\n");
        renderProcessors(md, throughput, SUBJECTS, SUBJECT_NAMES, "LAPSE", new String[] {"CHM", "CAFFEINE_EAW"});
    }

    private void renderSweeps(StringBuilder md) {
        md.append("## B. Sweep scaling\n\n");
        md.append("JMH, nanoseconds per expired entry: 1,000 entries expire among N live entries that do not, "
            + "with a clock the benchmark moves. Lapse sweeps through its timer wheels, visiting only slots with a "
            + "bucket due; the full scan visits every entry and checks its deadline, as htable and cachedb_local "
            + "do.\n\n");
        md.append("| live entries | Lapse, ns per expired entry | full scan, ns per expired entry | full scan ÷ Lapse |\n");
        md.append("|---|---|---|---|\n");
        for (long n : SWEEP_SIZES) {
            JmhSections.Score lapse = sweeps.get("LAPSE|" + n);
            JmhSections.Score scan = sweeps.get("FULL_SCAN|" + n);
            if (lapse == null || scan == null) {
                continue;
            }
            md.append("| ").append(String.format(Locale.ROOT, "%,d", n)).append(" | ").append(fmt(lapse.value, 0))
                .append(error(lapse.error, 0)).append(" | ").append(fmt(scan.value, 0)).append(error(scan.error, 0))
                .append(" | ").append(fmt(scan.value / lapse.value, 0)).append("× |\n");
        }
        md.append('\n');
    }

    private void renderLateness(StringBuilder md) {
        md.append("## C. Event lateness\n\n");
        md.append("From an entry's deadline to the moment a subscriber hears of it, in milliseconds: ")
            .append(latenessScale).append(". Lapse runs in Apache Felix with Felix EventAdmin; its caches are made "
            + "through ConfigurationAdmin with the defaults (one sweeper thread, 10 ms resolution) and an "
            + "`EventHandler` subscribes to `cache/expired`. The lateness is the handler's wall clock minus the "
            + "event's `cache.expires`. \"Loaded\" adds a thread of reads and writes on the same cache. Caffeine "
            + "is measured the same way through a removal listener, its deadline taken when the entry is "
            + "written. Where a run was repeated, p99 and the storm's drain rate are those of the median "
            + "repetition, followed by every repetition's in brackets, in the order they ran; the counts add up "
            + "the repetitions and the max is the largest. Each run starts with a full collection, so that it does not pay for the garbage of the "
            + "runs before it; the collector's pauses during the run (from its MXBeans) are in the last column, "
            + "because a pause holds up the sweeper and the handler alike.\n\n");
        md.append("| run | delivered | twice | early | p50 | p99 | max | load, ops/s | storm drain, events/s "
            + "| GC pauses, ms in all |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (LatenessFigures f : lateness) {
            md.append("| ").append(f.name).append(" | ").append(f.delivered).append(" of ").append(f.expected)
                .append(" | ").append(f.duplicates).append(" | ").append(f.early).append(" | ")
                .append(f.delivered == 0 ? "–" : fmt(f.p50Millis, 2)).append(" | ")
                .append(f.delivered == 0 ? "–" : fmt(f.p99Millis, 2) + (f.name.endsWith("storm") ? ""
                    : repetitions(f, 2))).append(" | ")
                .append(f.delivered == 0 ? "–" : fmt(f.maxMillis, 2)).append(" | ")
                .append(f.loadOpsPerSecond == 0 ? "–" : String.format(Locale.ROOT, "%,.0f", f.loadOpsPerSecond))
                .append(" | ").append(f.drainPerSecond == 0 ? "–" : fmt(f.drainPerSecond, 0) + repetitions(f, 0))
                .append(" | ").append(f.gcPauses).append(" (").append(f.gcPauseMillis).append(")")
                .append(" |\n");
        }
        renderSlowRepetitions(md);
        LatenessFigures guarded = find("Lapse, EventAdmin defaults, storm");
        LatenessFigures exempt = find("Lapse, handler exempt from the timeout, storm");
        if (guarded != null && exempt != null && guarded.drainPerSecond > 0) {
            md.append("\nWith its defaults, Felix EventAdmin runs every handler call under a timeout (5 s): it hands "
                + "the call to a second thread and waits for it, so each event costs two thread switches. A handler "
                + "named in `org.apache.felix.eventadmin.IgnoreTimeout` (class names, or packages ending in `.` or "
                + "`*`) is called directly: here a storm drained ")
                .append(fmt(exempt.drainPerSecond / guarded.drainPerSecond, 1))
                .append("× faster that way. Exempt handlers that are quick; a slow exempt handler is never cut off, "
                    + "and it holds up the later events of the cache, which EventAdmin delivers in order.\n");
        }
        LatenessFigures caffeine = find("Caffeine, system scheduler, idle");
        LatenessFigures unscheduled = find("Caffeine, no scheduler, idle");
        if (caffeine != null && unscheduled != null) {
            md.append("\nCaffeine's scheduler paces its maintenance to about a second, so its listener hears of an "
                + "expiry ").append(fmt(caffeine.p50Millis, 0)).append(" ms late at the median; without a scheduler "
                + "an idle Caffeine cache expires nothing until it is used again (").append(unscheduled.delivered)
                .append(" of ").append(unscheduled.expected).append(" notifications within 3 s of the last deadline). "
                    + "Lapse's sweeper sleeps until the next deadline, so the lateness is the thread's wake-up.\n");
        }
        md.append('\n');
    }

    /**
     * Names every repetition whose p99 missed the target, so that the median never hides one,
     * and says when they were all the first of their run: the ones right after the framework
     * started.
     */
    private void renderSlowRepetitions(StringBuilder md) {
        List<String> slow = new ArrayList<>();
        boolean allFirst = true;
        for (LatenessFigures f : lateness) {
            if (!f.name.startsWith("Lapse") || f.name.endsWith("storm")) {
                continue;
            }
            for (int i = 0; i < f.repetitions.size(); i++) {
                if (f.repetitions.get(i) > P99_TARGET_MILLIS) {
                    slow.add(f.name.substring(7) + ", repetition " + (i + 1) + ": p99 " + fmt(f.repetitions.get(i), 2)
                        + " ms");
                    allFirst &= i == 0;
                }
            }
        }
        if (slow.isEmpty()) {
            return;
        }
        md.append("\nRepetitions whose p99 was over the target of ").append(fmt(P99_TARGET_MILLIS, 0))
            .append(" ms: ").append(String.join("; ", slow)).append('.');
        if (allFirst) {
            md.append(" Each was the first of its kind, run within seconds of the framework's start, and the "
                + "repetitions after it, in the same framework, met the target: most likely the cost of a framework "
                + "just started, whose event path (EventAdmin's and Lapse's) is still being loaded and compiled on "
                + "the same two cores.");
        }
        md.append(" The target is judged on the median repetition.\n");
    }

    /** The figure of every repetition, after the median: " [1.20; 1.52; 3.10]"; nothing for one run. */
    private static String repetitions(LatenessFigures f, int digits) {
        if (f.repetitions.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(" [");
        for (double r : f.repetitions) {
            text.append(text.length() > 2 ? "; " : "").append(fmt(r, digits));
        }
        return text.append(']').toString();
    }

    private LatenessFigures find(String name) {
        return lateness.stream().filter(f -> f.name.equals(name)).findFirst().orElse(null);
    }

    private void renderMemory(StringBuilder md) {
        md.append("## D. Memory per entry\n\n");
        md.append("Bytes per entry beyond the key and value objects, measured by walking the object graph with JOL: "
            + "the filled structure (").append(String.format(Locale.ROOT, "%,d", memoryEntries))
            .append(" entries, each with an hour's TTL) minus the same structure empty, minus the keys and the "
                + "one value all entries share, divided by the count. Compressed references, 64-bit JVM.\n\n");
        md.append("| structure | bytes per entry | ÷ ConcurrentHashMap | ÷ Caffeine expireAfterWrite |\n");
        md.append("|---|---|---|---|\n");
        double chm = memory.get(1).bytesPerEntry;
        double caffeine = memory.get(2).bytesPerEntry;
        for (MemoryFootprint.Figure f : memory) {
            md.append("| ").append(f.subject).append(" | ").append(fmt(f.bytesPerEntry, 1)).append(" | ")
                .append(fmt(f.bytesPerEntry / chm, 2)).append("× | ").append(fmt(f.bytesPerEntry / caffeine, 2))
                .append("× |\n");
        }
        md.append('\n');
    }

    /** The store's default fetch size, the one the target is judged on. */
    private static final class StoreSettingsDefaults {
        static final int FETCH_ROWS = io.lapse.impl.store.StoreSettings.FETCH_ROWS;
    }

    private StoreLoad.Figure bestLoad(int fetch) {
        return load.figures.stream().filter(f -> f.fetchRows == fetch)
            .max(java.util.Comparator.comparingDouble(StoreLoad.Figure::rowsPerSecond)).orElse(null);
    }

    private double median(int fetch) {
        double[] rates = load.figures.stream().filter(f -> f.fetchRows == fetch).mapToDouble(StoreLoad.Figure::rowsPerSecond)
            .sorted().toArray();
        return rates.length == 0 ? 0 : rates[rates.length / 2];
    }

    private void renderLoad(StringBuilder md) {
        md.append("## E. Loading from PostgreSQL\n\n");
        if (load.skipped != null) {
            md.append("Not measured: ").append(load.skipped).append(".\n\n");
            return;
        }
        md.append("A cache loads a table of ").append(String.format(Locale.ROOT, "%,d", load.rows))
            .append(" rows in htable's layout from ").append(load.server).append(", through the store the bundle uses "
                + "(`TableStore`, one `SELECT` streamed by the fetch size in one transaction, each row parsed and "
                + "put into new slots off every lock, then swapped in at once). Half the values are strings of 40 "
                + "characters, half integers; every row has a deadline a day away, loaded with `db_expires`. Each load "
                + "goes into a fresh cache with the default 1,024 slots, after a warm-up load and a full collection. "
                + "Peak heap is the sum of the heap pools' peaks during the load (young garbage included); retained "
                + "heap is what stays used after a collection with the loaded cache still reachable.\n\n");
        md.append("| fetch_rows | rows | seconds | rows/s | peak heap, MiB | retained heap, MiB |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (StoreLoad.Figure f : load.figures) {
            md.append("| ").append(String.format(Locale.ROOT, "%,d", f.fetchRows)).append(" | ")
                .append(String.format(Locale.ROOT, "%,d", f.rows)).append(" | ").append(fmt(f.seconds, 2)).append(" | ")
                .append(fmt(f.rowsPerSecond(), 0)).append(" | ").append(fmt(f.peakHeapMiB, 0)).append(" | ")
                .append(fmt(f.retainedHeapMiB, 0)).append(" |\n");
        }
        md.append('\n');
    }

    private double cappedRatio(String op, int threads, String other) {
        return capacity.get(op + "|" + threads + "|LAPSE_CAPPED").value
            / capacity.get(op + "|" + threads + "|" + other).value;
    }

    private void renderCapacity(StringBuilder md) {
        md.append("## F. Capacity\n\n");
        md.append("Caches that keep at most a number of entries: Lapse with `max_entries`, which evicts by a clock "
            + "that approximates least recently used (a read sets a reference bit in its entry, if it is clear; a hand "
            + "goes round the table in a fixed order of the keys' hashes, evicting an entry whose bit it finds clear "
            + "and clearing the others), beside Caffeine with `maximumSize` (W-TinyLFU: it admits a new entry only if it "
            + "has been asked for more often than the one it would evict) and exact LRU. What the limit costs the "
            + "read and write paths, how many hits the clock loses to exact LRU, and what the limit costs in memory."
            + "\n\n");
        renderCappedThroughput(md);
        renderHitRatios(md);
        renderLimitedMemory(md);
    }

    private void renderCappedThroughput(StringBuilder md) {
        md.append("### Throughput\n\n");
        md.append("JMH, millions of operations per second (± the 99.9% error): section A's accesses (65,536 string "
            + "keys, Zipfian, exponent 0.99), with the capped caches holding at most ")
            .append(String.format(Locale.ROOT, "%,d", Subject.CAPACITY))
            .append(" entries, half the keys. Each cache is prefilled with every key, then walks the access sequence "
                + "once, putting each key it misses, so that it holds what its policy keeps of the hot keys when "
                + "measurement starts; a full collection follows, because a capped cache's warm-up leaves its live "
                + "entries scattered among those it evicted, where the same entries were read about half as fast "
                + "as packed ones. A get that misses inserts nothing: this measures the cache, not a loader, so "
                + "some gets miss (their shares are below the table); a put of a missing key inserts it and evicts "
                + "another. \"Lapse, max_entries\" is section A's Lapse (an hour's TTL, its sweeper running) with "
                + "the limit; \"Lapse, no limit\" is section A's Lapse, measured again in this run, where every get "
                + "hits; ConcurrentHashMap, holding every key with neither limit nor expiry, is the ceiling of a "
                + "write that looks its key up. Caffeine maximumSize has no expiry, the other adds expireAfterWrite "
                + "of an hour as in section A; both run their maintenance on Caffeine's default executor, as an application's would. The "
                + "targets are judged on Lapse with the limit. Each figure is the mean of ")
            .append(smoke ? "one JVM (a smoke run's one fork)" : JmhSections.CAPACITY_FORKS + " JVMs (forks), where "
                + "the other sections run two, the subjects taking turns as in section A")
            .append(": a cache's throughput is mostly steady within a JVM but may differ by half from one to the next "
                + "(section F's capped Lapse read 15 M/s in one and 30 M/s in the next on this kind of machine, "
                + "Caffeine 10 and 19; the same code was compiled in both, and the machine offers no hardware "
                + "counters to tell where the time went), and the targets here are ratios near their bounds.\n\n");
        operationsHead(md, CAPPED_NAMES);
        md.append(" Lapse, max_entries ÷ Caffeine maximumSize | ÷ Caffeine maximumSize + expireAfterWrite "
            + "| ÷ Lapse, no limit | ÷ ConcurrentHashMap |\n");
        md.append("|---|---|").append("---|".repeat(CAPPED_SUBJECTS.length + CAPPED_OTHERS.length)).append('\n');
        for (String op : new String[] {"get", "put"}) {
            for (int threads : new int[] {1, 2}) {
                md.append("| ").append(op).append(" | ").append(threads).append(" |");
                for (String subject : CAPPED_SUBJECTS) {
                    JmhSections.Score sc = capacity.get(op + "|" + threads + "|" + subject);
                    md.append(' ').append(fmt(sc.value / 1e6, 1)).append(error(sc.error / 1e6, 1)).append(" |");
                }
                for (String other : CAPPED_OTHERS) {
                    md.append(' ').append(fmt(cappedRatio(op, threads, other), 2)).append("× |");
                }
                md.append('\n');
            }
        }
        md.append("\nShare of the gets that found their key:");
        for (int threads : new int[] {1, 2}) {
            md.append(threads == 1 ? " " : "; ").append(threads).append(" thread").append(threads > 1 ? "s" : "")
                .append(", ");
            for (int i = 0; i < CAPPED_SUBJECTS.length; i++) {
                JmhSections.Score hits = capacity.get("hits|" + threads + "|" + CAPPED_SUBJECTS[i]);
                JmhSections.Score gets = capacity.get("get|" + threads + "|" + CAPPED_SUBJECTS[i]);
                // whole percents: the counter and the operations are timed a little apart
                md.append(i > 0 ? ", " : "").append(CAPPED_NAMES[i]).append(' ')
                    .append(fmt(hits.value / gets.value * 100, 0)).append('%');
            }
        }
        md.append(". A miss and a hit do not cost the same, so the get ratios compare caches that hit this often."
            + "\n\n");
        String measured = throughput != null ? "measured as in section A." : processorsExplained();
        md.append("Processors kept busy: ").append(measured).append("\n\n");
        renderProcessors(md, capacity, CAPPED_SUBJECTS, CAPPED_NAMES, "LAPSE_CAPPED", new String[] {"CAFFEINE_SIZE"});
    }

    /**
     * The processors each subject's JVM kept busy in a section's throughput, and Lapse's
     * throughput per processor against some of the others'.
     *
     * @param scores the section's scores, with {@link CoresUsed}'s figures
     * @param lapse the subject divided, named first of the ratios
     * @param others the subjects it is divided by, one column each
     */
    private static void renderProcessors(StringBuilder md, Map<String, JmhSections.Score> scores, String[] subjects,
        String[] names, String lapse, String[] others) {
        operationsHead(md, names);
        for (String other : others) {
            md.append(' ').append(nameOf(lapse, subjects, names)).append(" ÷ ").append(nameOf(other, subjects, names))
                .append(", per processor |");
        }
        md.append("\n|---|---|").append("---|".repeat(subjects.length + others.length)).append('\n');
        for (String op : new String[] {"get", "put"}) {
            for (int threads : new int[] {1, 2}) {
                md.append("| ").append(op).append(" | ").append(threads).append(" |");
                for (String subject : subjects) {
                    md.append(' ').append(fmt(cores(scores, op, threads, subject), 2)).append(" |");
                }
                for (String other : others) {
                    double perProcessor = ratioPerProcessor(scores, op, threads, lapse, other);
                    md.append(' ').append(fmt(perProcessor, 2)).append("× |");
                }
                md.append('\n');
            }
        }
        md.append('\n');
    }

    /** What processors are kept busy, and why a JVM may keep more than its benchmark threads busy. */
    private static String processorsExplained() {
        return "the JVM's processor time over wall time, per iteration (all but a fork's last, which holds the "
            + "teardown), averaged as the throughput is. It counts every thread of the JVM: the benchmark's own and "
            + "those that work beside them, Caffeine's maintenance (eviction, the replay of its read and write "
            + "buffers) on its executor, Lapse's sweeper and clock, and the garbage collector's. G1 refines, on "
            + "threads of its own, the cards that writes of references mark: a ConcurrentHashMap's put on one thread "
            + "kept two processors busy on this kind of machine, and one with those threads turned off "
            + "(`-XX:G1ConcRefinementThreads=0`). With one benchmark thread on two processors, such work runs on the "
            + "idle one; with two, no processor is idle. The ratios per processor divide each subject's throughput "
            + "by its processors first.";
    }

    private static double ratioPerProcessor(Map<String, JmhSections.Score> scores, String op, int threads,
        String lapse, String other) {
        return scores.get(op + "|" + threads + "|" + lapse).value / cores(scores, op, threads, lapse)
            / (scores.get(op + "|" + threads + "|" + other).value / cores(scores, op, threads, other));
    }

    private static String nameOf(String subject, String[] subjects, String[] names) {
        return names[Arrays.asList(subjects).indexOf(subject)];
    }

    /** Opens a table of figures per operation and thread count: its first columns, then one per subject. */
    private static void operationsHead(StringBuilder md, String[] subjects) {
        md.append("| operation | threads |");
        for (String name : subjects) {
            md.append(' ').append(name).append(" |");
        }
    }

    private static double cores(Map<String, JmhSections.Score> scores, String op, int threads, String subject) {
        return scores.get(CoresUsed.LABEL + "|" + threads + "|" + subject + "|" + op).value;
    }

    private void renderHitRatios(StringBuilder md) {
        int accesses = hitRatios.get(0).accesses;
        md.append("### Hit ratio\n\n");
        md.append("The share of accesses that hit, on traces the benchmark generates (deterministic for a seed) of ")
            .append(String.format(Locale.ROOT, "%,d", accesses))
            .append(" accesses each, counted from a cold start. On each access the cache is read, and on a miss the "
                + "key is put; one thread. The traces: **Zipf 0.99**, section A's distribution over 65,536 keys; "
                + "**with scans**, the same with, after every ")
            .append(String.format(Locale.ROOT, "%,d", HitRatio.SCAN_EVERY))
            .append(" accesses, a scan of a third of the capacity in keys never seen before (each read once, so it "
                + "can only miss, and a policy that keeps the scanned keys loses hot ones for them); **shifting hot "
                + "set**, where rank r of the distribution is key offset + r and the offset moves by ")
            .append(String.format(Locale.ROOT, "%,d", HitRatio.SHIFT)).append(" keys every ")
            .append(String.format(Locale.ROOT, "%,d", HitRatio.SHIFT_EVERY))
            .append(" accesses (the hottest keys drop out, lukewarm ones become the hottest, new ones come in cold). "
                + "Lapse is a real cache table with `max_entries` and the default 1,024 slots, so on one thread its "
                + "figure is the same on every run; exact LRU is a `LinkedHashMap` in access order that drops its "
                + "eldest entry; Caffeine has `maximumSize` and runs its maintenance on the calling thread "
                + "(`executor(Runnable::run)`), so none of it is deferred (its admission has a random element, so "
                + "its figure may move a little between runs). The target is judged at the capacity of the "
                + "throughput runs, ")
            .append(String.format(Locale.ROOT, "%,d", Subject.CAPACITY))
            .append(" entries; the second row of each trace, ").append(String.format(Locale.ROOT, "%,d",
                HitRatio.SMALL_CAPACITY))
            .append(" entries, is about one entry for each of Lapse's 1,024 slots, where the hand moves through "
                + "slots that hold an entry or none.\n\n");
        md.append("| trace | capacity | Lapse | exact LRU | Lapse − LRU | Caffeine W-TinyLFU |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (HitRatio.Figure f : hitRatios) {
            md.append("| ").append(f.trace.title).append(" | ").append(String.format(Locale.ROOT, "%,d", f.capacity))
                .append(" | ").append(percent(f.lapse)).append(" | ").append(percent(f.lru)).append(" | ")
                .append(points(f.lapse - f.lru)).append(" | ").append(percent(f.caffeine)).append(" |\n");
        }
        md.append('\n');
    }

    private void renderLimitedMemory(StringBuilder md) {
        md.append("### Memory per entry\n\n");
        md.append("Bytes per entry beyond the key and value objects, measured as in section D (JOL: the filled "
            + "structure, ").append(String.format(Locale.ROOT, "%,d", limitedMemoryEntries))
            .append(" entries each with an hour's TTL, minus the same structure empty, minus the keys and the one "
                + "value all entries share, divided by the count), with limits the entries never reach, so nothing "
                + "is evicted: `max_entries` at the count, and `max_bytes` at 1 TiB, with which every entry is "
                + "weighed as it is written.\n\n");
        md.append("| structure | bytes per entry | beyond Lapse without a limit |\n");
        md.append("|---|---|---|\n");
        double unlimited = limitedMemory.get(0).bytesPerEntry;
        for (MemoryFootprint.Figure f : limitedMemory) {
            md.append("| ").append(f.subject).append(" | ").append(fmt(f.bytesPerEntry, 1)).append(" | ")
                .append(fmt(f.bytesPerEntry - unlimited, 1)).append(" |\n");
        }
        md.append('\n');
    }

    private void renderReplication(StringBuilder md) {
        md.append("## G. Replication\n\n");
        md.append("Caches replicated between nodes (`replicate=true`, the `io.lapse.cluster` bundle): how fast and how "
            + "soon a change made on one node is readable on the others, and what replication costs reads. The nodes "
            + "are Hazelcast members in this one JVM, each configured as the cluster bundle configures its member "
            + "(TCP/IP on 127.0.0.1, ports ").append(BenchCluster.FIRST_PORT).append("–")
            .append(BenchCluster.FIRST_PORT + BenchCluster.MAX_MEMBERS - 1).append(", the cluster `")
            .append(BenchCluster.NAME).append("`), and each holds a node of the cache: a Lapse table with section A's "
                + "settings. The writers, every member's threads and the receivers share the machine's cores. ")
            .append(replicationScale).append(". Every run has a cache of its own and starts with a full collection."
                + "\n\n");
        md.append("Two models carry the changes. **Lapse, ordered log** is the cluster bundle's replication with its "
            + "defaults: a put applies the change and offers it to the cache's outbox; the cache's sender thread "
            + "publishes what it finds there in batches of up to 500 to the cache's log (a reliable topic over a "
            + "ringbuffer with a synchronous backup), which every node reads and applies in the same order. "
            + "**dmq-style broadcast** is the model of Kamailio's htable over dmq, for comparison: after its local put, "
            + "the writer's thread publishes the change on its own on a plain Hazelcast `ITopic` of its node, and every "
            + "other node puts what arrives as it arrives: no batching, no order between nodes, nothing sent again, "
            + "and a message Hazelcast drops (a receiver's event queue full) is lost.\n\n");
        md.append("**Lag** is measured end to end, from a put returning on one node to the change being readable on "
            + "another: the writer puts `System.nanoTime()`, taken just before its put, as the value, and the receiving "
            + "node records the time since once it has applied the change (for Lapse when the replica's `applyRemote` "
            + "returns, for the broadcast when the receiver's put returns); one JVM, so one clock. It is over every "
            + "change every receiving node applied. Each writer puts keys of its own, ")
            .append(String.format(Locale.ROOT, "%,d", ReplicationLag.KEYS))
            .append(" of them round and round; with writers on every node the offered rate is split evenly among them, "
                + "paced by the clock (a writer held up catches up, and each change is timed from its own put). "
                + "**Applied/s** is for each receiving node in turn (nodes 2 and 3; with writers on every node, every "
                + "node): the remote changes it applied, divided by the time from the first write to its last receipt, "
                + "with the share of the changes written on the other nodes in brackets. **Converged** is the time from "
                + "the end of the writes until every node held the last value of every key, or how many values still "
                + "differed when the wait ended (nothing had arrived for ").append(ReplicationLag.QUIET_MILLIS / 1000)
            .append(" s, or the time was up). **Refused** counts the changes Lapse's outboxes refused (their "
                + "keys' last state is sent again once the outbox drains, so a receiver applies fewer changes than were "
                + "written but ends with every last value). **Replicator p99** is the lag the replicator reports itself "
                + "(`ReplicationLagP99Millis`, the highest among the receivers): from its sender's batch to the receiving "
                + "replicator, without the time in the outbox or the apply.\n\n");
        md.append("### At ").append(String.format(Locale.ROOT, "%,d", ReplicationLag.RATE)).append(" changes/s\n\n");
        replicationTable(md, ReplicationLag.RATE);
        md.append("### As fast as the writers can\n\n");
        md.append("The most each model sustains: the writers put without pause, and applied/s counts the time until "
            + "the last change arrived, so it is the rate sustained from the first write to the last receipt. Lapse's "
            + "log keeps each change at least ").append(HazelcastConfigs.LOG_TTL_SECONDS).append(" s and holds ")
            .append(String.format(Locale.ROOT, "%,d", HazelcastConfigs.LOG_CAPACITY)).append(", a ceiling of ")
            .append(String.format(Locale.ROOT, "%,d", HazelcastConfigs.LOG_CAPACITY / HazelcastConfigs.LOG_TTL_SECONDS))
            .append(" changes/s for a cache once the first ").append(String.format(Locale.ROOT, "%,d",
                HazelcastConfigs.LOG_CAPACITY))
            .append(" have gone through at once; beyond what its outboxes hold, changes are refused and their keys' "
                + "last state sent again later, coalesced. The broadcast sends every change from the writer's thread, "
                + "which paces the writer, and loses what Hazelcast drops.\n\n");
        replicationTable(md, 0);
        if (replicatedReads != null) {
            renderReplicatedReads(md);
        }
    }

    private void replicationTable(StringBuilder md, int offered) {
        md.append("| model | nodes | writers on | written/s | applied/s on each receiving node | lag p50, ms | p99, ms "
            + "| max, ms | converged | refused | replicator p99, ms | GC pauses, ms in all |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ReplicationFigures f : replication) {
            if (f.offeredPerSecond != offered) {
                continue;
            }
            StringBuilder applied = new StringBuilder();
            for (int i = 0; i < f.appliedPerSecond.length; i++) {
                applied.append(i > 0 ? "; " : "").append(fmt(f.appliedPerSecond[i], 0)).append(" (")
                    .append(fmt(f.appliedShare[i] * 100, 0)).append("%)");
            }
            boolean log = f.model == ReplicationModel.LOG;
            md.append("| ").append(f.model.title()).append(" | ").append(f.nodes).append(" | ").append(f.writersTitle())
                .append(" | ").append(fmt(f.writtenPerSecond, 0)).append(" | ").append(applied).append(" | ")
                .append(fmt(f.lagP50Millis, 2)).append(" | ").append(fmt(f.lagP99Millis, 2)).append(" | ")
                .append(fmt(f.lagMaxMillis, 1)).append(" | ")
                .append(f.convergedMillis >= 0 ? "in " + String.format(Locale.ROOT, "%,d", f.convergedMillis) + " ms"
                    : String.format(Locale.ROOT, "**%,d values differ**", f.differing))
                .append(" | ").append(log ? String.format(Locale.ROOT, "%,d", f.outboxRefused) : "–").append(" | ")
                .append(log ? fmt(f.replicatorP99Millis, 2) : "–").append(" | ").append(f.gcPauses).append(" (")
                .append(f.gcPauseMillis).append(") |\n");
        }
        md.append('\n');
    }

    private void renderReplicatedReads(StringBuilder md) {
        md.append("### Reads\n\n");
        md.append("JMH, millions of gets per second (± the 99.9% error): section A's gets (65,536 string keys, "
            + "Zipfian) on section A's Lapse cache replicated to a second node, on a cluster of two members started in "
            + "the benchmark's fork (the prefill carried through the log to the second node before measurement), "
            + "beside the same cache unreplicated. Both forks run with the options Hazelcast asks for. Reads are local "
            + "on every node; the target is that they stay within noise, judged by whether the error bars overlap."
            + "\n\n");
        md.append("| threads | Lapse | Lapse, replicated | replicated ÷ unreplicated | error bars |\n");
        md.append("|---|---|---|---|---|\n");
        for (int threads : new int[] {1, 2}) {
            JmhSections.Score plain = replicatedReads.get("get|" + threads + "|LAPSE");
            JmhSections.Score replicated = replicatedReads.get("get|" + threads + "|LAPSE_REPLICATED");
            md.append("| ").append(threads).append(" | ").append(fmt(plain.value / 1e6, 1))
                .append(error(plain.error / 1e6, 1)).append(" | ").append(fmt(replicated.value / 1e6, 1))
                .append(error(replicated.error / 1e6, 1)).append(" | ").append(fmt(replicated.value / plain.value, 2))
                .append("× | ").append(!Double.isFinite(plain.error) || !Double.isFinite(replicated.error) ? "–"
                    : overlap(plain, replicated) ? "overlap" : "apart").append(" |\n");
        }
        md.append('\n');
    }

    /** A share as a percentage: "71.23%". */
    private static final String[] LEVEL_OPERATIONS = {"get", "getHeap", "getLevel", "getAbsent", "put"};
    private static final String[] LEVEL_OPERATION_NAMES = {"get, Zipf 0.99", "get, the 1,000 hottest keys",
        "get, keys drawn evenly (9 in 10 only in the file)", "get of a key neither holds", "put, written through"};

    private void renderLevels(StringBuilder md) {
        md.append("## H. Levels\n\n");
        md.append("A heap of ").append(String.format(Locale.ROOT, "%,d", LevelSubject.HEAP_CAPACITY))
            .append(" entries (a tenth of the ").append(String.format(Locale.ROOT, "%,d", ZipfKeys.POPULATION))
            .append(" keys) in front of a file that holds every entry, each write committed to the file before it "
                + "returns: Lapse with `max_entries` and `level = file` (its MVStore level, which also keeps a "
                + "deadline index), beside what a user builds with Caffeine: `maximumSize` and `expireAfterWrite`, "
                + "a `CacheLoader` reading the same kind of MVStore map, and writes put in the map and committed "
                + "before the cache. Each is prefilled with every key, then walks the Zipfian sequence once. One "
                + "thread, ops/s (± the 99.9 % error).\n\n");
        md.append("| operation | Lapse, file level | Caffeine + loader | Lapse / Caffeine |\n|---|---|---|---|\n");
        for (int i = 0; i < LEVEL_OPERATIONS.length; i++) {
            JmhSections.Score l = levels.get(LEVEL_OPERATIONS[i] + "|1|LAPSE_FILE_LEVEL");
            JmhSections.Score c = levels.get(LEVEL_OPERATIONS[i] + "|1|CAFFEINE_LOADER");
            if (l == null || c == null) {
                continue;
            }
            md.append("| ").append(LEVEL_OPERATION_NAMES[i]).append(" | ").append(fmt(l.value, 0))
                .append(error(l.error, 0)).append(" | ").append(fmt(c.value, 0)).append(error(c.error, 0))
                .append(" | ").append(fmt(l.value / c.value, 2)).append("× |\n");
        }
        md.append('\n');
        if (levelHitRatios != null && !levelHitRatios.isEmpty()) {
            md.append("Share of the Zipfian reads the heap served without reading the file, over ")
                .append(String.format(Locale.ROOT, "%,d", levelHitRatios.get(0).reads))
                .append(" reads after the prefill (which leaves the heap holding the last keys written):\n\n");
            md.append("| subject | heap hit ratio | reads of the file |\n|---|---|---|\n");
            for (LevelHitRatio.Figure f : levelHitRatios) {
                md.append("| ").append(f.subject == LevelSubject.LAPSE_FILE_LEVEL ? "Lapse, file level (clock)"
                    : "Caffeine + loader (W-TinyLFU)").append(" | ").append(percent(f.heapHitRatio())).append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", f.fromFile)).append(" |\n");
            }
            md.append('\n');
        }
        if (levelExpiry != null) {
            LevelExpiryCost.Result e = levelExpiry;
            md.append("Expiry through the level: ").append(String.format(Locale.ROOT, "%,d", e.entries))
                .append(" entries written with one deadline to a cache whose heap holds a tenth of them (nine in ten "
                    + "are in the file only when it passes), expired by the level's expiry thread alone, nothing "
                    + "reading or writing them: each `cache/expired` report came ")
                .append(e.p50Millis).append(" ms after the deadline at the median, ").append(e.p99Millis)
                .append(" ms at the 99th percentile and ").append(e.maxMillis).append(" ms at most; the level "
                    + "expired ").append(fmt(e.perSecond, 0)).append(" entries per second (rows deleted a page of "
                    + "256 at a time, one commit each).\n\n");
        }
    }

    private static final String[] JCACHE_OPERATIONS = {"get", "put", "getObject"};
    private static final String[] JCACHE_OPERATION_NAMES = {"get, String values", "put, String values",
        "get, a small serialisable object"};

    private void renderJCache(StringBuilder md) {
        md.append("## I. JCache\n\n");
        md.append("The same `javax.cache` calls on Lapse's provider (`io.lapse.jcache`, the class path's own sweeper) "
            + "and on Ehcache 3.12's, each with JCache's defaults (store-by-value, statistics off) and a cache of the ")
            .append(String.format(Locale.ROOT, "%,d", ZipfKeys.POPULATION))
            .append(" keys prefilled, entries living an hour from their creation (`CreatedExpiryPolicy`), walked "
                + "in the Zipfian sequence. Lapse stores String values as they are; Ehcache copies them; both "
                + "serialise the object values. Ops/s (± the 99.9 % error).\n\n");
        md.append("| operation | threads | Lapse | Ehcache | Lapse / Ehcache |\n|---|---|---|---|---|\n");
        for (int i = 0; i < JCACHE_OPERATIONS.length; i++) {
            for (int threads : new int[] {1, 2}) {
                JmhSections.Score l = jcache.get(JCACHE_OPERATIONS[i] + "|" + threads + "|LAPSE");
                JmhSections.Score e = jcache.get(JCACHE_OPERATIONS[i] + "|" + threads + "|EHCACHE");
                if (l == null || e == null) {
                    continue;
                }
                md.append("| ").append(JCACHE_OPERATION_NAMES[i]).append(" | ").append(threads).append(" | ")
                    .append(fmt(l.value, 0)).append(error(l.error, 0)).append(" | ").append(fmt(e.value, 0))
                    .append(error(e.error, 0)).append(" | ").append(fmt(l.value / e.value, 2)).append("× |\n");
            }
        }
        md.append('\n');
        if (jcacheExpiry != null && !jcacheExpiry.isEmpty()) {
            md.append("What a synchronous `CacheEntryExpiredListener` hears of ")
                .append(String.format(Locale.ROOT, "%,d", jcacheExpiry.get(0).entries))
                .append(" entries written with a TTL of ").append(JCacheIdleExpiry.TTL_MILLIS)
                .append(" ms and then left alone until it heard every one, or ").append(JCacheIdleExpiry.IDLE_MILLIS)
                .append(" ms past the last deadline at most, and by the time every key has been read once more. Lateness "
                    + "is counted from the wall-clock time of each put plus the TTL; Lapse takes its deadlines from "
                    + "its sweeper's clock, which ticks every 10 ms, so an entry may expire up to one tick before "
                    + "that figure:\n\n");
            md.append("| provider | heard while idle | lateness p50 / p99 / max | heard after the reads |\n"
                + "|---|---|---|---|\n");
            for (JCacheIdleExpiry.Result r : jcacheExpiry) {
                md.append("| ").append(r.subject == JCacheSubject.LAPSE ? "Lapse" : "Ehcache").append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", r.heardIdle)).append(" | ")
                    .append(r.heardIdle == 0 ? "—" : r.p50Millis + " / " + r.p99Millis + " / " + r.maxMillis + " ms")
                    .append(" | ").append(String.format(Locale.ROOT, "%,d", r.heardAfterReads)).append(" |\n");
            }
            md.append('\n');
        }
    }

    private static String percent(double share) {
        return fmt(share * 100, 2) + "%";
    }

    /** A difference of shares in percentage points, signed: "−0.27 points". */
    private static String points(double difference) {
        double p = difference * 100;
        return (p < 0 ? "−" : "+") + fmt(Math.abs(p), 2) + " points";
    }

    /** " ± error", or nothing when JMH had too few samples to estimate one (a smoke run). */
    private static String error(double error, int decimals) {
        return Double.isFinite(error) ? " ± " + fmt(error, decimals) : "";
    }

    private static String fmt(double value, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }
}
