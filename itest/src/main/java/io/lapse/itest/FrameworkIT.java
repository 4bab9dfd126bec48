package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.Cache;
import io.lapse.testing.Await;

/**
 * The framework the tests run in: every bundle starts, the tests share the api bundle's
 * {@code io.lapse.cache} and the platform services' packages with the bundles under test, and
 * those services are usable from the tests.
 */
class FrameworkIT {

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    EventAdmin eventAdmin;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    ConfigurationAdmin cm;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    MetaTypeService metaType;

    @Test
    void everyBundleIsActive() {
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getHeaders("").get(Constants.FRAGMENT_HOST) == null) {
                assertEquals(Bundle.ACTIVE, bundle.getState(), bundle.getSymbolicName() + " is not ACTIVE");
            }
        }
        for (String name : List.of("io.lapse.api", "io.lapse.impl", "io.lapse.jmx", "org.apache.felix.scr",
            "org.apache.felix.configadmin", "org.apache.felix.eventadmin", "org.apache.felix.metatype")) {
            assertEquals(Bundle.ACTIVE, bundle(name).getState(), name);
        }
    }

    @Test
    void theApiPackageIsServedByTheApiBundleToImplAndToTheTests() throws Exception {
        Bundle api = bundle("io.lapse.api");
        assertEquals(api, importedFrom(bundle("io.lapse.impl"), "io.lapse.cache"));
        assertEquals(api, importedFrom(FrameworkUtil.getBundle(FrameworkIT.class), "io.lapse.cache"));
        assertSame(api.loadClass(Cache.class.getName()), Cache.class, "the tests see the api bundle's Cache");
    }

    @Test
    void theTestsAndThePlatformServicesShareTheirServicePackages() {
        Bundle tests = FrameworkUtil.getBundle(FrameworkIT.class);
        Map<String, String> users = Map.of(
            "org.apache.felix.eventadmin", EventAdmin.class.getPackageName(),
            "org.apache.felix.configadmin", ConfigurationAdmin.class.getPackageName(),
            "org.apache.felix.metatype", MetaTypeService.class.getPackageName());
        users.forEach((bundle, pkg) -> {
            Bundle provider = providerOf(bundle(bundle), pkg);
            assertNotNull(provider, bundle + " neither imports nor exports " + pkg);
            assertEquals(provider, providerOf(tests, pkg), "the tests get " + pkg + " from another bundle than " + bundle);
        });
    }

    @Test
    void platformServicesAreUsableFromTheTests() throws Exception {
        assertNotNull(eventAdmin);

        Configuration configuration = cm.getConfiguration("io.lapse.itest.probe", null);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("probe", "yes");
        configuration.update(properties);
        Configuration[] listed = cm.listConfigurations("(service.pid=io.lapse.itest.probe)");
        assertNotNull(listed, "the configuration just written is not listed");
        assertEquals("yes", listed[0].getProperties().get("probe"));
        configuration.delete();
        assertNull(cm.listConfigurations("(service.pid=io.lapse.itest.probe)"));

        assertNotNull(metaType.getMetaTypeInformation(bundle("io.lapse.api")));
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
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, topic);
        ServiceRegistration<EventHandler> registration = context.registerService(EventHandler.class, handler, properties);
        try {
            eventAdmin.postEvent(new Event(topic, Map.of("n", 42L)));
            assertTrue(received.await(5, TimeUnit.SECONDS), "the test's EventHandler got no event within 5 s");
            assertEquals(topic, event.get().getTopic());
            assertEquals(42L, event.get().getProperty("n"));
        } finally {
            registration.unregister();
        }
    }

    private Bundle bundle(String symbolicName) {
        return Bundles.named(context, symbolicName);
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

    /** The bundle whose copy of a package a bundle uses: the one it imports it from, or itself. */
    private static Bundle providerOf(Bundle user, String pkg) {
        Bundle imported = importedFrom(user, pkg);
        if (imported != null) {
            return imported;
        }
        boolean exports = user.adapt(BundleWiring.class).getCapabilities(PackageNamespace.PACKAGE_NAMESPACE).stream()
            .anyMatch(c -> pkg.equals(c.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE)));
        return exports ? user : null;
    }
}
