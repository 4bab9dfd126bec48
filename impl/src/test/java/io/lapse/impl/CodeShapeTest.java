package io.lapse.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The shape docs/architecture.md describes, checked on the sources so that a change which breaks
 * it fails the build: each concern in one place (the jmx bundle's sources included where the
 * concern is shared: durations), DS components only in the OSGi wiring package, events flowing
 * downward only.
 */
class CodeShapeTest {

    /** About what a newcomer reads in one sitting. */
    private static final int MAX_LINES = 950;

    private static final Path MAIN = Paths.get("src/main/java/io/lapse/impl");

    @Test
    void noSourceFileIsLongerThanOneSitting() {
        List<String> longer = sources(MAIN).stream()
            .filter(f -> lines(f) > MAX_LINES)
            .map(f -> MAIN.relativize(f) + " (" + lines(f) + " lines)")
            .collect(Collectors.toList());
        assertEquals(List.of(), longer, "sources over " + MAX_LINES + " lines");
    }

    @Test
    void declarativeServicesComponentsLiveOnlyInTheOsgiPackage() {
        List<String> outside = matching(MAIN, text -> text.contains("@Component")).stream()
            .filter(f -> !f.getParent().getFileName().toString().equals("osgi"))
            .map(f -> MAIN.relativize(f).toString())
            .collect(Collectors.toList());
        assertEquals(List.of(), outside, "DS components outside io.lapse.impl.osgi");
    }

    @Test
    void onlyDeadlinesTurnsATtlIntoADeadline() {
        // the rule's two shapes: a TTL added to the time, 0 read as "never"
        Pattern rule = Pattern.compile("now\\s*\\+\\s*ttl|ttl\\w*\\s*==\\s*0\\s*\\?\\s*Node\\.NEVER");
        List<String> elsewhere = matching(MAIN, text -> rule.matcher(text).find()).stream()
            .map(f -> f.getFileName().toString())
            .filter(name -> !name.equals("Deadlines.java"))
            .collect(Collectors.toList());
        assertEquals(List.of(), elsewhere, "sources deciding a deadline outside Deadlines");
    }

    @Test
    void durationsAreParsedOnlyByTheApisDurations() {
        // the shapes of a duration parser: a switch or a suffix test on a unit
        Pattern parser = Pattern.compile("(case\\s+|endsWith\\()\"(ms|s|m|h|d)\"");
        List<String> parsers = Stream.of(MAIN, Paths.get("../jmx/src/main/java/io/lapse/jmx"))
            .flatMap(root -> matching(root, text -> parser.matcher(text).find()).stream())
            .map(f -> f.getFileName().toString())
            .collect(Collectors.toList());
        assertEquals(List.of(), parsers, "sources parsing durations beside io.lapse.cache.Durations");
    }

    @Test
    void theEventSideNeverReachesBackIntoTheTable() {
        Path osgi = MAIN.resolve("osgi");
        List<String> reaching = Stream.of("EventPublisher.java", "EventQueue.java", "EventBridge.java")
            .map(osgi::resolve)
            .filter(f -> read(f).contains("CacheTable"))
            .map(f -> f.getFileName().toString())
            .collect(Collectors.toList());
        assertEquals(List.of(), reaching, "event classes that know the table they report for");
    }

    private static List<Path> matching(Path root, Predicate<String> text) {
        return sources(root).stream().filter(f -> text.test(read(f))).collect(Collectors.toList());
    }

    private static List<Path> sources(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> all = files.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList());
            assertFalse(all.isEmpty(), "no sources under " + root.toAbsolutePath());
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long lines(Path f) {
        return read(f).lines().count();
    }
}
