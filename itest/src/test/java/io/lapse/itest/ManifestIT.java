package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/**
 * Checks the OSGi headers of the built bundles, read from the jars of {@code lapse.jars} (a
 * comma-separated list set by failsafe). No framework is started.
 *
 * <p>To cover another bundle, add its jar to {@code lapse.jars} in
 * {@code itest/pom.xml} and its test methods in the marked section below.
 */
class ManifestIT {

    private static final String API = "io.lapse.api";
    private static final String IMPL = "io.lapse.impl";
    private static final String JMX = "io.lapse.jmx";
    private static final String EXAMPLE = "io.lapse.example";
    private static final String API_PACKAGE = "io.lapse.cache";
    private static final String REPLICATION_PACKAGE = "io.lapse.cache.replication";
    private static final String LEVEL_PACKAGE = "io.lapse.cache.level";
    private static final String SPI_PACKAGE = "io.lapse.cache.spi";
    private static final String JCACHE = "io.lapse.jcache";

    /** The built jars by Bundle-SymbolicName. */
    private static final Map<String, Path> JARS = new HashMap<>();

    @BeforeAll
    static void findJars() throws IOException {
        String list = System.getProperty("lapse.jars");
        assertNotNull(list, "system property lapse.jars is not set: run with 'mvn verify'");
        for (String entry : list.split(",")) {
            Path jar = Paths.get(entry.trim()).toAbsolutePath().normalize();
            assertTrue(Files.isRegularFile(jar), "no built jar " + jar + ": build the module first");
            JARS.put(headers(jar).getValue(Constants.BUNDLE_SYMBOLICNAME).split(";")[0].trim(), jar);
        }
    }

    // ---- io.lapse.api -------------------------------------------------------------------

    @Test
    void apiExportsExactlyTheCacheLevelReplicationAndSpiPackagesAtTheVersionsOfTheirPackageInfo() throws IOException {
        List<ManifestHeaders.Clause> exports = exports(API);
        assertEquals(List.of(API_PACKAGE, LEVEL_PACKAGE, REPLICATION_PACKAGE, SPI_PACKAGE), exports.stream().map(ManifestHeaders.Clause::path)
            .sorted().collect(Collectors.toList()), "api's Export-Package");
        for (ManifestHeaders.Clause export : exports) {
            Version exported = Version.parseVersion(export.attribute(Constants.VERSION_ATTRIBUTE));
            assertEquals(packageInfoVersion(export.path()), exported, "api exports " + export.path() + " at another "
                + "version than the @Version of its package-info.java");
        }
    }

    @Test
    void apiVersionsEveryExport() throws IOException {
        List<ManifestHeaders.Clause> exports = exports(API);
        assertFalse(exports.isEmpty(), "api exports nothing");
        for (ManifestHeaders.Clause export : exports) {
            assertNotNull(export.attribute(Constants.VERSION_ATTRIBUTE), "api exports " + export.path() + " without a version");
        }
    }

    // ---- io.lapse.impl ------------------------------------------------------------------

    @Test
    void implExportsNothing() throws IOException {
        assertEquals(List.of(), exports(IMPL), "impl's Export-Package: the implementation must stay private");
    }

    @Test
    void implImportsTheApiPackageWithAVersionRangeThatAcceptsApisExport() throws IOException {
        ManifestHeaders.Clause imported = ManifestHeaders.find(header(IMPL, Constants.IMPORT_PACKAGE), API_PACKAGE);
        assertNotNull(imported, "impl does not import " + API_PACKAGE);
        String range = imported.attribute(Constants.VERSION_ATTRIBUTE);
        assertNotNull(range, "impl imports " + API_PACKAGE + " without a version range");
        assertTrue(range.startsWith("[") || range.startsWith("("),
            "impl imports " + API_PACKAGE + " at " + range + ", a bare version (no upper bound), not a range");
        Version exported = Version.parseVersion(
            ManifestHeaders.find(header(API, Constants.EXPORT_PACKAGE), API_PACKAGE).attribute(Constants.VERSION_ATTRIBUTE));
        assertTrue(new VersionRange(range).includes(exported),
            "impl's import range " + range + " does not accept api's export " + exported);
    }

    @Test
    void implNeedsNoJdbcPackageToResolve() throws IOException {
        ManifestHeaders.Clause jdbc = ManifestHeaders.find(header(IMPL, Constants.IMPORT_PACKAGE), "org.osgi.service.jdbc");
        assertNotNull(jdbc, "impl does not import the JDBC service package its stores use");
        assertEquals("optional", jdbc.directives().get(Constants.RESOLUTION_DIRECTIVE),
            "caches without a store must not need org.osgi.service.jdbc");
    }

    @Test
    void implNeedsNoMvStoreToResolve() throws IOException {
        ManifestHeaders.Clause mvstore = ManifestHeaders.find(header(IMPL, Constants.IMPORT_PACKAGE), "org.h2.mvstore");
        assertNotNull(mvstore, "impl does not import the MVStore package its file level uses");
        assertEquals("optional", mvstore.directives().get(Constants.RESOLUTION_DIRECTIVE),
            "caches without a file level must not need H2");
    }

    @Test
    void implDeclaresItsComponents() throws IOException {
        String components = header(IMPL, "Service-Component");
        assertNotNull(components, "impl has no Service-Component header: no DS component was built into it");
        try (JarFile jar = new JarFile(JARS.get(IMPL).toFile())) {
            for (ManifestHeaders.Clause component : ManifestHeaders.parse(components)) {
                if (!component.path().contains("*")) {
                    assertNotNull(jar.getEntry(component.path()), "Service-Component names " + component.path()
                        + ", which impl does not contain");
                }
            }
        }
    }

    @Test
    void implDescribesItsConfigurationsWithMetatype() throws IOException {
        List<String> metatype = new ArrayList<>();
        try (JarFile jar = new JarFile(JARS.get(IMPL).toFile())) {
            jar.stream().map(e -> e.getName())
                .filter(n -> n.startsWith("OSGI-INF/metatype/") && n.endsWith(".xml"))
                .forEach(metatype::add);
        }
        assertFalse(metatype.isEmpty(), "impl contains no OSGI-INF/metatype/*.xml");
    }

    // ---- io.lapse.jcache ----------------------------------------------------------------

    @Test
    void jcacheExportsNothingDeclaresItsComponentAndImportsJCacheAndTheSpiWithRanges() throws IOException {
        assertEquals(List.of(), exports(JCACHE), "jcache's Export-Package: the provider's classes must stay private");
        assertNotNull(header(JCACHE, "Service-Component"), "jcache has no Service-Component header");
        String imports = header(JCACHE, Constants.IMPORT_PACKAGE);
        ManifestHeaders.Clause spi = ManifestHeaders.find(imports, SPI_PACKAGE);
        assertNotNull(spi, "jcache does not import " + SPI_PACKAGE);
        assertTrue(new VersionRange(spi.attribute(Constants.VERSION_ATTRIBUTE)).includes(packageInfoVersion(SPI_PACKAGE)),
            "jcache's import of " + SPI_PACKAGE + " does not accept the api's version");
        ManifestHeaders.Clause jcache = ManifestHeaders.find(imports, "javax.cache");
        assertNotNull(jcache, "jcache does not import javax.cache");
        assertTrue(new VersionRange(jcache.attribute(Constants.VERSION_ATTRIBUTE)).includes(new Version(1, 1, 1)),
            "jcache's import of javax.cache does not accept JCache 1.1.1, the cache-api bundle's export");
    }

    // ---- io.lapse.jmx -------------------------------------------------------------------

    @Test
    void jmxExportsNothingAndDeclaresItsComponent() throws IOException {
        assertEquals(List.of(), exports(JMX), "jmx's Export-Package: the MXBean classes must stay private");
        assertNotNull(header(JMX, "Service-Component"), "jmx has no Service-Component header");
        ManifestHeaders.Clause imported = ManifestHeaders.find(header(JMX, Constants.IMPORT_PACKAGE), API_PACKAGE);
        assertNotNull(imported, "jmx does not import " + API_PACKAGE);
        assertTrue(new VersionRange(imported.attribute(Constants.VERSION_ATTRIBUTE)).includes(packageInfoVersion()),
            "jmx's import of " + API_PACKAGE + " does not accept the api's version");
    }

    @Test
    void jmxImportsTheReplicationPackageWithARangeThatAcceptsItsVersion() throws IOException {
        ManifestHeaders.Clause imported = ManifestHeaders.find(header(JMX, Constants.IMPORT_PACKAGE), REPLICATION_PACKAGE);
        assertNotNull(imported, "jmx does not import " + REPLICATION_PACKAGE + ", whose ReplicationStatus it reads");
        assertTrue(new VersionRange(imported.attribute(Constants.VERSION_ATTRIBUTE))
            .includes(packageInfoVersion(REPLICATION_PACKAGE)),
            "jmx's import of " + REPLICATION_PACKAGE + " does not accept the api's version");
    }

    @Test
    void jmxNeedsNoShellToResolve() throws IOException {
        ManifestHeaders.Clause gogo = ManifestHeaders.find(header(JMX, Constants.IMPORT_PACKAGE),
            "org.apache.felix.service.command");
        assertNotNull(gogo, "jmx does not import the Gogo command package its @Descriptor help needs");
        assertEquals("optional", gogo.directives().get(Constants.RESOLUTION_DIRECTIVE),
            "without a shell the management bundle must still resolve");
    }

    // ---- io.lapse.example ---------------------------------------------------------------

    @Test
    void exampleExportsNothingAndDeclaresItsHandler() throws IOException {
        assertEquals(List.of(), exports(EXAMPLE), "example's Export-Package");
        assertNotNull(header(EXAMPLE, "Service-Component"), "example has no Service-Component header");
        // It uses only CacheEvents' constants, which the compiler inlines: it needs EventAdmin's
        // package at runtime, not the Lapse API's.
        assertNotNull(ManifestHeaders.find(header(EXAMPLE, Constants.IMPORT_PACKAGE), "org.osgi.service.event"),
            "example does not import org.osgi.service.event");
    }

    // ---- helpers ------------------------------------------------------------------------

    /**
     * The {@code @Version} of {@code io.lapse.cache}, parsed from api's package-info.java. Read
     * from source on purpose: the built manifest must follow the source, not the reverse.
     */
    private static Version packageInfoVersion() throws IOException {
        return packageInfoVersion(API_PACKAGE);
    }

    private static Version packageInfoVersion(String pkg) throws IOException {
        Path root = Paths.get(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();
        Path packageInfo = root.resolve("api/src/main/java/" + pkg.replace('.', '/') + "/package-info.java");
        String source = Files.readString(packageInfo);
        Matcher version = Pattern.compile("@Version\\(\\s*\"([^\"]+)\"\\s*\\)").matcher(source);
        assertTrue(version.find(), packageInfo + " has no @Version(\"...\")");
        return Version.parseVersion(version.group(1));
    }

    private static List<ManifestHeaders.Clause> exports(String bundle) throws IOException {
        return ManifestHeaders.parse(header(bundle, Constants.EXPORT_PACKAGE));
    }

    private static String header(String bundle, String name) throws IOException {
        Path jar = JARS.get(bundle);
        assertNotNull(jar, "no jar of " + bundle + " in lapse.jars; found " + Arrays.toString(JARS.keySet().toArray()));
        return headers(jar).getValue(name);
    }

    private static Attributes headers(Path jar) throws IOException {
        return ManifestHeaders.manifest(jar).getMainAttributes();
    }
}
