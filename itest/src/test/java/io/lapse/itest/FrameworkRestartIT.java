package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import io.lapse.testing.Await;

/**
 * A store's write-back when the whole framework stops, and the load by the next framework, against
 * H2 and PostgreSQL: stopping a framework stops every bundle, the JDBC driver bundles included (the
 * PostgreSQL bundle, installed after impl, stops before it). osgi-test cannot carry this: its tests
 * run inside the framework they would have to stop.
 *
 * <p>Each framework runs in this JVM from the bundles of {@code lapse.bundles}, with its storage
 * under {@code lapse.storage}. The test configures the cache through ConfigurationAdmin, whose
 * package the system bundle shares with the test (at the version the API jar exports, so that
 * ConfigAdmin and impl wire to it), and reads and writes the cache through its MBean in the
 * platform MBeanServer, whose open types need no class of Lapse's.
 */
class FrameworkRestartIT {

    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();
    private static final String S = String.class.getName();

    @Test
    void aFrameworkThatStopsWritesBackToH2AndTheNextOneLoadsIt() throws Exception {
        try (TestDatabase.H2 h2 = new TestDatabase.H2()) {
            writeBackAcrossFrameworks(h2);
        }
    }

    @Test
    void aFrameworkThatStopsWritesBackToPostgresAndTheNextOneLoadsIt() throws Exception {
        writeBackAcrossFrameworks(TestDatabase.Postgres.require());
    }

    private static void writeBackAcrossFrameworks(TestDatabase database) throws Exception {
        String t = TestDatabase.freshTable();
        database.htable(t);
        try {
            database.sql("INSERT INTO " + t + " (key_name, key_type, value_type, key_value, expires) VALUES ('kept', 0, 0, 'k', 0)");
            List<Object> properties = new ArrayList<>(List.of("name", t, "dbtable", t, "dbmode", "on-stop"));
            properties.addAll(database.properties());
            ObjectName bean = new ObjectName("io.lapse:type=Cache,name=" + t);
            try (Felix first = Felix.start()) {
                first.configure(t, properties);
                Await.until("the cache's MBean in the first framework", () -> JMX.isRegistered(bean));
                JMX.invoke(bean, "sets", new Object[] {"added", "before the stop"}, new String[] {S, S});
            }
            List<String> rows = new ArrayList<>(database.rows("SELECT key_name, key_value FROM " + t));
            Collections.sort(rows);
            assertEquals(List.of("added|before the stop", "kept|k"), rows);
            try (Felix second = Felix.start()) {
                second.configure(t, properties);
                Await.until("the cache's MBean in the second framework", () -> JMX.isRegistered(bean));
                assertEquals("before the stop", JMX.invoke(bean, "get", new Object[] {"added"}, new String[] {S}));
                assertEquals(2L, JMX.getAttribute(bean, "Size"));
            }
        } finally {
            database.dropQuietly(t);
        }
    }

    /** A Felix of this JVM with every bundle of {@code lapse.bundles} started. */
    private static final class Felix implements AutoCloseable {

        private final Framework framework;
        private final Path storage;

        private Felix(Framework framework, Path storage) {
            this.framework = framework;
            this.storage = storage;
        }

        static Felix start() throws Exception {
            Path bundles = Paths.get(System.getProperty("lapse.bundles", "target/bundles")).toAbsolutePath();
            Path storageRoot = Paths.get(System.getProperty("lapse.storage", "target/felix")).toAbsolutePath();
            Files.createDirectories(storageRoot);
            Path storage = Files.createTempDirectory(storageRoot, "felix-");
            Map<String, String> config = new HashMap<>();
            config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
            config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
            config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, sharedPackage(ConfigurationAdmin.class));
            // two frameworks one after the other in this JVM need no JVM-wide URL handlers
            config.put("felix.service.urlhandlers", "false");
            Felix felix = new Felix(new FrameworkFactory().newFramework(config), storage);
            try {
                felix.framework.start();
                BundleContext context = felix.framework.getBundleContext();
                List<Bundle> installed = new ArrayList<>();
                try (Stream<Path> jars = Files.list(bundles)) {
                    for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).sorted().collect(Collectors.toList())) {
                        installed.add(context.installBundle(jar.toUri().toString()));
                    }
                }
                assertTrue(installed.size() > 3, "the bundles of " + bundles);
                for (Bundle bundle : installed) {
                    if (bundle.getHeaders("").get(Constants.FRAGMENT_HOST) == null) {
                        bundle.start();
                    }
                }
                return felix;
            } catch (Exception | Error e) {
                felix.close();
                throw e;
            }
        }

        /** Creates the factory configuration {@code io.lapse.cache~<alias>}. */
        void configure(String alias, List<Object> properties) throws Exception {
            BundleContext context = framework.getBundleContext();
            ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> tracker =
                new ServiceTracker<>(context, ConfigurationAdmin.class, null);
            tracker.open();
            try {
                ConfigurationAdmin configAdmin = tracker.waitForService(Await.TIMEOUT.toMillis());
                assertTrue(configAdmin != null, "no ConfigurationAdmin within " + Await.TIMEOUT);
                Configuration configuration = configAdmin.getFactoryConfiguration("io.lapse.cache", alias, "?");
                Dictionary<String, Object> dictionary = new Hashtable<>();
                for (int i = 0; i < properties.size(); i += 2) {
                    dictionary.put((String) properties.get(i), properties.get(i + 1));
                }
                configuration.update(dictionary);
            } finally {
                tracker.close();
            }
        }

        /** Stops the framework, waits for it, and deletes its storage. */
        @Override
        public void close() throws Exception {
            framework.stop();
            FrameworkEvent stopped = framework.waitForStop(Await.TIMEOUT.toMillis());
            assertTrue(stopped.getType() != FrameworkEvent.WAIT_TIMEDOUT, "the framework did not stop within "
                + Await.TIMEOUT);
            try (Stream<Path> files = Files.walk(storage)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                    Files.delete(file);
                }
            }
        }

        /**
         * The value of {@code org.osgi.framework.system.packages.extra} that shares a class's
         * package at the version its jar exports: at least ConfigAdmin's own export, so that
         * ConfigAdmin and impl wire to the system bundle's copy, the test's.
         */
        private static String sharedPackage(Class<?> type) throws IOException, URISyntaxException {
            Path jar = Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            String exports = ManifestHeaders.manifest(jar).getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
            ManifestHeaders.Clause clause = ManifestHeaders.find(exports, type.getPackageName());
            assertTrue(clause != null && clause.attribute(Constants.VERSION_ATTRIBUTE) != null,
                jar + " exports " + type.getPackageName() + " with a version");
            return type.getPackageName() + ";version=\"" + clause.attribute(Constants.VERSION_ATTRIBUTE) + "\"";
        }
    }
}
