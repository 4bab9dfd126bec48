package io.lapse.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.felix.framework.FrameworkFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.EventAdmin;

import io.lapse.cache.Cache;

/**
 * Apache Felix in this JVM, with the bundles of {@code bench/target/bundles} (Declarative
 * Services, ConfigurationAdmin, EventAdmin, Log and the Lapse impl), for section C.
 *
 * <p>The system bundle exports the EventAdmin and ConfigurationAdmin APIs and every package the
 * api bundle exports (all of which the impl bundle may import) from this class path, so the
 * benchmark registers a plain {@code EventHandler} and casts the framework's {@link Cache}
 * services: what an application embedding Felix does. {@link #start}
 * checks that the bundles really use those exports, since a miswired handler is silently never
 * called.
 *
 * <p>One thread at a time; {@link #close()} stops the framework and deletes its storage.
 */
final class BenchFramework implements AutoCloseable {

    /** Classes whose packages the system bundle exports, beside every package of {@link Cache}'s jar. */
    private static final List<Class<?>> SHARED = List.of(EventAdmin.class, ConfigurationAdmin.class);
    private static final long SERVICE_WAIT_MILLIS = 30_000;

    private final Framework framework;
    private final Path storage;

    private BenchFramework(Framework framework, Path storage) {
        this.framework = framework;
        this.storage = storage;
    }

    /**
     * Starts a framework with every bundle of a folder active.
     *
     * @param bundles the folder of bundle jars
     * @param properties framework properties added to the defaults (e.g. EventAdmin's settings)
     * @return the running framework
     * @throws Exception if it cannot start, or a bundle is not active; nothing is left running
     */
    static BenchFramework start(Path bundles, Map<String, String> properties) throws Exception {
        List<Path> jars;
        try (Stream<Path> files = Files.list(bundles)) {
            jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        }
        if (jars.isEmpty()) {
            throw new IllegalStateException("no bundles in " + bundles + ": build with 'mvn package' first");
        }
        Path storage = Files.createTempDirectory("lapse-bench-felix-");
        Map<String, String> config = new HashMap<>(properties);
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, sharedPackages());
        config.put("felix.service.urlhandlers", "false");
        Framework framework = new FrameworkFactory().newFramework(config);
        BenchFramework felix = new BenchFramework(framework, storage);
        try {
            framework.start();
            BundleContext context = framework.getBundleContext();
            List<Bundle> installed = new ArrayList<>();
            for (Path jar : jars) {
                installed.add(context.installBundle(jar.toUri().toString()));
            }
            for (Bundle bundle : installed) {
                bundle.start();
            }
            felix.service(EventAdmin.class, null);
            return felix;
        } catch (Exception | Error e) {
            felix.close();
            throw e;
        }
    }

    /**
     * The shared packages, each at the version the jar on this class path exports it: those of
     * {@link #SHARED}, and every package the api jar exports, so that a package added to the api
     * needs no change here.
     */
    private static String sharedPackages() throws IOException {
        StringJoiner packages = new StringJoiner(",");
        for (Class<?> type : SHARED) {
            packages.add(type.getPackageName() + ";version=\"" + exportedVersion(type) + "\"");
        }
        Matcher api = exported(Pattern.quote(Cache.class.getPackageName()) + "[\\w.]*").matcher(exports(Cache.class));
        while (api.find()) {
            packages.add(api.group(1) + ";version=\"" + api.group(2) + "\"");
        }
        return packages.toString();
    }

    private static String exportedVersion(Class<?> type) throws IOException {
        String packageName = type.getPackageName();
        Matcher m = exported(Pattern.quote(packageName)).matcher(exports(type));
        if (!m.find()) {
            throw new IOException("the jar of " + type.getName() + " does not export " + packageName + " with a version");
        }
        return m.group(2);
    }

    /** A clause of Export-Package for the packages a regex names: group 1 the package, group 2 its version. */
    private static Pattern exported(String packageRegex) {
        return Pattern.compile("(?:^|,)(" + packageRegex + ");[^,]*?version=\"?([0-9.]+)");
    }

    /** The Export-Package header of the jar a class was loaded from. */
    private static String exports(Class<?> type) throws IOException {
        Path jar;
        try {
            jar = Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the jar of " + type.getName(), e);
        }
        String exports = null;
        if (!Files.isDirectory(jar)) {
            try (JarFile file = new JarFile(jar.toFile())) {
                exports = file.getManifest().getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
            }
        }
        if (exports == null) {
            throw new IOException(jar + " has no Export-Package: run the benchmarks with the class path"
                + " bench/target/classpath.txt lists, as bench/run does");
        }
        return exports;
    }

    /**
     * Waits for a service and returns it, cast to the class this class path shares.
     *
     * @throws IllegalStateException if none comes within 30 s, or the one that came is of
     *     another class space (a package not wired to the system bundle)
     */
    <T> T service(Class<T> type, String filter) throws Exception {
        BundleContext context = framework.getBundleContext();
        long deadline = System.nanoTime() + SERVICE_WAIT_MILLIS * 1_000_000L;
        while (System.nanoTime() - deadline < 0) {
            ServiceReference<?>[] refs = context.getAllServiceReferences(type.getName(), filter);
            if (refs != null && refs.length > 0) {
                Object service = context.getService(refs[0]);
                if (!type.isInstance(service)) {
                    throw new IllegalStateException(type.getName() + " from " + refs[0].getBundle()
                        + " is not the class this benchmark shares with the framework: the package"
                        + " is not wired to the system bundle");
                }
                return type.cast(service);
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no " + type.getName() + (filter == null ? "" : " " + filter)
            + " within " + SERVICE_WAIT_MILLIS + " ms; bundles: " + describeBundles());
    }

    BundleContext context() {
        return framework.getBundleContext();
    }

    private String describeBundles() {
        StringJoiner all = new StringJoiner(", ");
        for (Bundle b : framework.getBundleContext().getBundles()) {
            all.add(b.getSymbolicName() + "=" + b.getState());
        }
        return all.toString();
    }

    @Override
    public void close() throws Exception {
        try {
            framework.stop();
            framework.waitForStop(30_000);
        } finally {
            try (Stream<Path> files = Files.walk(storage)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
