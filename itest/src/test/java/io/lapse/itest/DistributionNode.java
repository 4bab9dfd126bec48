package io.lapse.itest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import io.lapse.testing.Await;

/**
 * One node of a cluster of Lapse distributions: a copy of the built distribution in a folder of
 * its own (its own {@code data/}, and an {@code etc/} holding the cluster's configuration and the
 * caches' instead of the demo's), run in a JVM of its own with the README's command, and driven
 * over remote JMX on a port of its own. It can be stopped, killed and started again in the same
 * folder; every run writes a console log of its own ({@code console-1.log}, {@code console-2.log}
 * ...), so the lines of a killed run stay readable.
 *
 * <p>Thread safety: {@link #start}, {@link #awaitUp}, {@link #stop} and {@link #kill} from one
 * thread (the test's); the JMX calls ({@link #invoke}, {@link #attribute}, {@link #contents}) and
 * the log readers from any thread.
 */
final class DistributionNode implements AutoCloseable {

    /** The README's command after {@code java}; DistributionIT checks that the README says so. */
    private static final List<String> RUN = List.of("@conf/jvm.options", "-jar", "bin/felix.jar");
    private static final int TAIL_LINES = 60;
    private static final String EXPIRY_LINE = "ExpiryLogger: expired: ";

    private final String name;
    private final Path home;
    private volatile ChildJvm jvm;
    private volatile JMXConnector connector;
    private volatile MBeanServerConnection server;
    private volatile int jmxPort;
    private int runs;

    private DistributionNode(String name, Path home) {
        this.name = name;
        this.home = home;
    }

    /**
     * Copies a built distribution to a fresh folder (without its {@code data/} and without the demo's
     * cache configurations) and writes configuration files into its {@code etc/}.
     *
     * @param name the node's name in messages
     * @param built the built distribution
     * @param home the folder, deleted first if it exists
     * @param etc the files to write into {@code etc/}, by file name
     * @return the node, not started
     */
    static DistributionNode install(String name, Path built, Path home, Map<String, String> etc) throws IOException {
        if (Files.exists(home)) {
            try (Stream<Path> old = Files.walk(home)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(home.getParent());
        try (Stream<Path> files = Files.walk(built)) {
            files.filter(p -> !built.relativize(p).startsWith("data")).forEach(p -> {
                try {
                    Files.copy(p, home.resolve(built.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        try (Stream<Path> demo = Files.list(home.resolve("etc"))) {
            for (Path p : demo.filter(p -> p.getFileName().toString().startsWith("io.lapse.cache-"))
                .collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
        for (Map.Entry<String, String> e : etc.entrySet()) {
            Files.writeString(home.resolve("etc").resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
        }
        return new DistributionNode(name, home);
    }

    /** @return the node's name */
    String name() {
        return name;
    }

    /**
     * Starts a run: launches the JVM on a free JMX port, without waiting for it.
     *
     * @throws IllegalStateException if a run is alive
     */
    void start() throws IOException {
        if (isAlive()) {
            throw new IllegalStateException(name + " runs already");
        }
        disconnect();
        runs++;
        jmxPort = freePort();
        List<String> arguments = new ArrayList<>();
        arguments.add("-Dcom.sun.management.jmxremote.port=" + jmxPort);
        arguments.add("-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort);
        arguments.addAll(RUN);
        jvm = ChildJvm.start(home, log(runs), arguments);
    }

    /**
     * Waits until the run answers over JMX and has the MBeans of these caches.
     *
     * @param timeout how long at most
     * @param caches the caches' names
     * @throws AssertionError if the run ended or the time passed
     */
    void awaitUp(Duration timeout, String... caches) {
        JMXServiceURL url = url();
        Await.answer(name + " up over JMX on port " + jmxPort + " with caches " + String.join(", ", caches), timeout,
            () -> {
                if (!isAlive()) {
                    throw new AssertionError(name + " ended before it was up");
                }
                if (server == null) {
                    JMXConnector c = JMXConnectorFactory.connect(url);
                    connector = c;
                    server = c.getMBeanServerConnection();
                }
                for (String cache : caches) {
                    if (!server.isRegistered(cache(cache))) {
                        return false;
                    }
                }
                return true;
            });
    }

    /** @return whether a run is alive */
    boolean isAlive() {
        ChildJvm j = jvm;
        return j != null && j.isAlive();
    }

    /** Stops the run as a user does (SIGTERM: Felix stops its bundles), killing it if it does not end in time. */
    void stop() throws InterruptedException {
        disconnect();
        ChildJvm j = jvm;
        if (j != null) {
            j.close();
        }
    }

    /** Kills the run, as {@code kill -9} does. */
    void kill() throws InterruptedException {
        ChildJvm j = jvm;
        if (j != null) {
            j.kill();
            j.close();
        }
        disconnect();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /**
     * Invokes an operation of a cache's MBean; a {@code String} argument is passed as a String, a
     * {@code Long} as a {@code long}, an {@code Integer} as an {@code int}.
     *
     * @return what it returned
     * @throws Exception whatever the call throws; an {@link IllegalStateException} if not connected
     */
    Object invoke(String cache, String operation, Object... arguments) throws Exception {
        String[] signature = new String[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            Object a = arguments[i];
            signature[i] = a instanceof Long ? "long" : a instanceof Integer ? "int" : String.class.getName();
        }
        return connection().invoke(cache(cache), operation, arguments, signature);
    }

    /** @return an attribute of a cache's MBean */
    Object attribute(String cache, String attribute) throws Exception {
        return connection().getAttribute(cache(cache), attribute);
    }

    /** @return every live entry of a cache, read through its MBean's dump */
    CacheContents contents(String cache) throws Exception {
        return CacheContents.read(connection(), cache(cache));
    }

    private MBeanServerConnection connection() {
        MBeanServerConnection s = server;
        if (s == null) {
            throw new IllegalStateException(name + " is not connected (not started, or stopped)");
        }
        return s;
    }

    /** @return the lines of the console log of the current run */
    List<String> currentLog() {
        return runs == 0 ? List.of() : readLines(log(runs));
    }

    /** @return the lines of the console logs of every run, oldest first */
    List<String> allLogs() {
        List<String> lines = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
            lines.addAll(readLines(log(r)));
        }
        return lines;
    }

    /**
     * @return the last lines of the current run's console log, but for the example's expiry lines,
     *     which would crowd out the rest; for failure messages
     */
    String tail() {
        List<String> lines = currentLog().stream().filter(l -> !l.contains(EXPIRY_LINE)).collect(Collectors.toList());
        List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        return "---- " + name + (isAlive() ? "" : " (not running)") + ", last lines of " + log(runs).getFileName()
            + " but expiry lines ----\n" + String.join("\n", last);
    }

    private Path log(int run) {
        return home.resolveSibling(home.getFileName() + "-console-" + run + ".log");
    }

    private static List<String> readLines(Path file) {
        try {
            // leniently decoded, and read while the node may be writing: a last line may be cut
            return Files.exists(file) ? Arrays.asList(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                .split("\n")) : List.of();
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e + ")");
        }
    }

    private void disconnect() {
        JMXConnector c = connector;
        connector = null;
        server = null;
        if (c != null) {
            try {
                c.close();
            } catch (IOException gone) {
                // the connection dies with the server
            }
        }
    }

    private JMXServiceURL url() {
        try {
            return new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectName cache(String name) {
        try {
            return new ObjectName("io.lapse:type=Cache,name=" + name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
