package io.lapse.karaf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

/**
 * What runs in Karaf's OSGi framework, read remotely through the OSGi JMX MBeans of Karaf's
 * {@code management} feature ({@code osgi.core:type=bundleState} and {@code type=serviceState},
 * Aries JMX).
 */
final class Framework {

    /** One registered service: its id, its interfaces and the id of the bundle that registered it. */
    static final class Service {
        final long id;
        final List<String> objectClass;
        final long bundle;

        Service(long id, List<String> objectClass, long bundle) {
            this.id = id;
            this.objectClass = objectClass;
            this.bundle = bundle;
        }

        @Override
        public String toString() {
            return "service " + id + " " + objectClass + " of bundle " + bundle;
        }
    }

    private final RemoteJmx jmx;

    Framework(RemoteJmx jmx) {
        this.jmx = jmx;
    }

    /** @return the installed bundles' symbolic names by bundle id */
    Map<Long, String> bundles() throws Exception {
        ObjectName state = one("osgi.core:type=bundleState,*");
        TabularData table = (TabularData) jmx.server().invoke(state, "listBundles",
            new Object[] {new String[] {"Identifier", "SymbolicName"}}, new String[] {String[].class.getName()});
        Map<Long, String> bundles = new LinkedHashMap<>();
        for (CompositeData row : rows(table.values())) {
            bundles.put((Long) row.get("Identifier"), (String) row.get("SymbolicName"));
        }
        return bundles;
    }

    /**
     * @return the state ({@code ACTIVE}, {@code RESOLVED}...) of every installed bundle of this
     *     symbolic name, in the order of their ids: empty if there is none
     */
    List<String> statesOf(String symbolicName) throws Exception {
        ObjectName state = one("osgi.core:type=bundleState,*");
        TabularData table = (TabularData) jmx.server().invoke(state, "listBundles",
            new Object[] {new String[] {"Identifier", "SymbolicName", "State"}}, new String[] {String[].class.getName()});
        return rows(table.values()).stream().filter(row -> symbolicName.equals(row.get("SymbolicName")))
            .sorted(Comparator.comparing(row -> (Long) row.get("Identifier")))
            .map(row -> (String) row.get("State")).collect(Collectors.toList());
    }

    /** @return the ids of the installed bundles whose symbolic name starts with {@code prefix} */
    Set<Long> bundlesNamed(String prefix) throws Exception {
        return bundles().entrySet().stream().filter(e -> e.getValue().startsWith(prefix)).map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    }

    /** @return every registered service */
    List<Service> services() throws Exception {
        ObjectName state = one("osgi.core:type=serviceState,*");
        TabularData table = (TabularData) jmx.server().invoke(state, "listServices", null, null);
        List<Service> services = new ArrayList<>();
        for (CompositeData row : rows(table.values())) {
            services.add(new Service((Long) row.get("Identifier"), Arrays.asList((String[]) row.get("objectClass")),
                (Long) row.get("BundleIdentifier")));
        }
        return services;
    }

    private ObjectName one(String pattern) throws Exception {
        Set<ObjectName> names = jmx.server().queryNames(RemoteJmx.objectName(pattern), null);
        if (names.size() != 1) {
            throw new AssertionError("expected one MBean " + pattern + ", found " + names);
        }
        return names.iterator().next();
    }

    private static List<CompositeData> rows(Collection<?> values) {
        return values.stream().map(CompositeData.class::cast).collect(Collectors.toList());
    }
}
