package io.lapse.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a class's {@code main} in a JVM of its own, on this JVM's class path, for the tests that
 * kill a process in the middle of its writes: small and quick to start (128 MB of heap, the first
 * compiler tier, the serial collector), its output and errors to a file the test reads. Stateless.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * Starts the child.
     *
     * @param main the class whose {@code main} runs
     * @param output where its stdout and stderr go
     * @param args its arguments
     * @return the running process; the caller ends it
     * @throws IOException if it cannot be started
     */
    public static Process start(Class<?> main, Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }
}
