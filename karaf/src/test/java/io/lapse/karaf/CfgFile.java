package io.lapse.karaf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Karaf {@code .cfg} or {@code .properties} file (Java properties syntax: an entry continues on
 * the next line after a trailing backslash), edited line by line so that its comments and other
 * entries stay as they are. Not thread-safe.
 */
final class CfgFile {

    private final Path file;
    private final List<String> lines;

    CfgFile(Path file) throws IOException {
        this.file = file;
        this.lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** Replaces the entry {@code key} (all its lines) with {@code key = value} at the end, or adds it there. */
    CfgFile set(String key, String value) {
        List<String> kept = new ArrayList<>();
        boolean continued = false;
        boolean dropping = false;
        for (String line : lines) {
            String starts = continued ? null : keyOf(line);
            if (!continued) {
                dropping = key.equals(starts);
            }
            if (!dropping) {
                kept.add(line);
            }
            continued = (continued || starts != null) && endsWithContinuation(line);
        }
        kept.add(key + " = " + value);
        lines.clear();
        lines.addAll(kept);
        return this;
    }

    /**
     * Adds entries given as whole lines at the end.
     *
     * @throws IllegalStateException if the file already has an entry with one of their keys
     */
    CfgFile append(String... entries) {
        for (String entry : entries) {
            String key = keyOf(entry);
            if (lines.stream().anyMatch(line -> key.equals(keyOf(line)))) {
                throw new IllegalStateException(file + " already has an entry " + key);
            }
            lines.add(entry);
        }
        return this;
    }

    void save() throws IOException {
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** The key of a line that starts an entry, or {@code null} for a comment or a blank line. */
    private static String keyOf(String line) {
        String trimmed = line.trim();
        if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
            return null;
        }
        int end = 0;
        while (end < trimmed.length()) {
            char c = trimmed.charAt(end);
            if (c == '=' || c == ':' || Character.isWhitespace(c)) {
                break;
            }
            end += c == '\\' ? 2 : 1;
        }
        return trimmed.substring(0, Math.min(end, trimmed.length()));
    }

    private static boolean endsWithContinuation(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }
}
