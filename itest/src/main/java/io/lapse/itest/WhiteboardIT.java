package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.testing.Await;

/**
 * The MBeans in a framework with a JMX whiteboard, as in Karaf: while an {@code MBeanServer}
 * service exists they are published as {@code jmx.objectname} services, which the real Aries JMX
 * whiteboard registers in that server, and they are no longer in the platform MBeanServer; when
 * it goes they come back there. At no point is an MBean in both.
 */
class WhiteboardIT {

    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    private static Caches caches;

    @BeforeAll
    static void caches() {
        caches = new Caches(context, configAdmin);
    }

    @AfterAll
    static void deleteEveryCache() throws Exception {
        caches.deleteAll();
    }

    private static final MBeanServer PLATFORM = ManagementFactory.getPlatformMBeanServer();

    /** Stands for Karaf's MBeanServer service (which there is the platform one). */
    private final MBeanServer karafLike = MBeanServerFactory.newMBeanServer();

    @Test
    void theMBeansMoveToTheWhiteboardWhileAnMBeanServerServiceExistsAndBack() throws Exception {
        List<Bundle> whiteboard = installWhiteboard();
        ObjectName manager = new ObjectName("io.lapse:type=CacheManager");
        ObjectName before = new ObjectName("io.lapse:type=Cache,name=wb-before");
        ObjectName during = new ObjectName("io.lapse:type=Cache,name=wb-during");
        ServiceRegistration<MBeanServer> service = null;
        try {
            caches.create("wb-before");
            Await.until("the MBeans in the platform MBeanServer",
                () -> PLATFORM.isRegistered(manager) && PLATFORM.isRegistered(before));
            assertEquals(List.of(), whiteboardNames(), "no MBeanServer service: nothing for a whiteboard");

            service = context.registerService(MBeanServer.class, karafLike, null);
            Await.until("the MBeans in the MBeanServer service, and only there", () -> inOnly(karafLike, manager)
                && inOnly(karafLike, before));
            assertEquals(2, whiteboardServices());

            caches.create("wb-during");
            Await.until("a new cache's MBean through the whiteboard", () -> inOnly(karafLike, during));
            assertFalse(PLATFORM.isRegistered(during));
            caches.delete("wb-during");
            Await.until("a deleted cache's MBean to leave the whiteboard's server", () -> !karafLike.isRegistered(during));
            assertFalse(PLATFORM.isRegistered(during));

            service.unregister();
            service = null;
            Await.until("the MBeans back in the platform MBeanServer", () -> inOnly(PLATFORM, manager)
                && inOnly(PLATFORM, before));
            assertEquals(0, whiteboardServices());
            assertEquals(List.of(), lapseNames(karafLike));
        } finally {
            if (service != null) {
                service.unregister();
            }
            for (Bundle b : whiteboard) {
                b.uninstall();
            }
            caches.delete("wb-before");
        }
    }

    @Test
    void inKarafsSetupWhereTheServiceIsThePlatformServerEachMBeanIsRegisteredOnceByTheWhiteboard() throws Exception {
        List<Bundle> whiteboard = installWhiteboard();
        ObjectName manager = new ObjectName("io.lapse:type=CacheManager");
        ObjectName cache = new ObjectName("io.lapse:type=Cache,name=wb-karaf");
        Bundle aries = whiteboard.stream().filter(b -> b.getSymbolicName().equals("org.apache.aries.jmx.whiteboard"))
            .findFirst().orElseThrow();
        ServiceRegistration<MBeanServer> service = null;
        try {
            caches.create("wb-karaf");
            Await.until("the MBeans registered directly", () -> PLATFORM.isRegistered(cache));
            service = context.registerService(MBeanServer.class, PLATFORM, null);
            Await.until("the MBeans published for the whiteboard", WhiteboardIT::whiteboardNames,
                names -> names.size() == 2);
            assertTrue(PLATFORM.isRegistered(manager) && PLATFORM.isRegistered(cache));

            // Only the whiteboard holds them now: stopping it takes them away. Had the exporter
            // registered them too, they would stay (and the whiteboard would have failed on them).
            aries.stop();
            Await.until("the MBeans gone with the whiteboard",
                () -> !PLATFORM.isRegistered(manager) && !PLATFORM.isRegistered(cache));
            aries.start();
            Await.until("the whiteboard to register them again",
                () -> PLATFORM.isRegistered(manager) && PLATFORM.isRegistered(cache));

            service.unregister();
            service = null;
            Await.until("the exporter to register them itself again", () -> whiteboardServices() == 0
                && PLATFORM.isRegistered(manager) && PLATFORM.isRegistered(cache));
        } finally {
            if (service != null) {
                service.unregister();
            }
            for (Bundle b : whiteboard) {
                b.uninstall();
            }
            caches.delete("wb-karaf");
        }
    }

    /** Registered in {@code server} and not in the other of the two servers. */
    private boolean inOnly(MBeanServer server, ObjectName name) {
        MBeanServer other = server == PLATFORM ? karafLike : PLATFORM;
        return server.isRegistered(name) && !other.isRegistered(name);
    }

    private static List<ObjectName> lapseNames(MBeanServer server) throws Exception {
        return new ArrayList<>(server.queryNames(new ObjectName("io.lapse:*"), null));
    }

    private static int whiteboardServices() {
        return whiteboardNames().size();
    }

    /** The {@code jmx.objectname} of each service published for a whiteboard. */
    private static List<Object> whiteboardNames() {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(null, "(jmx.objectname=io.lapse:*)");
            List<Object> names = new ArrayList<>();
            for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
                names.add(ref.getProperty("jmx.objectname"));
            }
            return names;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Installs and starts the Aries JMX whiteboard with slf4j, from {@code lapse.whiteboard}. */
    private static List<Bundle> installWhiteboard() throws Exception {
        Path dir = Paths.get(System.getProperty("lapse.whiteboard", "target/whiteboard"));
        List<Path> jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        }
        assertEquals(3, jars.size(), "the whiteboard, slf4j-api and slf4j-simple in " + dir);
        List<Bundle> bundles = new ArrayList<>();
        for (Path jar : jars) {
            bundles.add(context.installBundle(jar.toUri().toString()));
        }
        for (Bundle b : bundles) {
            if (b.getHeaders().get("Fragment-Host") == null) {
                b.start();
            }
        }
        return bundles;
    }
}
