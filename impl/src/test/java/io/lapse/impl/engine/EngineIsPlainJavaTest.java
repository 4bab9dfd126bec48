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
 * The engine stays free of OSGi, so it runs and is tested as plain Java; the DS components in
 * {@code io.lapse.impl.osgi} adapt it.
 */
class EngineIsPlainJavaTest {

    @Test
    void noEngineSourceImportsOsgi() throws IOException {
        Path engine = Paths.get("src/main/java/io/lapse/impl/engine");
        List<Path> sources;
        try (Stream<Path> files = Files.list(engine)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList());
        }
        assertFalse(sources.isEmpty(), "no engine sources under " + engine.toAbsolutePath());
        List<String> offenders = sources.stream().filter(f -> {
            try {
                return Files.readString(f).contains("org.osgi");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).map(f -> f.getFileName().toString()).collect(Collectors.toList());
        assertEquals(List.of(), offenders, "engine sources that mention org.osgi");
    }
}
