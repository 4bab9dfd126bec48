package io.lapse.impl.osgi;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a cache's configuration says about its backing level ({@code level}, {@code level_path}):
 * immutable and checked.
 */
final class LevelSettings {

    /** {@code level} for the embedded file level. */
    static final String FILE = "file";
    /** The folder of the bundle's data area that holds the files of levels given no path. */
    static final String DEFAULT_FOLDER = "lapse-levels";

    /** The file, or {@code null} for the default file in the bundle's data area. */
    final Path path;

    private LevelSettings(Path path) {
        this.path = path;
    }

    /**
     * Reads {@code level} and {@code level_path}.
     *
     * @param level the value of {@code level}, or {@code null} if unset or empty
     * @param levelPath the value of {@code level_path}, or {@code null} if unset or empty
     * @return the settings, or {@code null} for a cache without a level
     * @throws IllegalArgumentException naming the property and value that is not acceptable
     */
    static LevelSettings parse(String level, String levelPath) {
        if (level == null) {
            if (levelPath != null) {
                throw new IllegalArgumentException("property 'level_path' = '" + levelPath + "' is set but 'level' is "
                    + "not: set level = file, or remove level_path");
            }
            return null;
        }
        if (!FILE.equals(level)) {
            throw new IllegalArgumentException("property 'level' = '" + level + "' is not a level: use file (an "
                + "embedded MVStore file), or leave it empty for none");
        }
        if (levelPath == null) {
            return new LevelSettings(null);
        }
        try {
            return new LevelSettings(Path.of(levelPath));
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("property 'level_path' = '" + levelPath + "' is not a path: "
                + e.getMessage());
        }
    }

    /**
     * The file of a cache's level.
     *
     * @param dataArea the bundle's data area, or {@code null} if the framework has none
     * @param cache the cache's name, for the default file
     * @return the file
     * @throws IllegalStateException if no path was given and there is no data area
     */
    Path file(Path dataArea, String cache) {
        if (path != null) {
            return path;
        }
        if (dataArea == null) {
            throw new IllegalStateException("cache '" + cache + "': level = file without level_path needs the "
                + "bundle's data area, which this framework does not give; set level_path");
        }
        return dataArea.resolve(DEFAULT_FOLDER).resolve(cache + ".mv");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LevelSettings && Objects.equals(((LevelSettings) o).path, path);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(path);
    }

    @Override
    public String toString() {
        return "level file" + (path == null ? " (in the data area)" : " " + path);
    }
}
