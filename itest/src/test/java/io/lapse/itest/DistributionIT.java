package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.lapse.testing.Await;

/**
 * The runnable distribution, started as the README says in a JVM of its own and driven from
 * outside by real JMX clients over RMI: the JDK's remote API, and jmxterm typing the README's
 * session. It checks the example bundle's expiry lines, File Install creating and reconfiguring
 * caches from {@code etc/}, the Gogo shell's {@code cache:*} commands, and the demo cache that loads
 * its table from the embedded H2 database.
 *
 * <p>The distribution runs from a copy under {@code target/} on a free port (the README's
 * command plus {@code -Dcom.sun.management.jmxremote.port} and {@code .rmi.port}, which override
 * {@code conf/management.properties}). The child JVM is stopped on every path: by
 * {@code @AfterAll}, by {@code @BeforeAll} itself if it fails midway, and by a shutdown hook.
 */
class DistributionIT {

    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final String RUN_PREFIX = "mvn -q -B -DskipTests package && cd dist/target/lapse && ";
    private static final String JMXTERM_MARKER = "<!-- DistributionIT types the lines of the next block into jmxterm -->";

    private static Path home;
    private static int port;
    private static ChildJvm felix;
    private static JMXConnector connector;
    private static MBeanServerConnection server;

    @BeforeAll
    static void startTheDistribution() throws Exception {
        Path built = Paths.get(System.getProperty("lapse.dist", "../dist/target/lapse")).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(built.resolve("bin/felix.jar")), "no distribution at " + built
            + ": run 'mvn verify', which builds dist before itest");
        home = Paths.get("target/dist-run/lapse").toAbsolutePath();
        copy(built, home);
        port = freePort();
        List<String> arguments = new ArrayList<>();
        arguments.add("-Dcom.sun.management.jmxremote.port=" + port);
        arguments.add("-Dcom.sun.management.jmxremote.rmi.port=" + port);
        arguments.addAll(readmeRunArguments());
        felix = ChildJvm.start(home, home.resolve("../console.log").normalize(), arguments);
        try {
            connector = connect();
            server = connector.getMBeanServerConnection();
            Await.until("the demo caches' MBeans", STARTUP, () -> registered(cache("sessions"))
                && registered(cache("counters")));
        } catch (Exception | Error e) {
            stopTheDistribution();
            throw e;
        }
    }

    @AfterAll
    static void stopTheDistribution() throws Exception {
        try {
            if (connector != null) {
                connector.close();
            }
        } catch (IOException gone) {
            // the connection dies with the server
        } finally {
            connector = null;
            if (felix != null) {
                felix.close();
                felix = null;
            }
        }
    }

    @Test
    void aRemoteJmxClientSetsGetsDumpsCountsDeletesAndSeesTheExpiryLogged() throws Exception {
        ObjectName sessions = cache("sessions");
        assertTrue(Arrays.asList((String[]) server.invoke(manager(), "listTables", null, null))
            .containsAll(List.of("counters", "sessions")));

        invoke(sessions, "sets", "it:k1", "v1");
        invoke(sessions, "sets", "it:k2", "v2");
        invoke(sessions, "sets", "it:k3", "v3");
        assertEquals("v1", invoke(sessions, "get", "it:k1"));
        CompositeData page = (CompositeData) server.invoke(sessions, "dump", new Object[] {0L, 1000},
            new String[] {"long", "int"});
        List<String> keys = Arrays.stream((CompositeData[]) page.get("rows")).map(r -> (String) r.get("key"))
            .collect(Collectors.toList());
        assertTrue(keys.containsAll(List.of("it:k1", "it:k2", "it:k3")), keys.toString());
        CompositeData[] stats = (CompositeData[]) server.invoke(manager(), "stats", null, null);
        CompositeData row = Arrays.stream(stats).filter(r -> "sessions".equals(r.get("name"))).findFirst().orElseThrow();
        assertTrue((Long) row.get("items") >= 3, row.toString());
        assertEquals(256, row.get("slots"), "size = 8 in etc/io.lapse.cache-sessions.cfg");

        assertEquals(3L, invoke(sessions, "countKeysMatching", "^it:k"));
        assertEquals(true, invoke(sessions, "delete", "it:k1"));
        assertNull(invoke(sessions, "get", "it:k1"));
        assertEquals(2L, invoke(sessions, "removeKeysMatching", "^it:k[23]$"));
        assertEquals(0L, invoke(sessions, "countKeysMatching", "^it:k"));

        invoke(sessions, "sets", "it:expiring", "bye");
        assertEquals(true, server.invoke(sessions, "setex", new Object[] {"it:expiring", 1L},
            new String[] {String.class.getName(), "long"}));
        felix.awaitOutput("ExpiryLogger: expired: cache 'sessions' key 'it:expiring' value 'bye'", Await.TIMEOUT);
    }

    @Test
    void jmxtermRunsTheReadmeSession() throws Exception {
        Path jar = Paths.get(System.getProperty("lapse.jmxterm", "target/tools/jmxterm.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "no jmxterm at " + jar);
        List<String> session = readmeJmxtermSession();
        assertTrue(session.stream().anyMatch(l -> l.contains(" sets ")), session.toString());
        try (ChildJvm jmxterm = ChildJvm.start(home, home.resolve("../jmxterm.log").normalize(),
            List.of("-jar", jar.toString(), "-l", "127.0.0.1:" + port, "-n", "-v", "silent"))) {
            for (String line : session) {
                jmxterm.type(line);
            }
            jmxterm.endInput();
            assertTrue(jmxterm.awaitExit(STARTUP), "jmxterm did not finish:\n" + jmxterm.tail());
            String out = jmxterm.output();
            assertTrue(out.contains("io.lapse:type=CacheManager") && out.contains("io.lapse:name=sessions,type=Cache"),
                "beans -d io.lapse lists the MBeans:\n" + out);
            assertTrue(out.contains("\nalice\n"), "get returns the value set:\n" + out);
            assertTrue(out.contains("key = u1;") && out.contains("value = alice;"), "dump shows it:\n" + out);
        }
        felix.awaitOutput("ExpiryLogger: expired: cache 'sessions' key 'u1' value 'alice'", Await.TIMEOUT);
    }

    @Test
    void fileInstallCreatesReconfiguresAndRemovesCachesFromEtc() throws Exception {
        Path cfg = home.resolve("etc/io.lapse.cache-quick.cfg");
        ObjectName quick = cache("quick");
        Files.writeString(cfg, "name = quick\nsize = 2\nautoexpire = 1s\n", StandardCharsets.UTF_8);
        Await.until("the quick cache from its new .cfg file", () -> registered(quick));
        assertEquals(4, server.getAttribute(quick, "Slots"));
        invoke(quick, "sets", "k", "v");

        Files.writeString(cfg, "name = quick\nsize = 3\nautoexpire = 1s\n", StandardCharsets.UTF_8);
        Await.until("the edited size to apply", () -> Integer.valueOf(8).equals(attribute(quick, "Slots")));
        felix.awaitOutput("expired: cache 'quick' key 'k' value 'v'", Await.TIMEOUT);

        Files.delete(cfg);
        Await.until("the quick cache to go with its file", () -> !registered(quick));
    }

    @Test
    void theConsoleRunsTheCacheCommands() throws Exception {
        felix.type("cache:set sessions from-the-shell typed");
        Await.until("the command typed at the Gogo console to run",
            () -> "typed".equals(call(() -> invoke(cache("sessions"), "get", "from-the-shell"))));
        felix.type("cache:get sessions no-such-key");
        felix.awaitOutput("cache:get: cache 'sessions' has no live entry for key 'no-such-key'", Await.TIMEOUT);
        assertFalse(felix.output().contains("\tat io.lapse"), "no stack trace of ours on the console");
    }

    @Test
    void theDemoCacheLoadsItsEmbeddedTableAtStartAndReloadsIt() throws Exception {
        ObjectName routes = cache("routes");
        Await.until("the routes cache, once its table is loaded", STARTUP, () -> registered(routes));
        assertEquals("gw-london", invoke(routes, "get", "4420"));
        assertEquals("gw-paris", invoke(routes, "get", "gateways[1]"));
        assertEquals("2", invoke(routes, "get", "gateways::size"));
        assertEquals("100", invoke(routes, "get", "max_calls"));
        assertTrue(Files.isRegularFile(home.resolve("data/h2/lapse.mv.db")), "the database lives under data/");
        invoke(routes, "sets", "it:not-in-the-table", "x");
        assertEquals(7L, server.invoke(routes, "reload", null, null));
        assertNull(invoke(routes, "get", "it:not-in-the-table"), "a reload replaces the contents with the table's");
        felix.type("cache:reload routes");
        felix.awaitOutput("loaded 7 entries", Await.TIMEOUT);
    }

    @Test
    void jmxIsBoundToLoopback() throws Exception {
        String settings = Files.readString(home.resolve("conf/management.properties"), StandardCharsets.UTF_8);
        assertTrue(settings.contains("\ncom.sun.management.jmxremote.host=127.0.0.1\n"), settings);
        assertTrue(settings.contains("\ncom.sun.management.jmxremote.authenticate=false\n"), settings);
        Path tcp = Paths.get("/proc/net");
        if (Files.isDirectory(tcp)) {
            // Linux (as CI): the kernel's own list of listening sockets on the port
            List<String> listening = new ArrayList<>();
            for (String table : List.of("tcp", "tcp6")) {
                Path file = tcp.resolve(table);
                if (Files.isReadable(file)) {
                    for (String line : Files.readAllLines(file)) {
                        String[] f = line.trim().split("\\s+");
                        if (f.length > 3 && f[3].equals("0A") && f[1].endsWith(String.format(":%04X", port))) {
                            listening.add(f[1].substring(0, f[1].indexOf(':')));
                        }
                    }
                }
            }
            assertFalse(listening.isEmpty(), "nothing listens on port " + port);
            for (String address : listening) {
                assertTrue(List.of("0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000")
                    .contains(address), "JMX listens on " + address + ", not loopback");
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    /** The README's run command after its last {@code &&}, e.g. {@code java @conf/jvm.options -jar bin/felix.jar}, less "java". */
    private static List<String> readmeRunArguments() throws IOException {
        String line = readme().stream().filter(l -> l.startsWith(RUN_PREFIX)).findFirst()
            .orElseThrow(() -> new AssertionError("README.md has no line starting with '" + RUN_PREFIX + "'"));
        List<String> words = Arrays.asList(line.substring(RUN_PREFIX.length()).trim().split("\\s+"));
        assertEquals("java", words.get(0), "the README's run command starts the distribution with java: " + line);
        return words.subList(1, words.size());
    }

    /** The lines of the fenced block after {@link #JMXTERM_MARKER} in the README. */
    private static List<String> readmeJmxtermSession() throws IOException {
        List<String> lines = readme();
        int marker = lines.indexOf(JMXTERM_MARKER);
        assertTrue(marker >= 0, "README.md has no line " + JMXTERM_MARKER);
        int open = marker + 1;
        assertTrue(lines.get(open).startsWith("```"), "a fenced block follows the marker");
        List<String> session = new ArrayList<>();
        for (int i = open + 1; !lines.get(i).startsWith("```"); i++) {
            session.add(lines.get(i));
        }
        return session;
    }

    private static List<String> readme() throws IOException {
        Path root = Paths.get(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();
        return Files.readAllLines(root.resolve("README.md"), StandardCharsets.UTF_8);
    }

    private static JMXConnector connect() throws Exception {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        JMXConnector[] connected = new JMXConnector[1];
        Await.until("JMX on 127.0.0.1:" + port, STARTUP, () -> {
            if (!felix.isAlive()) {
                throw new AssertionError("the distribution ended:\n" + felix.tail());
            }
            try {
                connected[0] = JMXConnectorFactory.connect(url);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return connected[0];
    }

    private static Object invoke(ObjectName bean, String op, String... args) throws Exception {
        String[] signature = new String[args.length];
        Arrays.fill(signature, String.class.getName());
        return server.invoke(bean, op, args, signature);
    }

    private static Object attribute(ObjectName bean, String name) {
        return call(() -> server.getAttribute(bean, name));
    }

    private static boolean registered(ObjectName bean) {
        return call(() -> server.isRegistered(bean));
    }

    /** A remote call in a polled condition: its failure ends the test with the console's tail. */
    private static <T> T call(Callable<T> call) {
        try {
            return call.call();
        } catch (Exception e) {
            throw new AssertionError("JMX call failed: " + e + "\n" + felix.tail(), e);
        }
    }

    private static ObjectName cache(String name) {
        return objectName("io.lapse:type=Cache,name=" + name);
    }

    private static ObjectName manager() {
        return objectName("io.lapse:type=CacheManager");
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Copies the built distribution afresh, without a bundle cache left from an earlier run. */
    private static void copy(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            try (Stream<Path> old = Files.walk(to)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(to.getParent());
        try (Stream<Path> files = Files.walk(from)) {
            files.filter(p -> !from.relativize(p).startsWith("data")).forEach(p -> {
                try {
                    Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
