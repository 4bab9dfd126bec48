package io.lapse.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.beans.Introspector;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.management.ConstructorParameters;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;

import org.junit.jupiter.api.Test;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheStats;
import io.lapse.jmx.admin.CacheAdmin;
import io.lapse.jmx.admin.Reloader;
import io.lapse.jmx.admin.ReplicationStatuses;
import io.lapse.jmx.admin.StatFigure;

/**
 * The figures of a cache's statistics are listed once, in {@link StatFigure}: the members that
 * the MXBean mapping needs spelled out ({@link CacheStatsRow}'s properties, {@link CacheMXBean}'s
 * attributes) and README's lists must name exactly those figures, in that order, so that a figure
 * added in one place and not the others fails the build. Beside them, the cache MBean has the
 * replication attributes ({@link #REPLICATION}), which README lists apart.
 */
class StatFiguresTest {

    /** The cache MBean's attributes read from a replication provider's status, not from the statistics. */
    static final List<String> REPLICATION = List.of("ClusterMembers", "ReplicationLagP99Millis", "ChangesSent",
        "ChangesReceived", "ChangesDropped", "ReplicationState", "EventsDuplicated");

    /** A snapshot whose every figure differs from every other, so a figure read for another shows. */
    private static final CacheStats DISTINCT = CacheStats.builder().statisticsEnabled(true).hits(3).misses(1)
        .puts(5).removals(6).evictions(7).expirations(8).size(9).slots(16).maxSlotItems(11).minSlotItems(2)
        .eventsPosted(13).eventsDropped(14).expiryLagP50Millis(15).expiryLagP99Millis(17).expiryLagMaxMillis(18)
        .maxEntries(19).maxBytes(20).weightedBytes(21).build();

    @Test
    void theRowsPropertiesAreTheFiguresColumnsInOrderAndReadAsTheFigureSays() throws Exception {
        List<String> expected = new ArrayList<>(List.of("name"));
        expected.addAll(StatFigure.columns());
        ConstructorParameters parameters = Arrays.stream(CacheStatsRow.class.getConstructors())
            .map(c -> c.getAnnotation(ConstructorParameters.class)).filter(p -> p != null).findFirst().orElseThrow();
        assertEquals(expected, List.of(parameters.value()), "@ConstructorParameters of CacheStatsRow");
        assertEquals(expected, Arrays.stream(CacheStatsRow.class.getDeclaredFields()).map(f -> f.getName())
            .collect(Collectors.toList()), "the fields of CacheStatsRow");
        List<String> getters = Arrays.stream(CacheStatsRow.class.getMethods())
            .filter(m -> m.getName().startsWith("get") && m.getDeclaringClass() == CacheStatsRow.class)
            .map(m -> Introspector.decapitalize(m.getName().substring(3))).sorted().collect(Collectors.toList());
        assertEquals(expected.stream().sorted().collect(Collectors.toList()), getters, "the getters of CacheStatsRow");

        CacheStatsRow row = CacheStatsRow.of("sessions", DISTINCT);
        assertEquals("sessions", row.getName());
        for (StatFigure figure : StatFigure.values()) {
            if (figure.column().isPresent()) {
                Method getter = CacheStatsRow.class.getMethod("get" + capitalized(figure.column().get()));
                assertEquals(figure.read(DISTINCT).longValue(), ((Number) getter.invoke(row)).longValue(), figure.name());
            }
        }
    }

    @Test
    void theCacheMBeansAttributesAreTheFiguresDescribedAndReadAsTheFigureSays() throws Exception {
        List<String> expected = new ArrayList<>(List.of("Name", "StatisticsEnabled"));
        expected.addAll(attributes());
        expected.addAll(REPLICATION);
        List<String> declared = Arrays.stream(CacheMXBean.class.getMethods())
            .filter(m -> m.getParameterCount() == 0 && (m.getName().startsWith("get") || m.getName().startsWith("is")))
            .map(m -> m.getName().substring(m.getName().startsWith("is") ? 2 : 3)).sorted().collect(Collectors.toList());
        assertEquals(expected.stream().sorted().collect(Collectors.toList()), declared, "the attributes of CacheMXBean");

        Map<String, String> descriptions = new TreeMap<>();
        MBeanInfo info = new DescribedMXBean<>(new CacheView(null, ReplicationStatuses.NONE), CacheMXBean.class, "test", "cache 'x'").getMBeanInfo();
        for (MBeanAttributeInfo attribute : info.getAttributes()) {
            descriptions.put(attribute.getName(), attribute.getDescription());
        }
        for (StatFigure figure : StatFigure.values()) {
            assertEquals(figure.description(), descriptions.get(figure.attribute()), figure.name());
        }
        Set<String> distinct = new HashSet<>();
        for (String attribute : REPLICATION) {
            Method getter = CacheMXBean.class.getMethod("get" + attribute);
            assertEquals(getter.getAnnotation(Description.class).value(), descriptions.get(attribute), attribute);
            assertTrue(distinct.add(descriptions.get(attribute)), attribute + " shares its description");
        }
    }

    @Test
    void eachAttributeOfTheCacheMBeanReadsItsFigure() throws Exception {
        CacheView view = new CacheView(new CacheAdmin(showing(DISTINCT), Reloader.NO_STORES),
            ReplicationStatuses.NONE);
        Set<Long> shown = new HashSet<>();
        for (StatFigure figure : StatFigure.values()) {
            Method getter = CacheMXBean.class.getMethod("get" + figure.attribute());
            Number value = (Number) getter.invoke(view);
            assertEquals(figure.read(DISTINCT), value, figure.name());
            assertTrue(shown.add(value.longValue()), "DISTINCT gives " + figure.name() + " the value of another"
                + " figure, so a getter reading the wrong one could pass: " + value);
        }
        assertEquals(19L, view.getMaxEntries());
        assertEquals(20L, view.getMaxBytes());
        assertEquals(21L, view.getWeightedBytes());
        assertEquals(7L, view.getCacheEvictions());
    }

    @Test
    void readmeListsTheFiguresOfTheRowsAndOfTheCacheMBeanInOrder() throws IOException {
        Path readme = Paths.get("..", "README.md");
        assertTrue(Files.isRegularFile(readme), readme.toAbsolutePath().normalize() + " is missing: the tests run"
            + " in the module's directory, one below the project's");
        String text = Files.readString(readme);

        List<String> rows = new ArrayList<>(List.of("name"));
        rows.addAll(StatFigure.columns());
        assertEquals(rows, codeWords(between(text, "| `stats()` |", "\n")), "README's columns of stats()");

        List<String> attributes = new ArrayList<>(List.of("Name", "StatisticsEnabled"));
        attributes.addAll(attributes());
        String paragraphs = text.replaceAll("\\s+", " ");
        assertEquals(attributes, codeWords(between(paragraphs, "Attributes, all read-only:", ". ")),
            "README's attributes of io.lapse:type=Cache");
        assertEquals(REPLICATION, codeWords(between(paragraphs, "also has the replication attributes", ". ")),
            "README's replication attributes of io.lapse:type=Cache");
    }

    /** A cache named {@code x} whose statistics are {@code stats}; it answers nothing else. */
    private static Cache showing(CacheStats stats) {
        return (Cache) Proxy.newProxyInstance(Cache.class.getClassLoader(), new Class<?>[] {Cache.class},
            (p, method, args) -> {
                switch (method.getName()) {
                    case "name": return "x";
                    case "stats": return stats;
                    default: throw new UnsupportedOperationException(method.getName());
                }
            });
    }

    private static List<String> attributes() {
        return Arrays.stream(StatFigure.values()).map(StatFigure::attribute).collect(Collectors.toList());
    }

    /** The text from after the first {@code start} to the next {@code end}. */
    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertTrue(from >= 0, "README.md has no '" + start + "'");
        from += start.length();
        int to = text.indexOf(end, from);
        return text.substring(from, to < 0 ? text.length() : to);
    }

    /** The words in backticks that are plain names ({@code `hits`}), not calls or paths. */
    private static List<String> codeWords(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("`([A-Za-z][A-Za-z0-9]*)`").matcher(text);
        while (m.find()) {
            words.add(m.group(1));
        }
        return words;
    }

    private static String capitalized(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
