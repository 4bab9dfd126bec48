package io.lapse.itest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lapse.testing.Await;

/**
 * A JVM started as a separate process, its output (stdout and stderr) written to a file, its
 * stdin kept open for commands. It is stopped on every path: {@link #close()} (from a finally
 * block or {@code @AfterAll}) asks it to stop, then kills it; a shutdown hook kills it if this JVM
 * exits first.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class ChildJvm implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final Process process;
    private final Path output;
    private final OutputStream stdin;
    private final Thread killer;

    private ChildJvm(Process process, Path output) {
        this.process = process;
        this.output = output;
        this.stdin = process.getOutputStream();
        this.killer = new Thread(process::destroyForcibly, "kill " + output.getFileName());
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * Starts {@code java} (this JVM's) with arguments, in a folder.
     *
     * @param directory the working folder
     * @param output the file that receives stdout and stderr
     * @param arguments the arguments after {@code java}
     * @return the running process
     * @throws IOException if it cannot be started
     */
    static ChildJvm start(Path directory, Path output, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(arguments);
        Files.createDirectories(output.getParent());
        Process process = new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
        return new ChildJvm(process, output);
    }

    /** Writes a line to the process's stdin. */
    void type(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Closes stdin: an interactive client sees the end of its input. */
    void endInput() throws IOException {
        stdin.close();
    }

    /** @return what the process printed so far */
    String output() {
        try {
            return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + output + ": " + e.getMessage() + ")";
        }
    }

    /** @return the last lines printed, for failure messages */
    String tail() {
        String all = output();
        return all.length() <= 4000 ? all : "..." + all.substring(all.length() - 4000);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for the process to end by itself.
     *
     * @return whether it ended within the timeout
     */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until the output contains a text, failing with the output's tail if the process dies or time runs out. */
    void awaitOutput(String text, Duration timeout) {
        Await.until("'" + text + "' in the output of " + output.getFileName(), timeout, () -> {
            if (output().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                throw new AssertionError(output.getFileName() + " ended (exit " + process.exitValue()
                    + ") without printing '" + text + "':\n" + tail());
            }
            return false;
        });
    }

    /**
     * Kills the process at once (SIGKILL on Unix, as {@code kill -9}: no shutdown hook runs, nothing
     * is flushed), and waits for it to be gone.
     *
     * @throws AssertionError if it is still alive after the grace time
     */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("process " + process.pid() + " (" + output.getFileName()
                + ") still runs " + STOP_GRACE.toSeconds() + " s after SIGKILL");
        }
    }

    /** Asks the process to stop (SIGTERM: the JVM runs its shutdown hooks), then kills it. */
    @Override
    public void close() throws InterruptedException {
        try {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // already closed, or the process is gone
            }
            process.destroy();
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or will run: it kills the process anyway
            }
        }
    }
}
