package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.MetaTypeService;

/**
 * The harness itself: every bundle starts, the platform services are usable from the test code
 * through the packages the system bundle shares, and Lapse's API package stays the api bundle's.
 */
class FrameworkIT {

    private static Felix felix;

    @BeforeAll
    static void boot() throws Exception {
        felix = Felix.start();
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (felix != null) {
            felix.close();
        }
    }

    @Test
    void everyBundleOfTheBundleFolderIsActive() throws Exception {
        List<Path> jars;
        try (Stream<Path> files = Files.list(Paths.get(System.getProperty("lapse.bundles", "target/bundles")))) {
            jars = files.filter(f -> f.toString().endsWith(".jar")).collect(Collectors.toList());
        }
        List<Bundle> bundles = felix.bundles();
        assertEquals(jars.size(), bundles.size(), "one bundle per jar: " + bundles);
        for (Bundle bundle : bundles) {
            assertEquals(Bundle.ACTIVE, bundle.getState(), bundle.getSymbolicName() + " is not ACTIVE");
        }
        for (String name : List.of("io.lapse.api", "io.lapse.impl", "org.apache.felix.scr",
            "org.apache.felix.configadmin", "org.apache.felix.eventadmin", "org.apache.felix.metatype")) {
            assertEquals(Bundle.ACTIVE, felix.bundle(name).getState(), name);
        }
    }

    @Test
    void theApiPackageIsServedByTheApiBundleNotTheSystemBundle() {
        Bundle system = felix.context().getBundle(0);
        for (BundleCapability export : system.adapt(BundleWiring.class).getCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
            assertFalse(export.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE).toString().startsWith("io.lapse"),
                "the system bundle must not export " + export.getAttributes());
        }
        Bundle provider = importedFrom(felix.bundle("io.lapse.impl"), "io.lapse.cache");
        assertNotNull(provider, "io.lapse.impl does not import io.lapse.cache");
        assertEquals("io.lapse.api", provider.getSymbolicName());
    }

    @Test
    void thePlatformServicePackagesAreWiredToTheSystemBundle() {
        Map<String, String> importers = Map.of(
            "org.apache.felix.eventadmin", EventAdmin.class.getPackageName(),
            "org.apache.felix.configadmin", ConfigurationAdmin.class.getPackageName(),
            "org.apache.felix.metatype", MetaTypeService.class.getPackageName());
        importers.forEach((bundle, pkg) -> {
            Bundle provider = importedFrom(felix.bundle(bundle), pkg);
            assertNotNull(provider, bundle + " does not import " + pkg);
            assertEquals(0, provider.getBundleId(), bundle + " imports " + pkg + " from " + provider.getSymbolicName()
                + ", not the system bundle (" + Felix.systemPackagesExtra() + ")");
        });
    }

    @Test
    void platformServicesAreUsableAsTheTestSideInterfaces() throws Exception {
        assertNotNull(felix.service(EventAdmin.class, null, Felix.DEFAULT_TIMEOUT));

        // a round trip through ConfigurationAdmin, with the test's copy of its classes
        ConfigurationAdmin cm = felix.service(ConfigurationAdmin.class, null, Felix.DEFAULT_TIMEOUT);
        Configuration configuration = cm.getConfiguration("io.lapse.itest.probe", null);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("probe", "yes");
        configuration.update(properties);
        Configuration[] listed = cm.listConfigurations("(service.pid=io.lapse.itest.probe)");
        assertNotNull(listed, "the configuration just written is not listed");
        assertEquals("yes", listed[0].getProperties().get("probe"));
        configuration.delete();
        assertNull(cm.listConfigurations("(service.pid=io.lapse.itest.probe)"));

        MetaTypeService metaType = felix.service(MetaTypeService.class, null, Felix.DEFAULT_TIMEOUT);
        assertNotNull(metaType.getMetaTypeInformation(felix.bundle("io.lapse.api")));
    }

    @Test
    void anEventHandlerOfTheTestReceivesPostedEvents() throws Exception {
        String topic = "io/lapse/itest/PING";
        CountDownLatch received = new CountDownLatch(1);
        AtomicReference<Event> event = new AtomicReference<>();
        EventHandler handler = e -> {
            event.set(e);
            received.countDown();
        };
        ServiceRegistration<EventHandler> registration =
            felix.register(EventHandler.class, handler, Map.of(EventConstants.EVENT_TOPIC, topic));
        try {
            EventAdmin eventAdmin = felix.service(EventAdmin.class, null, Felix.DEFAULT_TIMEOUT);
            eventAdmin.postEvent(new Event(topic, Map.of("n", 42L)));
            assertTrue(received.await(5, TimeUnit.SECONDS),
                "the test's EventHandler got no event within 5 s: is org.osgi.service.event shared?");
            assertEquals(topic, event.get().getTopic());
            assertEquals(42L, event.get().getProperty("n"));
        } finally {
            registration.unregister();
        }
    }

    /** The bundle a bundle imports a package from, or {@code null} if it does not import it. */
    private static Bundle importedFrom(Bundle importer, String pkg) {
        for (BundleWire wire : importer.adapt(BundleWiring.class).getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            if (pkg.equals(wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                return wire.getProvider().getBundle();
            }
        }
        return null;
    }
}
