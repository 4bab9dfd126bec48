package io.lapse.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import io.lapse.impl.engine.MemoryFootprint;

/**
 * Runs the nine sections of the benchmarks in one go and writes the report: what {@code bench/run}
 * starts. Arguments: {@code --smoke} (a short run, for checking that everything works),
 * {@code --sections ABCDEFGHI} (a subset), {@code --out FILE} (default {@code docs/benchmarks.md}, or
 * {@code bench/target/benchmarks-smoke.md} for a smoke run),
 * {@code --bundles DIR} (section C's bundles, default {@code bench/target/bundles}) and
 * {@code --command TEXT} (how the run was started, for the report).
 */
public final class RunAll {

    private RunAll() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        String sections = "ABCDEFGHI";
        Path out = null;
        Path bundles = Paths.get("bench/target/bundles");
        String command = "bench/run";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke":
                    smoke = true;
                    break;
                case "--sections":
                    sections = args[++i].toUpperCase();
                    break;
                case "--out":
                    out = Paths.get(args[++i]);
                    break;
                case "--bundles":
                    bundles = Paths.get(args[++i]);
                    break;
                case "--command":
                    command = args[++i];
                    break;
                default:
                    System.err.println("unknown argument '" + args[i]
                        + "'; use --smoke, --sections ABCDEFGHI, --out FILE, --bundles DIR, --command TEXT");
                    System.exit(2);
            }
        }
        if (out == null) {
            // a smoke run checks that everything works; it never replaces the measured report
            out = Paths.get(smoke ? "bench/target/benchmarks-smoke.md" : "docs/benchmarks.md");
        }
        long started = System.nanoTime();
        Report report = new Report(command, smoke, Machine.describe(),
            ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        JmhSections jmh = new JmhSections(smoke);
        if (sections.contains("A")) {
            report.throughput = jmh.throughput();
        }
        if (sections.contains("B")) {
            report.sweeps = jmh.sweeps();
        }
        if (sections.contains("C")) {
            EventLateness.Scale scale = smoke ? EventLateness.SMOKE : EventLateness.FULL;
            List<LatenessFigures> lateness = new ArrayList<>();
            lateness.addAll(EventLateness.lapse(bundles, false, scale));
            lateness.addAll(EventLateness.lapse(bundles, true, scale));
            lateness.addAll(EventLateness.caffeine(scale));
            report.lateness = lateness;
            report.latenessScale = scale.describe();
        }
        if (sections.contains("D")) {
            report.memoryEntries = smoke ? 100_000 : 1_000_000;
            report.memory = MemoryFootprint.measure(report.memoryEntries);
        }
        if (sections.contains("E")) {
            report.load = StoreLoad.measure(smoke ? 100_000 : 1_000_000, smoke ? 1 : 3);
        }
        if (sections.contains("F")) {
            report.capacity = jmh.capacity();
            report.hitRatios = HitRatio.measure(smoke ? 1_000_000 : 5_000_000, Subject.CAPACITY,
                HitRatio.SMALL_CAPACITY);
            report.limitedMemoryEntries = smoke ? 100_000 : 1_000_000;
            report.limitedMemory = MemoryFootprint.measureLimited(report.limitedMemoryEntries);
        }
        if (sections.contains("G")) {
            ReplicationLag.Scale scale = smoke ? ReplicationLag.SMOKE : ReplicationLag.FULL;
            report.replication = ReplicationLag.measure(scale);
            report.replicationScale = scale.describe();
            report.replicatedReads = jmh.replicatedReads();
        }
        if (sections.contains("H")) {
            report.levels = jmh.levels();
            report.levelHitRatios = LevelHitRatio.measure(smoke ? 200_000 : 2_000_000);
            report.levelExpiry = LevelExpiryCost.measure(smoke ? 2_000 : 20_000);
        }
        if (sections.contains("I")) {
            report.jcache = jmh.jcache();
            report.jcacheExpiry = JCacheIdleExpiry.measure(smoke ? 2_000 : 10_000);
        }
        report.minutes = (System.nanoTime() - started) / 60e9;
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, report.render());
        System.out.println("Wrote " + out.toAbsolutePath());
        System.out.print(report.targets());
        // Felix EventAdmin and Caffeine leave pool threads that are not daemons.
        System.exit(0);
    }
}
