package io.lapse.itest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.felix.framework.FrameworkFactory;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A real Apache Felix framework running in the test JVM, with every bundle of
 * {@code lapse.bundles} installed and started.
 *
 * <h2>Use</h2>
 * One framework per test class, from {@code @BeforeAll}/{@code @AfterAll}:
 * <pre>{@code
 * private static Felix felix;
 *
 * @BeforeAll static void boot() throws Exception { felix = Felix.start(); }
 * @AfterAll static void shutdown() throws Exception { if (felix != null) felix.close(); }
 * }</pre>
 * {@link #start()} returns only when every bundle is {@code ACTIVE}; it throws, naming each bundle
 * that is not and why (typically Felix's resolution error), and leaves no framework running.
 *
 * <h2>Class spaces</h2>
 * The test code and the framework share exactly the framework API (the Felix jar is on the test
 * class path) and the service packages of {@link #SHARED}: the system bundle exports those from
 * the test class path ({@code org.osgi.framework.system.packages.extra}) at the version their jar
 * exports, so that EventAdmin, ConfigurationAdmin and Metatype wire to the system bundle's copy and
 * a test can cast their services and register {@code EventHandler}s. {@link #start()} verifies
 * this wiring, since a miswired package fails silently (a test's handler is never called).
 *
 * <p>{@code io.lapse.cache} is deliberately <em>not</em> shared: the api bundle serves it inside the
 * framework, as it will in production. Test code sees the Lapse services through
 * {@link #apiService} / {@link ApiBridge}.
 *
 * <h2>System properties</h2>
 * <ul>
 * <li>{@code lapse.bundles}: folder of the bundle jars to install (default {@code target/bundles}).</li>
 * <li>{@code lapse.storage}: folder under which each framework gets a fresh storage folder
 * (default {@code target/felix}); a framework's folder is deleted by {@link #close()}.</li>
 * </ul>
 * The failsafe configuration in {@code itest/pom.xml} sets both.
 *
 * <p>Instances are meant for one test thread at a time; the services they return may of course be
 * used from any thread.
 */
public final class Felix implements AutoCloseable {

    /** A timeout long enough for any service of a healthy framework to appear on a slow machine. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** How long {@link #close()} waits for the framework to stop. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /**
     * One class of each package the test code shares with the framework: the system bundle
     * exports these packages from the test class path. Add a class here (and its jar as a test
     * dependency) to share another package.
     */
    public static final List<Class<?>> SHARED = List.of(EventAdmin.class, ConfigurationAdmin.class,
        MetaTypeService.class, LogReaderService.class, CommandProcessor.class);

    private final Framework framework;
    private final Path storage;
    private boolean closed;

    private Felix(Framework framework, Path storage) {
        this.framework = framework;
        this.storage = storage;
    }

    /**
     * Starts a framework with the default configuration.
     *
     * @return the started framework, every bundle of {@code lapse.bundles} {@code ACTIVE}
     * @throws IllegalStateException if a bundle is not {@code ACTIVE} after its start, or a
     *     shared package is not wired to the system bundle; the framework is stopped first
     * @throws Exception if the framework cannot be created or started
     */
    public static Felix start() throws Exception {
        return start(Map.of());
    }

    /**
     * Starts a framework with extra framework properties.
     *
     * @param extraConfig framework properties added to (and overriding) the defaults, e.g. a
     *     property a component reads with {@code BundleContext.getProperty}
     * @return the started framework, every bundle of {@code lapse.bundles} {@code ACTIVE}
     * @throws IllegalStateException if a bundle is not {@code ACTIVE} after its start, or a
     *     shared package is not wired to the system bundle; the framework is stopped first
     * @throws Exception if the framework cannot be created or started
     */
    public static Felix start(Map<String, String> extraConfig) throws Exception {
        List<Path> jars = bundleJars();
        Path storageRoot = Paths.get(System.getProperty("lapse.storage", "target/felix")).toAbsolutePath();
        Files.createDirectories(storageRoot);
        // a fresh folder per framework: two frameworks never share (or lock) a bundle cache
        Path storage = Files.createTempDirectory(storageRoot, "felix-");

        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, systemPackagesExtra());
        // Felix would install JVM-wide URL handler factories, which several frameworks in one JVM
        // (one per test class) do not need: bundles are installed from file: URLs
        config.put("felix.service.urlhandlers", "false");
        config.putAll(extraConfig);

        Framework framework = new FrameworkFactory().newFramework(config);
        Felix felix = new Felix(framework, storage);
        try {
            framework.init();
            felix.installAndStart(jars);
            felix.checkSharedPackages();
            return felix;
        } catch (Exception | Error e) {
            try {
                felix.close();
            } catch (Exception | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Returns the value of {@code org.osgi.framework.system.packages.extra}: each package of
     * {@link #SHARED} at the version its jar on the test class path exports.
     *
     * <p>The version matters: EventAdmin, ConfigurationAdmin and Metatype each export their API
     * package as well and import it with a range (e.g. {@code [1.4,1.5)}). The system bundle's
     * export must lie in those ranges and be at least as high as theirs, or the resolver wires
     * them to their own copy and the test's copy becomes a different class. The OSGi API jars
     * export a micro version above the Felix bundles (1.4.1 over 1.4.0, ...), so taking the jar's
     * own version satisfies both; {@link #start()} checks the resulting wiring.
     *
     * @return the package list, e.g. {@code org.osgi.service.event;version="1.4.1",...}
     */
    public static String systemPackagesExtra() {
        StringJoiner packages = new StringJoiner(",");
        for (Class<?> type : SHARED) {
            packages.add(type.getPackageName() + ";version=\"" + exportedVersion(type) + "\"");
        }
        return packages.toString();
    }

    /** Reads the version of a class's package from the Export-Package of the jar holding it. */
    private static String exportedVersion(Class<?> type) {
        Path jar;
        try {
            jar = Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot locate the jar of " + type.getName(), e);
        }
        try {
            String exports = ManifestHeaders.manifest(jar).getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
            ManifestHeaders.Clause clause = ManifestHeaders.find(exports, type.getPackageName());
            if (clause == null || clause.attribute(Constants.VERSION_ATTRIBUTE) == null) {
                throw new IllegalStateException(jar + " does not export " + type.getPackageName() + " with a version");
            }
            return clause.attribute(Constants.VERSION_ATTRIBUTE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest of " + jar, e);
        }
    }

    /** Lists the jars of {@code lapse.bundles}, failing clearly when there are none. */
    private static List<Path> bundleJars() throws IOException {
        Path dir = Paths.get(System.getProperty("lapse.bundles", "target/bundles")).toAbsolutePath();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no bundle folder " + dir
                + ": run the tests with 'mvn verify', which copies the bundles there at pre-integration-test");
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        }
        if (jars.isEmpty()) {
            throw new IllegalStateException("no bundle jars in " + dir);
        }
        return jars;
    }

    /**
     * Installs every jar, starts the framework and then every bundle that is not a fragment, and
     * throws naming every bundle that did not reach {@code ACTIVE}.
     */
    private void installAndStart(List<Path> jars) throws BundleException {
        BundleContext context = framework.getBundleContext();
        List<String> problems = new ArrayList<>();
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : jars) {
            try {
                installed.add(context.installBundle(jar.toUri().toString()));
            } catch (BundleException e) {
                problems.add(jar.getFileName() + ": not installed: " + e.getMessage());
            }
        }
        framework.start();
        // resolve all at once first, so that start order does not matter
        framework.adapt(FrameworkWiring.class).resolveBundles(installed);

        Map<Bundle, String> startErrors = new HashMap<>();
        for (Bundle bundle : installed) {
            if (isFragment(bundle)) {
                continue;
            }
            try {
                bundle.start();
            } catch (BundleException e) {
                // for an unresolved bundle Felix's message is the resolution error
                startErrors.put(bundle, describe(e));
            }
        }
        for (Bundle bundle : installed) {
            if (!isFragment(bundle) && bundle.getState() != Bundle.ACTIVE) {
                problems.add(bundle.getSymbolicName() + " " + bundle.getVersion() + " (" + bundle.getLocation()
                    + ") is " + stateName(bundle.getState()) + ": "
                    + startErrors.getOrDefault(bundle, "no error reported"));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("bundles not ACTIVE after start:\n  " + String.join("\n  ", problems));
        }
    }

    /**
     * Fails if a bundle gets a {@link #SHARED} package from anything but the system bundle (an
     * import wired elsewhere, or its own export chosen over the system bundle's): that bundle's
     * services would then implement a class the test code cannot see, and a test's
     * {@code EventHandler} would silently never be called.
     */
    private void checkSharedPackages() {
        List<String> problems = new ArrayList<>();
        for (Class<?> type : SHARED) {
            String pkg = type.getPackageName();
            for (Bundle bundle : context().getBundles()) {
                BundleWiring wiring = bundle.adapt(BundleWiring.class);
                if (wiring == null) {
                    continue;
                }
                // a bundle that exports the package too (EventAdmin does) and picked its own copy
                // has no wire for it, but offers the package as a capability of its wiring
                for (BundleCapability export : wiring.getCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
                    if (bundle.getBundleId() != 0 && pkg.equals(export.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                        problems.add(bundle.getSymbolicName() + " uses its own export of " + pkg + " "
                            + export.getAttributes().get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE));
                    }
                }
                for (BundleWire wire : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
                    Object wired = wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
                    Bundle provider = wire.getProvider().getBundle();
                    if (pkg.equals(wired) && provider.getBundleId() != 0) {
                        problems.add(bundle.getSymbolicName() + " imports " + pkg + " "
                            + wire.getCapability().getAttributes().get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE)
                            + " from " + provider.getSymbolicName());
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("packages shared with the test code are not wired to the system bundle "
                + "(which exports " + context().getProperty(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA) + "); raise the system bundle's version to at least the "
                + "provider's, within the importers' ranges:\n  " + String.join("\n  ", problems));
        }
    }

    /**
     * Returns the system bundle's context: the test code's identity inside the framework.
     *
     * @return the context, valid until {@link #close()}
     */
    public BundleContext context() {
        return framework.getBundleContext();
    }

    /**
     * Returns the framework (the system bundle).
     *
     * @return the framework
     */
    public Framework framework() {
        return framework;
    }

    /**
     * Returns the installed bundles, the system bundle excluded.
     *
     * @return the bundles in installation order
     */
    public List<Bundle> bundles() {
        return Arrays.stream(context().getBundles()).filter(b -> b.getBundleId() != 0).collect(Collectors.toList());
    }

    /**
     * Returns the installed bundle of a symbolic name.
     *
     * @param symbolicName the Bundle-SymbolicName
     * @return the bundle (the one with the highest version if several are installed)
     * @throws IllegalArgumentException if no such bundle is installed; the message names the
     *     installed ones
     */
    public Bundle bundle(String symbolicName) {
        return bundles().stream()
            .filter(b -> symbolicName.equals(b.getSymbolicName()))
            .max(Comparator.comparing(Bundle::getVersion))
            .orElseThrow(() -> new IllegalArgumentException("no bundle " + symbolicName + " is installed; installed: "
                + bundles().stream().map(Bundle::getSymbolicName).collect(Collectors.toList())));
    }

    /**
     * Waits for a service whose class the test code shares with the framework, e.g.
     * {@code EventAdmin} (see {@link #SHARED}), and returns it.
     *
     * <p>The harness keeps using the service (its use count stays raised) until {@link #close()},
     * so a delayed DS component is not deactivated under the caller. If the service is
     * unregistered (e.g. its configuration changed), look it up again.
     *
     * @param <T> the service type
     * @param type the service interface; it must be the class the framework's bundles use
     * @param filter an LDAP filter on the service properties, or {@code null} for any
     * @param timeout how long to wait for the service to appear
     * @return the service, never {@code null}
     * @throws AssertionError if no such service appears within {@code timeout}; the message lists
     *     the services of that class that exist
     * @throws IllegalStateException if the service implements another copy of {@code type}
     *     (its package is not shared: use {@link #apiService} for Lapse's API)
     * @throws InterruptedException if interrupted while waiting
     */
    public <T> T service(Class<T> type, String filter, Duration timeout) throws InterruptedException {
        Object service = serviceObject(type.getName(), filter, timeout);
        if (!type.isInstance(service)) {
            throw new IllegalStateException("the " + type.getName() + " service " + service.getClass().getName()
                + " implements another copy of " + type.getName() + " (from " + origin(service, type.getName())
                + "), not the test class path's: share its package from the system bundle (Felix.SHARED),"
                + " or reach it through ApiBridge (Felix.apiService)");
        }
        return type.cast(service);
    }

    /**
     * Waits for a Lapse service (e.g. {@code io.lapse.cache.CacheService} or
     * {@code io.lapse.cache.Cache}) and returns it as the test-side interface, through
     * {@link ApiBridge}.
     *
     * <p>As for {@link #service}, the harness keeps using the service until {@link #close()}.
     *
     * @param <T> the test-side API interface
     * @param type the interface from the test class path, e.g. {@code Cache.class}
     * @param filter an LDAP filter on the service properties, e.g. {@code (cache.name=sessions)},
     *     or {@code null} for any
     * @param timeout how long to wait for the service to appear
     * @return a proxy implementing {@code type} that forwards to the framework's service
     * @throws AssertionError if no such service appears within {@code timeout}
     * @throws InterruptedException if interrupted while waiting
     */
    public <T> T apiService(Class<T> type, String filter, Duration timeout) throws InterruptedException {
        return ApiBridge.wrap(type, serviceObject(type.getName(), filter, timeout));
    }

    /**
     * Waits for a service registered under a class name and returns the framework-side object,
     * whatever class space it lives in.
     *
     * <p>As for {@link #service}, the harness keeps using the service until {@link #close()}.
     *
     * @param className the {@code objectClass} the service is registered under
     * @param filter an LDAP filter on the service properties, or {@code null} for any
     * @param timeout how long to wait for the service to appear
     * @return the service object, never {@code null}
     * @throws AssertionError if no such service appears within {@code timeout}; the message lists
     *     the services of that class that exist
     * @throws InterruptedException if interrupted while waiting
     */
    public Object serviceObject(String className, String filter, Duration timeout) throws InterruptedException {
        String objectClass = "(" + Constants.OBJECTCLASS + "=" + className + ")";
        String combined = filter == null || filter.isBlank() ? objectClass : "(&" + objectClass + filter + ")";
        Filter ldap;
        try {
            ldap = context().createFilter(combined);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("invalid service filter " + filter + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context(), ldap, null);
        // true: track every service, also those whose class the system bundle cannot load
        // (Lapse's API lives in the api bundle only)
        tracker.open(true);
        try {
            while (true) {
                long remainingMillis = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
                if (remainingMillis <= 0 || tracker.waitForService(remainingMillis) == null) {
                    throw new AssertionError("no service " + combined + " within " + timeout + "; "
                        + describeServices(className));
                }
                ServiceReference<Object> reference = tracker.getServiceReference();
                // our own use of the service, held until close(): the tracker's ends below
                Object service = reference == null ? null : context().getService(reference);
                if (service != null) {
                    return service;
                }
                // unregistered between the wait and the get: wait for the next one
            }
        } finally {
            tracker.close();
        }
    }

    /**
     * Registers a service from the test code (as the system bundle).
     *
     * @param <T> the service type
     * @param type the interface to register under; for a framework service to see it, its
     *     package must be shared (see {@link #SHARED})
     * @param service the service object
     * @param properties the service properties, e.g. {@code event.topics}
     * @return the registration, to unregister it; the framework unregisters it on {@link #close()}
     */
    public <T> ServiceRegistration<T> register(Class<T> type, T service, Map<String, ?> properties) {
        return context().registerService(type, service, dictionary(properties));
    }

    /**
     * Registers a service under class names, e.g. a framework-side object under a Lapse API name.
     *
     * @param classNames the class names; the service must be an instance of each, as loaded by
     *     its own class loader
     * @param service the service object
     * @param properties the service properties
     * @return the registration, to unregister it; the framework unregisters it on {@link #close()}
     */
    public ServiceRegistration<?> register(String[] classNames, Object service, Map<String, ?> properties) {
        return context().registerService(classNames, service, dictionary(properties));
    }

    /**
     * Stops the framework and waits for it to stop, then deletes its storage folder. Does nothing
     * when called again.
     *
     * @throws IllegalStateException if the framework does not stop within 30 seconds, or the
     *     thread is interrupted while waiting (its interrupt status is kept)
     * @throws BundleException if stopping fails
     * @throws IOException if the storage folder cannot be deleted
     */
    @Override
    public void close() throws BundleException, IOException {
        if (closed) {
            return;
        }
        closed = true;
        framework.stop();
        FrameworkEvent event;
        try {
            event = framework.waitForStop(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            // not rethrown as such: AutoCloseable.close() should not throw InterruptedException
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the framework to stop", e);
        }
        if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
            throw new IllegalStateException("the framework did not stop within " + STOP_TIMEOUT
                + "; its storage is left in " + storage);
        }
        deleteRecursively(storage);
    }

    private static boolean isFragment(Bundle bundle) {
        return bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            text.append(" <- ").append(cause);
        }
        return text.toString();
    }

    private static String stateName(int state) {
        switch (state) {
            case Bundle.UNINSTALLED: return "UNINSTALLED";
            case Bundle.INSTALLED: return "INSTALLED (unresolved)";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.ACTIVE: return "ACTIVE";
            default: return "state " + state;
        }
    }

    /** Says which bundle a service's copy of an interface comes from. */
    private static String origin(Object service, String interfaceName) {
        for (Class<?> c = service.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals(interfaceName)) {
                    Bundle bundle = FrameworkUtil.getBundle(i);
                    return bundle == null ? String.valueOf(i.getClassLoader()) : "bundle " + bundle.getSymbolicName();
                }
            }
        }
        return String.valueOf(service.getClass().getClassLoader());
    }

    /** Lists the services registered under a class name, for timeout messages. */
    private String describeServices(String className) {
        ServiceReference<?>[] references;
        try {
            references = context().getAllServiceReferences(className, null);
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        if (references == null) {
            List<String> inactive = bundles().stream()
                .filter(b -> b.getState() != Bundle.ACTIVE && !isFragment(b))
                .map(b -> b.getSymbolicName() + " is " + stateName(b.getState()))
                .collect(Collectors.toList());
            return "no service of that class is registered" + (inactive.isEmpty() ? "" : "; " + inactive);
        }
        return "registered services of that class: " + Arrays.stream(references).map(r -> {
            Map<String, Object> properties = new HashMap<>();
            for (String key : r.getPropertyKeys()) {
                Object value = r.getProperty(key);
                properties.put(key, value instanceof Object[] ? Arrays.toString((Object[]) value) : value);
            }
            return r.getBundle().getSymbolicName() + " " + properties;
        }).collect(Collectors.joining(", "));
    }

    private static Dictionary<String, Object> dictionary(Map<String, ?> properties) {
        Hashtable<String, Object> table = new Hashtable<>();
        if (properties != null) {
            table.putAll(properties);
        }
        return table;
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(file);
            }
        }
    }
}
