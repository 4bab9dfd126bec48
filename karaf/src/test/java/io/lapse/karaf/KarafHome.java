package io.lapse.karaf;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An unpacked Apache Karaf, configured for a test before its first start:
 * <ul>
 * <li>users: {@value #ADMIN} (Karaf's {@code admingroup}: admin, manager, viewer, ssh...), which
 * the distribution ships commented out, and {@value #VIEWER} with the roles viewer and ssh only;</li>
 * <li>the JMX connector (RMI registry and server) and the SSH shell on free ports of the loopback
 * address, so that nothing else on the machine collides with it or reaches it;</li>
 * <li>Maven resolution ({@code mvn:} URLs) from Karaf's own {@code system/} folder, then the
 * folder the build staged our bundles and features file in ({@code karaf-repo}; Karaf reads these
 * "default repositories" first, so a Lapse installed in the local repository by an earlier
 * {@code mvn install} never stands in for this build's), then the local Maven repository, where
 * the build prefetched the third-party bundles the features need, and last Maven Central alone
 * (Karaf's default), for the two bundles of Karaf's {@code scr} feature that Maven cannot
 * prefetch (see {@code karaf/pom.xml}).</li>
 * </ul>
 */
final class KarafHome {

    static final String ADMIN = "karaf";
    static final String VIEWER = "lapse-viewer";

    /** Maven Central, as Karaf's own configuration names it. */
    private static final String CENTRAL = "https://repo1.maven.org/maven2@id=central";

    private final Path home;
    private final int rmiRegistryPort;
    private final int sshPort;

    private KarafHome(Path home, int rmiRegistryPort, int sshPort) {
        this.home = home;
        this.rmiRegistryPort = rmiRegistryPort;
        this.sshPort = sshPort;
    }

    /**
     * Configures the Karaf at {@code home}.
     *
     * @param home the unpacked distribution, never started
     * @param staged a folder in Maven repository layout holding our bundles and features file
     * @param local the local Maven repository, holding the third-party bundles the features name
     * @return the configured Karaf
     * @throws IOException if a file cannot be read or written
     */
    static KarafHome prepare(Path home, Path staged, Path local) throws IOException {
        if (!Files.isExecutable(home.resolve("bin/karaf"))) {
            throw new AssertionError("no Karaf distribution at " + home + ": run 'mvn verify', which unpacks it");
        }
        if (Files.exists(home.resolve("data/cache"))) {
            throw new AssertionError("Karaf at " + home + " has run before (data/cache exists): run 'mvn verify',"
                + " which unpacks a fresh one");
        }
        int[] ports = freePorts(3);
        KarafHome karaf = new KarafHome(home, ports[0], ports[2]);

        new CfgFile(karaf.etc("users.properties")).append(
            ADMIN + " = " + ADMIN + ",_g_:admingroup",
            "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh",
            VIEWER + " = " + VIEWER + ",viewer,ssh").save();
        new CfgFile(karaf.etc("org.apache.karaf.management.cfg"))
            .set("rmiRegistryPort", Integer.toString(ports[0]))
            .set("rmiServerPort", Integer.toString(ports[1]))
            .save();
        new CfgFile(karaf.etc("org.apache.karaf.shell.cfg"))
            .set("sshPort", Integer.toString(ports[2]))
            .set("sshHost", "127.0.0.1")
            .save();
        new CfgFile(karaf.etc("org.ops4j.pax.url.mvn.cfg"))
            .set("org.ops4j.pax.url.mvn.defaultRepositories",
                "${karaf.home.uri}${karaf.default.repository}@id=system.repository@snapshots, "
                    + staged.toUri() + "@id=lapse.build@snapshots")
            .set("org.ops4j.pax.url.mvn.repositories", CENTRAL)
            .set("org.ops4j.pax.url.mvn.localRepository", local.toString())
            .save();
        return karaf;
    }

    Path home() {
        return home;
    }

    Path etc(String file) {
        return home.resolve("etc").resolve(file);
    }

    /** @return Karaf's log, where the example bundle writes the expiries */
    Path log() {
        return home.resolve("data/log/karaf.log");
    }

    int sshPort() {
        return sshPort;
    }

    /** @return the JMX service URL of this Karaf, as the README gives it but for the port */
    String jmxUrl() {
        return "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + rmiRegistryPort + "/karaf-root";
    }

    /** Ports free now on loopback, all different; Karaf binds them a few seconds later. */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }
}
