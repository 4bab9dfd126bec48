package io.lapse.karaf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

/**
 * What the build ({@code karaf/pom.xml}) hands the tests in failsafe's system properties: the
 * unpacked Karaf distributions, the folder our bundles are staged in, the features file and its
 * URL. Stateless; {@link #stageFeatures()} may run from several test classes.
 */
final class BuildOutput {

    private BuildOutput() {
    }

    /**
     * @return the value of a system property the build sets
     * @throws AssertionError if it is not set, as when the test is run outside {@code mvn verify}
     */
    static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new AssertionError("system property " + name + " is not set: run the test with 'mvn verify'");
        }
        return value;
    }

    /** @return the absolute path a system property of the build names */
    static Path path(String name) {
        return Paths.get(property(name)).toAbsolutePath();
    }

    /** @return the features repository's URL, {@code mvn:io.lapse/io.lapse.karaf/<version>/xml/features} */
    static String featuresUrl() {
        return property("lapse.features.url");
    }

    /**
     * Configures an unpacked Karaf, never started, to take our bundles and features file from the
     * staged folder and the third-party bundles from the local Maven repository (see
     * {@link KarafHome#prepare}).
     */
    static KarafHome prepare(Path home) throws IOException {
        return KarafHome.prepare(home, path("lapse.karaf.repo"), path("lapse.maven.repo"));
    }

    /**
     * Puts the built features file where its {@code mvn:} URL finds it in the staged folder:
     * {@code mvn:g/a/v/xml/features} is {@code g-as-path/a/v/a-v-features.xml}. Copying it again
     * replaces it with the same file.
     *
     * @throws IOException if it cannot be copied
     */
    static void stageFeatures() throws IOException {
        String url = featuresUrl();
        String[] parts = url.substring("mvn:".length()).split("/");
        if (!url.startsWith("mvn:") || parts.length != 5) {
            throw new IllegalArgumentException("not a mvn:group/artifact/version/type/classifier URL: " + url);
        }
        Path target = path("lapse.karaf.repo").resolve(parts[0].replace('.', '/')).resolve(parts[1]).resolve(parts[2])
            .resolve(parts[1] + "-" + parts[2] + "-" + parts[4] + "." + parts[3]);
        Files.createDirectories(target.getParent());
        Files.copy(path("lapse.features.file"), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
