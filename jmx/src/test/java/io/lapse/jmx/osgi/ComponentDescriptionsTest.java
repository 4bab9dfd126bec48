package io.lapse.jmx.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The component descriptions bnd writes into the bundle: every component lives in this package,
 * under the name, services, properties and references it has always had, since a name is a
 * configuration PID and a reference name a {@code .target} property's prefix.
 */
class ComponentDescriptionsTest {

    @Test
    void everyComponentIsHereUnderItsOldNameWithItsServicesPropertiesAndReferences() throws Exception {
        Map<String, String> described = new TreeMap<>();
        for (Element component : components()) {
            described.put(component.getAttribute("name"), describe(component));
        }
        Map<String, String> expected = new TreeMap<>();
        expected.put("io.lapse.jmx.JmxExporter", "class io.lapse.jmx.osgi.JmxExporterComponent; immediate;"
            + " services []; properties {}; references [Cache io.lapse.cache.Cache 0..n dynamic,"
            + " Server javax.management.MBeanServer 0..n dynamic, reloader io.lapse.jmx.admin.Reloader 1..1 static,"
            + " replication io.lapse.jmx.admin.ReplicationStatuses 1..1 static]");
        expected.put("io.lapse.jmx.admin.ReplicationDirectory", "class io.lapse.jmx.osgi.ReplicationDirectoryComponent;"
            + " delayed; services [io.lapse.jmx.admin.ReplicationStatuses]; properties {};"
            + " references [Status io.lapse.cache.replication.ReplicationStatus 0..n dynamic]");
        expected.put("io.lapse.jmx.admin.StoreDirectory", "class io.lapse.jmx.osgi.StoreDirectoryComponent;"
            + " delayed; services [io.lapse.jmx.admin.Reloader]; properties {};"
            + " references [Store io.lapse.cache.CacheStore 0..n dynamic]");
        expected.put("io.lapse.jmx.shell.CacheCommands", "class io.lapse.jmx.osgi.CacheCommandsComponent;"
            + " delayed; services [io.lapse.jmx.shell.CacheCommands];"
            + " properties {osgi.command.function=[list, get, set, seti, delete, dump, stats, reload, reset, rm,"
            + " cluster, keys, group], osgi.command.scope=[cache]};"
            + " references [caches io.lapse.cache.CacheService 1..1 static, reloader io.lapse.jmx.admin.Reloader 1..1 static,"
            + " replication io.lapse.jmx.admin.ReplicationStatuses 1..1 static]");
        assertEquals(expected, described);
    }

    /** The descriptions bnd generated, in target/classes/OSGI-INF (the build runs bnd before the tests). */
    private static List<Element> components() throws Exception {
        Path dir = Paths.get("target", "classes", "OSGI-INF");
        assertTrue(Files.isDirectory(dir), dir.toAbsolutePath() + " is missing: run the tests through Maven");
        List<Element> all = new ArrayList<>();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path xml : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".xml")).sorted()::iterator) {
                try (InputStream in = Files.newInputStream(xml)) {
                    Document doc = factory.newDocumentBuilder().parse(in);
                    all.add(doc.getDocumentElement());
                }
            }
        }
        return all;
    }

    private static String describe(Element component) {
        List<String> services = new ArrayList<>();
        for (Element e : children(component, "provide")) {
            services.add(e.getAttribute("interface"));
        }
        Map<String, List<String>> properties = new TreeMap<>();
        for (Element e : children(component, "property")) {
            String value = e.hasAttribute("value") ? e.getAttribute("value") : e.getTextContent().strip();
            properties.put(e.getAttribute("name"), List.of(value.split("\\s*\\n\\s*")));
        }
        List<String> references = new ArrayList<>();
        for (Element e : children(component, "reference")) {
            references.add(e.getAttribute("name") + " " + e.getAttribute("interface") + " "
                + (e.hasAttribute("cardinality") ? e.getAttribute("cardinality") : "1..1") + " "
                + (e.hasAttribute("policy") ? e.getAttribute("policy") : "static"));
        }
        return "class " + children(component, "implementation").get(0).getAttribute("class")
            + ("true".equals(component.getAttribute("immediate")) ? "; immediate" : "; delayed") + "; services " + services
            + "; properties " + properties + "; references " + references;
    }

    private static List<Element> children(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        List<Element> found = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            found.add((Element) nodes.item(i));
        }
        return found;
    }
}
