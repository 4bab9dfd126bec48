package io.lapse.impl.osgi;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

import io.lapse.impl.store.StoreSettings;

/**
 * What a cache's configuration says about its backing level ({@code level}, {@code level_path}, and
 * for a table level the store properties): immutable and checked.
 */
final class LevelSettings {

    /** {@code level} for the embedded file level. */
    static final String FILE = "file";
    /** {@code level} for a table in htable's layout ({@code dbtable} and its database). */
    static final String TABLE = "table";
    /** The folder of the bundle's data area that holds the files of levels given no path. */
    static final String DEFAULT_FOLDER = "lapse-levels";

    /** The file, or {@code null} for the default file in the bundle's data area, or for a table level. */
    final Path path;
    /** A table level's database, or {@code null} for a file level. */
    final DatabaseSettings database;
    /** A table level's table and columns, or {@code null} for a file level. */
    final StoreSettings table;

    private LevelSettings(Path path, DatabaseSettings database, StoreSettings table) {
        this.path = path;
        this.database = database;
        this.table = table;
    }

    /**
     * A table level.
     *
     * @param database the database of {@code dbtable}
     * @param table the table, with deadlines saved
     * @return the settings
     */
    static LevelSettings table(DatabaseSettings database, StoreSettings table) {
        return new LevelSettings(null, database, table);
    }

    /** @return whether this is a table level */
    boolean isTable() {
        return table != null;
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
                + "embedded MVStore file) or table (dbtable in its database), or leave it empty for none");
        }
        if (levelPath == null) {
            return new LevelSettings(null, null, null);
        }
        try {
            return new LevelSettings(Path.of(levelPath), null, null);
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
        if (!(o instanceof LevelSettings)) {
            return false;
        }
        LevelSettings l = (LevelSettings) o;
        return Objects.equals(l.path, path) && Objects.equals(l.database, database) && Objects.equals(l.table, table);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, database, table);
    }

    @Override
    public String toString() {
        if (table != null) {
            return "level table " + table.table() + " in " + database.describe();
        }
        return "level file" + (path == null ? " (in the data area)" : " " + path);
    }
}
