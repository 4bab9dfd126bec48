package io.lapse.karaf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An unpacked Apache Karaf, configured for a test before its first start:
 * <ul>
 * <li>users: {@value #ADMIN} (Karaf's {@code admingroup}: admin, manager, viewer, ssh...), which
 * the distribution ships commented out, and {@value #VIEWER} with the roles viewer and ssh only;</li>
 * <li>the JMX connector (RMI registry and server) and the SSH shell on free ports of the loopback
 * address ({@link FreePorts}), so that nothing else on the machine, another Karaf of the same test
 * included, collides with it or reaches it;</li>
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
     * Copies an unpacked distribution, file by file with its permissions (the scripts in
     * {@code bin/} stay executable), so that several Karafs run side by side from one download.
     *
     * @param from the unpacked distribution, never started
     * @param to where the copy goes: a folder that does not exist yet
     * @return {@code to}
     * @throws IOException if a file cannot be copied, or {@code to} exists
     */
    static Path copyDistribution(Path from, Path to) throws IOException {
        if (!Files.isExecutable(from.resolve("bin/karaf"))) {
            throw new AssertionError("no Karaf distribution at " + from + ": run 'mvn verify', which unpacks it");
        }
        if (Files.exists(to)) {
            throw new IOException("cannot copy Karaf to " + to + ": it exists (the build removes it before a run)");
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(from)) {
            all = walk.collect(Collectors.toList());
        }
        for (Path source : all) {
            Path target = to.resolve(from.relativize(source).toString());
            if (Files.isDirectory(source)) {
                Files.createDirectories(target);
            } else {
                Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return to;
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
        int[] ports = FreePorts.take(3);
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

    /**
     * Adds JVM options for Karaf, as a user does: {@code EXTRA_JAVA_OPTS} in {@code bin/setenv},
     * which {@code bin/karaf} reads (and {@code bin/client}, harmlessly). Call it before the start.
     *
     * @param options the options, none holding a quote or a space
     * @throws IOException if {@code bin/setenv} cannot be written
     */
    void addJavaOptions(String... options) throws IOException {
        for (String option : options) {
            if (option.isEmpty() || option.contains(" ") || option.contains("\"") || option.contains("'")) {
                throw new IllegalArgumentException("not one JVM option without quotes: '" + option + "'");
            }
        }
        // after a line break of its own, should the file not end with one
        String line = "\nexport EXTRA_JAVA_OPTS=\"${EXTRA_JAVA_OPTS} " + String.join(" ", options) + "\"\n";
        Files.writeString(home.resolve("bin/setenv"), line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /**
     * Adds packages to the ones every bundle's class loader takes from the JVM's
     * ({@code org.osgi.framework.bootdelegation} in {@code etc/config.properties}), as a user
     * does for a bundle that looks JDK classes up by name without importing their package. Call
     * it before the start.
     *
     * @param packages the packages, each a name or a {@code name.*} pattern
     * @throws IOException if the file cannot be read or written
     * @throws IllegalStateException if the file has no {@code bootdelegation} entry as Karaf 4.4 writes it
     */
    void addBootDelegation(String... packages) throws IOException {
        Path file = etc("config.properties");
        String entry = "org.osgi.framework.bootdelegation = \\\n";
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int at = text.indexOf(entry);
        if (at < 0) {
            throw new IllegalStateException(file + " has no line 'org.osgi.framework.bootdelegation = \\' to add "
                + String.join(", ", packages) + " to");
        }
        StringBuilder added = new StringBuilder();
        for (String p : packages) {
            added.append("    ").append(p).append(", \\\n");
        }
        int end = at + entry.length();
        Files.writeString(file, text.substring(0, end) + added + text.substring(end), StandardCharsets.UTF_8);
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
}
