package io.lapse.karaf;

import static io.lapse.karaf.KarafHome.ADMIN;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import io.lapse.testing.Await;

/**
 * One of several Karafs a test runs at once: its configured home, its process, and a JMX client
 * logged in as the admin ({@value KarafHome#ADMIN}). {@link #close()} closes the client and stops
 * Karaf by its PID ({@link KarafProcess}), whatever state it is in. Not thread-safe.
 */
final class KarafNode implements AutoCloseable {

    private static final ObjectName FEATURES = RemoteJmx.objectName("org.apache.karaf:type=feature,name=root");

    private final String name;
    private final KarafHome karaf;
    private final KarafProcess process;
    private RemoteJmx admin;

    private KarafNode(String name, KarafHome karaf, KarafProcess process) {
        this.name = name;
        this.karaf = karaf;
        this.process = process;
    }

    /**
     * Starts Karaf in the background; it is not yet answering when this returns ({@link #awaitUp}).
     *
     * @param name what the test calls this Karaf, in failure messages and the console file's name
     * @param karaf the configured home, never started
     * @throws IOException if Karaf cannot be started
     */
    static KarafNode start(String name, KarafHome karaf) throws IOException {
        return new KarafNode(name, karaf,
            KarafProcess.start(karaf, karaf.home().resolveSibling(name + "-console.log")));
    }

    /**
     * Waits until Karaf is the process started, its JMX connector answers and its boot features
     * are installed, and logs in.
     *
     * @throws AssertionError if that takes longer than {@code timeout}, or Karaf ends
     */
    void awaitUp(Duration timeout) {
        process.assertIsKaraf(karaf.home().resolve("karaf.pid"));
        admin = RemoteJmx.connect(process, karaf, ADMIN, ADMIN, timeout);
        Await.answer("the boot features of Karaf " + name + " (feature, shell, ssh, config, management)", timeout,
            () -> installedFeatures().containsAll(Set.of("feature", "shell", "ssh", "config", "management")));
    }

    /** @return the admin's JMX client, once {@link #awaitUp} has returned */
    RemoteJmx admin() {
        if (admin == null) {
            throw new IllegalStateException("Karaf " + name + " is not up yet");
        }
        return admin;
    }

    /** @return the shell of the admin */
    KarafShell shell() {
        return new KarafShell(karaf, ADMIN, ADMIN);
    }

    KarafHome karaf() {
        return karaf;
    }

    /** @return the names of the installed features, from Karaf's features MBean */
    Set<String> installedFeatures() throws Exception {
        Collection<?> rows = ((TabularData) admin().attribute(FEATURES, "Features")).values();
        return rows.stream().map(CompositeData.class::cast)
            .filter(row -> Boolean.TRUE.equals(row.get("Installed")))
            .map(row -> (String) row.get("Name")).collect(Collectors.toSet());
    }

    @Override
    public void close() {
        try {
            if (admin != null) {
                admin.close();
            }
        } finally {
            admin = null;
            process.close();
        }
    }

    @Override
    public String toString() {
        return "Karaf " + name;
    }
}
