package io.lapse.impl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The engine and the stores stay free of OSGi, so they run and are tested as plain Java; the DS
 * components in {@code io.lapse.impl.osgi} adapt them.
 */
class EngineIsPlainJavaTest {

    @Test
    void noEngineSourceImportsOsgi() throws IOException {
        assertNoOsgi(Paths.get("src/main/java/io/lapse/impl/engine"));
    }

    @Test
    void noStoreSourceImportsOsgi() throws IOException {
        assertNoOsgi(Paths.get("src/main/java/io/lapse/impl/store"));
    }

    private static void assertNoOsgi(Path folder) throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.list(folder)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList());
        }
        assertFalse(sources.isEmpty(), "no sources under " + folder.toAbsolutePath());
        List<String> offenders = sources.stream().filter(f -> {
            try {
                return Files.readString(f).contains("org.osgi");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).map(f -> f.getFileName().toString()).collect(Collectors.toList());
        assertEquals(List.of(), offenders, "sources under " + folder + " that mention org.osgi");
    }
}
