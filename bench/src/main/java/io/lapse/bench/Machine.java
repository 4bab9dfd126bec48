package io.lapse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** What the benchmarks ran on, for the report: CPU, cores, memory, operating system, JDK. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        Runtime rt = Runtime.getRuntime();
        return cpuModel() + ", " + rt.availableProcessors() + " cores available to the JVM, "
            + memory() + "; " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch") + "; " + System.getProperty("java.vm.name") + " "
            + System.getProperty("java.runtime.version");
    }

    private static String cpuModel() {
        for (String line : lines(Paths.get("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "CPU model unknown";
    }

    private static String memory() {
        for (String line : lines(Paths.get("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return Math.round(kb / 1024.0 / 1024.0) + " GiB of memory";
            }
        }
        return "memory unknown";
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
