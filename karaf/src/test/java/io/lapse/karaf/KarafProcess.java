package io.lapse.karaf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.lapse.testing.Await;

/**
 * A headless Karaf started with {@code bin/karaf daemon}, which {@code exec}s the JVM: the process
 * started here is Karaf itself, and its PID is the one Karaf writes to {@code karaf.pid}.
 *
 * <p>It is stopped by that PID on every path: {@link #close()} (called from a {@code finally} or
 * {@code @AfterAll}) sends SIGTERM, on which Karaf stops its framework, and SIGKILL after
 * {@link #STOP_GRACE}; a shutdown hook sends SIGKILL if the test JVM exits first.
 */
final class KarafProcess implements AutoCloseable {

    static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Process process;
    private final Path console;
    private final Thread killer;

    private KarafProcess(Process process, Path console) {
        this.process = process;
        this.console = console;
        this.killer = new Thread(() -> killTree(process.toHandle()), "kill karaf " + process.pid());
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * Starts Karaf in the background with this JVM's Java.
     *
     * @param karaf the configured Karaf
     * @param console the file that receives what Karaf prints on stdout and stderr
     * @return the running Karaf
     * @throws IOException if the script cannot be started
     */
    static KarafProcess start(KarafHome karaf, Path console) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(karaf.home().resolve("bin/karaf").toString(), "daemon")
            .directory(karaf.home().toFile())
            .redirectErrorStream(true)
            .redirectOutput(console.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return new KarafProcess(builder.start(), console);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Fails unless Karaf is running as the very process started here: it has written its PID,
     * and that PID is this process's.
     */
    void assertIsKaraf(Path pidFile) {
        Await.answer("Karaf to write " + pidFile, Duration.ofSeconds(60), () -> {
            assertAlive();
            return Files.isRegularFile(pidFile) && !Files.readString(pidFile).isBlank();
        });
        String written;
        try {
            written = Files.readString(pidFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + pidFile, e);
        }
        if (!written.equals(Long.toString(pid()))) {
            throw new AssertionError("Karaf wrote PID " + written + " but the process started is " + pid());
        }
    }

    /** Fails, with the end of the console output, if Karaf has ended. */
    void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError("Karaf ended (exit " + process.exitValue() + "):\n" + consoleTail());
        }
    }

    /** @return the last lines Karaf printed on its console, for failure messages */
    String consoleTail() {
        try {
            String all = Files.exists(console) ? Files.readString(console, StandardCharsets.UTF_8) : "";
            return all.length() <= 4000 ? all : "..." + all.substring(all.length() - 4000);
        } catch (IOException e) {
            return "(cannot read " + console + ": " + e + ")";
        }
    }

    /**
     * Stops Karaf: SIGTERM, then SIGKILL to it and anything it started if it has not ended within
     * {@link #STOP_GRACE}, or at once if this thread is interrupted (the interrupt is kept).
     */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process.toHandle());
                process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            killTree(process.toHandle());
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or will run, and kills the same processes
            }
        }
    }

    /** SIGKILL to a process and its descendants (none is expected; a kill costs nothing if gone). */
    private static void killTree(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().collect(Collectors.toList()));
        all.add(root);
        all.forEach(ProcessHandle::destroyForcibly);
    }
}
