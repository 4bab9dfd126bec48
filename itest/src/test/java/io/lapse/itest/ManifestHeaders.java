package io.lapse.itest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Parses OSGi manifest headers such as {@code Export-Package} and {@code Import-Package}.
 *
 * <p>A header is a comma-separated list of clauses; a clause is one or more paths followed by
 * {@code name=value} attributes and {@code name:=value} directives, separated by semicolons.
 * Values may be quoted, and quoted values may contain commas and semicolons (e.g.
 * {@code uses:="a,b"} or {@code version="[1.0,2)"}). A typed attribute ({@code version:Version=1})
 * is stored under its bare name. This is the subset of the OSGi header grammar that bnd and the
 * Felix bundles emit; it is not a validating parser.
 */
final class ManifestHeaders {

    private ManifestHeaders() {
    }

    /**
     * One clause of a header, for each of its paths.
     *
     * @param path the path (package name, file name, ...)
     * @param attributes the attributes, unquoted, in header order
     * @param directives the directives, unquoted, in header order
     */
    record Clause(String path, Map<String, String> attributes, Map<String, String> directives) {

        /**
         * Returns an attribute.
         *
         * @param name the attribute name
         * @return its value, or {@code null} if the clause has none
         */
        String attribute(String name) {
            return attributes.get(name);
        }
    }

    /**
     * Reads the main attributes of a jar's manifest.
     *
     * @param jar the jar
     * @return the manifest
     * @throws IOException if the jar cannot be read
     * @throws IllegalStateException if the jar has no manifest
     */
    static Manifest manifest(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                throw new IllegalStateException(jar + " has no META-INF/MANIFEST.MF");
            }
            return manifest;
        }
    }

    /**
     * Parses a header value into clauses, one per path.
     *
     * @param header the header value; {@code null} or blank gives an empty list
     * @return the clauses in header order
     */
    static List<Clause> parse(String header) {
        if (header == null || header.isBlank()) {
            return List.of();
        }
        List<Clause> clauses = new ArrayList<>();
        for (String clause : split(header, ',')) {
            if (clause.isBlank()) {
                continue;
            }
            List<String> paths = new ArrayList<>();
            Map<String, String> attributes = new LinkedHashMap<>();
            Map<String, String> directives = new LinkedHashMap<>();
            for (String part : split(clause, ';')) {
                String p = part.trim();
                int directive = p.indexOf(":=");
                int equals = p.indexOf('=');
                if (directive >= 0 && directive < equals) {
                    directives.put(p.substring(0, directive).trim(), unquote(p.substring(directive + 2)));
                } else if (equals >= 0) {
                    String name = p.substring(0, equals).trim();
                    int type = name.indexOf(':'); // a typed attribute, e.g. version:Version
                    attributes.put(type >= 0 ? name.substring(0, type).trim() : name, unquote(p.substring(equals + 1)));
                } else if (!p.isEmpty()) {
                    paths.add(p);
                }
            }
            for (String path : paths) {
                clauses.add(new Clause(path, Collections.unmodifiableMap(attributes),
                    Collections.unmodifiableMap(directives)));
            }
        }
        return clauses;
    }

    /**
     * Finds the clause of one path.
     *
     * @param header the header value, may be {@code null}
     * @param path the path to find
     * @return the first clause for {@code path}, or {@code null} if there is none
     */
    static Clause find(String header, String path) {
        Objects.requireNonNull(path, "path");
        return parse(header).stream().filter(c -> c.path().equals(path)).findFirst().orElse(null);
    }

    /** Splits on a separator that is outside double quotes. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unquote(String value) {
        String v = value.trim();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
