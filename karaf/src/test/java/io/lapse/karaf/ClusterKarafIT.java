package io.lapse.karaf;

import static io.lapse.karaf.RemoteJmx.objectName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.management.ObjectName;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.lapse.testing.Await;

/**
 * The {@code lapse-cluster} feature in two real Apache Karaf 4.4.10 instances on this host, two
 * nodes of one cluster, driven from outside as a person would: {@code bin/client} and a remote
 * JMX client logged in as the admin.
 *
 * <p>Both homes are copies of a Karaf the build unpacks and never starts, each with ports of its
 * own on 127.0.0.1 (SSH, the JMX connector's RMI registry and server, its Hazelcast member; none of
 * the features opens an HTTP port), what the README has a user give Hazelcast (Java options in
 * {@code bin/setenv}, {@code jdk.net} boot-delegated), and a cache
 * {@code shared} configured with {@code replicate = true} in {@code etc/}. Karaf A starts with no
 * {@code etc/io.lapse.cluster.cfg}, so installing the feature writes the shipped one and starts a
 * member on loopback; the file is then edited, as a user would, to the configuration Karaf B had
 * before its install (the same cluster name, both members listed, each its own port), which the
 * install keeps. The last test uninstalls the feature from A. Both Karafs are stopped by their PIDs
 * on every path.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterKarafIT {

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration SHELL = Duration.ofSeconds(120);
    /** A member's start, a restart after a configuration change, and a join. */
    private static final Duration JOIN = Duration.ofSeconds(60);
    private static final Duration SOON = Duration.ofSeconds(30);

    private static final ObjectName SHARED = objectName("io.lapse:type=Cache,name=shared");
    private static final String CLUSTER_CFG = "io.lapse.cluster.cfg";
    /**
     * What Hazelcast checks it has of the JDK's internals on Java 9 and later, as the README tells
     * a Karaf user to add ({@code bin/karaf} opens {@code java.lang} itself).
     */
    private static final String[] HAZELCAST_JAVA_OPTIONS = {
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.management/sun.management=ALL-UNNAMED",
        "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED"};
    /**
     * Hazelcast's warnings when it lacks those options, and when its bundle, which does not import
     * {@code jdk.net}, cannot see {@code jdk.net.ExtendedSocketOptions} to set TCP keep-alive.
     */
    private static final List<String> HAZELCAST_WANTS = List.of("without proper access to required Java packages",
        "does not support jdk.net.ExtendedSocketOptions");
    /** A member of the shipped configuration: 127.0.0.1, one of the ports 5701 to 5710. */
    private static final Pattern SHIPPED_MEMBER = Pattern.compile("127\\.0\\.0\\.1:(570[1-9]|5710)( \\(this node\\))?");
    private static final Pattern MEMBERS_LINE = Pattern.compile("(?m)^members: (.*)$");

    private static KarafNode a;
    private static KarafNode b;
    /** The Hazelcast ports of A and B. */
    private static int[] memberPorts;
    private static String shippedCfg;
    private static String clusterUnderShippedCfg;

    @BeforeAll
    static void startTwoKarafsAndJoinThem() throws Exception {
        BuildOutput.stageFeatures();
        Path pristine = BuildOutput.path("lapse.karaf.pristine");
        Path homes = BuildOutput.path("lapse.karaf.cluster");
        memberPorts = FreePorts.take(2);
        KarafHome homeA = prepare(pristine, homes.resolve("a"), null);
        KarafHome homeB = prepare(pristine, homes.resolve("b"), clusterCfg(memberPorts[1]));
        try {
            a = KarafNode.start("A", homeA);
            b = KarafNode.start("B", homeB);
            a.awaitUp(START);
            b.awaitUp(START);
            for (KarafNode node : List.of(a, b)) {
                String out = node.shell().run(SHELL,
                    List.of("feature:repo-add " + BuildOutput.featuresUrl(), "feature:install lapse-cluster"));
                if (out.contains("Error executing command")) {
                    throw new AssertionError(node + " did not install lapse-cluster:\n" + out);
                }
            }

            Path cfgA = homeA.etc(CLUSTER_CFG);
            shippedCfg = Await.answer("the feature to write " + cfgA, SOON,
                () -> Files.exists(cfgA) ? Files.readString(cfgA, StandardCharsets.UTF_8) : null, Objects::nonNull);
            awaitState(a, "ready", m -> m >= 1);
            clusterUnderShippedCfg = a.shell().exec(SHELL, "cache:cluster");

            Files.writeString(cfgA, clusterCfg(memberPorts[0]), StandardCharsets.UTF_8);
            // B first: its cluster has no one but A and B, so two members there means A's new member is up
            awaitState(b, "ready", m -> m == 2);
            awaitState(a, "ready", m -> m == 2);
        } catch (Exception | Error e) {
            stopKarafs();
            throw e;
        }
    }

    @AfterAll
    static void stopKarafs() {
        try {
            if (a != null) {
                a.close();
            }
        } finally {
            a = null;
            if (b != null) {
                b.close();
                b = null;
            }
        }
    }

    @Test
    void theFeatureInstallsHazelcastAndTheClusterBundleOnBoth() throws Exception {
        for (KarafNode node : List.of(a, b)) {
            assertTrue(node.installedFeatures().containsAll(List.of("lapse", "lapse-cluster")),
                node + ": " + node.installedFeatures());
            Framework framework = new Framework(node.admin());
            assertEquals(List.of("ACTIVE"), framework.statesOf("io.lapse.cluster"), node + ": the cluster bundle");
            assertEquals(List.of("ACTIVE"), framework.statesOf("com.hazelcast"), node + ": one Hazelcast bundle");
        }
    }

    @Test
    void theShippedConfigurationStartsAMemberOnLoopbackAndAnEarlierFileIsKept() throws Exception {
        for (String line : List.of("interface = 127.0.0.1", "members = 127.0.0.1", "port = 5701", "port_count = 10")) {
            assertTrue(shippedCfg.lines().anyMatch(line::equals), "the shipped " + CLUSTER_CFG + " has '" + line
                + "':\n" + shippedCfg);
        }
        Matcher members = MEMBERS_LINE.matcher(clusterUnderShippedCfg);
        assertTrue(members.find(), "cache:cluster lists the members:\n" + clusterUnderShippedCfg);
        for (String member : members.group(1).split(", ")) {
            assertTrue(SHIPPED_MEMBER.matcher(member).matches(),
                "with the shipped file every member is on 127.0.0.1, ports 5701 to 5710: " + members.group());
        }
        assertEquals(clusterCfg(memberPorts[1]), Files.readString(b.karaf().etc(CLUSTER_CFG), StandardCharsets.UTF_8),
            "the install left the file B had");
    }

    @Test
    void bothReportTheReplicatedCacheReadyWithTwoMembers() throws Exception {
        for (KarafNode node : List.of(a, b)) {
            assertEquals("ready", node.admin().attribute(SHARED, "ReplicationState"), node.toString());
            assertEquals(2, node.admin().attribute(SHARED, "ClusterMembers"), node.toString());
        }
    }

    @Test
    void aPutAndADeleteThroughTheMBeanOnOneAreReadOnTheOther() throws Exception {
        a.admin().invoke(SHARED, "sets", "jmx:user", "alice");
        Await.answer("B to read the value A set", SOON, () -> b.admin().invoke(SHARED, "get", "jmx:user"), "alice"::equals);
        assertEquals(true, b.admin().invoke(SHARED, "delete", "jmx:user"));
        Await.answer("A to lose the key B deleted", SOON, () -> a.admin().invoke(SHARED, "get", "jmx:user") == null);
        assertNull(b.admin().invoke(SHARED, "get", "jmx:user"));
    }

    @Test
    void theShellsSetOnOneGetAndDeleteOnTheOtherAndListBothMembers() throws Exception {
        String onB = b.shell().run(SHELL, List.of("cache:set shared shell:user bob", "cache:cluster"));
        Await.answer("A to read the value B's shell set", SOON, () -> a.admin().invoke(SHARED, "get", "shell:user"),
            "bob"::equals);
        String onA = a.shell().run(SHELL, List.of("cache:get shared shell:user", "cache:delete shared shell:user",
            "cache:cluster"));
        assertTrue(onA.contains("\nbob\n"), "A's cache:get prints the value B set:\n" + onA);
        Await.answer("B to lose the key A's shell deleted", SOON,
            () -> b.admin().invoke(SHARED, "get", "shell:user") == null);

        String memberA = "127.0.0.1:" + memberPorts[0];
        String memberB = "127.0.0.1:" + memberPorts[1];
        assertListsTwoMembers(onA, memberA, memberB);
        assertListsTwoMembers(onB, memberB, memberA);
    }

    @Test
    void noLapseBundleComplainsAndHazelcastHasWhatItAsksOfTheJdk() throws IOException {
        for (KarafNode node : List.of(a, b)) {
            Path log = node.karaf().log();
            String text = Files.readString(log, StandardCharsets.UTF_8);
            // Lapse logs through System.Logger, which Karaf's log attributes to the pax-logging-api bundle
            List<String> complaints = text.lines()
                .filter(l -> (l.contains("| WARN ") || l.contains("| ERROR "))
                    && (l.contains(" - io.lapse.") || l.contains(" - org.ops4j.pax.logging.pax-logging-api - ")))
                .collect(Collectors.toList());
            assertEquals(List.of(), complaints, "no warning or error from Lapse in " + log);
            assertTrue(text.contains("com.hazelcast"), "Hazelcast logs to " + log);
            for (String want : HAZELCAST_WANTS) {
                assertFalse(text.contains(want), "with the README's settings " + log + " has no '" + want + "'");
            }
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void uninstallingTheFeatureStopsTheMemberAndBothCachesGoOnAlone() throws Exception {
        a.admin().invoke(SHARED, "sets", "kept", "after the uninstall");
        Await.answer("B to read the value A set", SOON, () -> b.admin().invoke(SHARED, "get", "kept"),
            "after the uninstall"::equals);
        // lapse, installed as lapse-cluster's dependency, would go with it: installed by itself, it stays
        String out = a.shell().run(SHELL, List.of("feature:install lapse", "feature:uninstall lapse-cluster"));
        assertFalse(out.contains("Error executing command"), out);
        Framework framework = new Framework(a.admin());
        Await.answer("A without the cluster and Hazelcast bundles", SOON,
            () -> framework.statesOf("io.lapse.cluster").isEmpty() && framework.statesOf("com.hazelcast").isEmpty());
        Await.answer("A without a thread of Hazelcast or of the cluster bundle", SOON, () -> clusterThreads(a),
            List::isEmpty);
        assertEquals("none", a.admin().attribute(SHARED, "ReplicationState"), "A's cache is no longer replicated");
        assertEquals("after the uninstall", a.admin().invoke(SHARED, "get", "kept"), "and keeps its entries");
        awaitState(b, "ready", m -> m == 1);
        b.admin().invoke(SHARED, "sets", "alone", "still works");
        assertEquals("still works", b.admin().invoke(SHARED, "get", "alone"));
    }

    // ---- helpers ------------------------------------------------------------------------

    /**
     * A copy of the pristine Karaf, configured: free ports, Hazelcast's Java options, the
     * replicated cache {@code shared}, and the cluster's configuration if given.
     */
    private static KarafHome prepare(Path pristine, Path home, String clusterCfg) throws IOException {
        KarafHome karaf = BuildOutput.prepare(KarafHome.copyDistribution(pristine, home));
        karaf.addJavaOptions(HAZELCAST_JAVA_OPTIONS);
        karaf.addBootDelegation("jdk.net");
        Files.writeString(karaf.etc("io.lapse.cache-shared.cfg"), "name = shared\nreplicate = true\n",
            StandardCharsets.UTF_8);
        if (clusterCfg != null) {
            Files.writeString(karaf.etc(CLUSTER_CFG), clusterCfg, StandardCharsets.UTF_8);
        }
        return karaf;
    }

    /**
     * The cluster's configuration for the member listening on {@code port}: both members listed,
     * each by its one port, under a cluster name of this run's own, so that no other Hazelcast on
     * this host joins it.
     */
    private static String clusterCfg(int port) {
        return "cluster_name = lapse-karaf-it-" + memberPorts[0] + "\n"
            + "members = 127.0.0.1:" + memberPorts[0] + ", 127.0.0.1:" + memberPorts[1] + "\n"
            + "port = " + port + "\n"
            + "port_count = 1\n"
            + "interface = 127.0.0.1\n";
    }

    /** Waits until the cache's MBean on {@code node} shows the state and a member count that {@code members} accepts. */
    private static void awaitState(KarafNode node, String state, IntPredicate members) {
        Await.answer(node + ": cache 'shared' " + state + " with the members expected", JOIN,
            () -> Arrays.asList(node.admin().attribute(SHARED, "ReplicationState"),
                node.admin().attribute(SHARED, "ClusterMembers")),
            seen -> state.equals(seen.get(0)) && members.test((Integer) seen.get(1)));
    }

    /** The names of the threads of Hazelcast ({@code hz.*}) and of the cluster bundle running in a Karaf. */
    private static List<String> clusterThreads(KarafNode node) throws IOException {
        ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(node.admin().server(),
            ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds())).filter(Objects::nonNull)
            .map(ThreadInfo::getThreadName).filter(name -> name.startsWith("hz.") || name.startsWith("lapse-cluster-"))
            .collect(Collectors.toList());
    }

    private static void assertListsTwoMembers(String out, String self, String other) {
        assertTrue(out.contains("members: " + self + " (this node), " + other + "\n"),
            "cache:cluster lists this node, then the other:\n" + out);
        assertTrue(Pattern.compile("(?m)^shared +ready +2 ").matcher(out).find(),
            "cache:cluster shows 'shared' ready with 2 members:\n" + out);
    }
}
