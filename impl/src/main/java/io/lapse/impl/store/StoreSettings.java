package io.lapse.impl.store;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a cache's configuration says about its table, after Kamailio htable: the table, its
 * columns, how rows are read and when the cache writes back. Immutable and checked: table and
 * column names are plain SQL identifiers, so the statements built from them can hold nothing else.
 */
public final class StoreSettings {

    /** htable's default column names, and the default of the other settings. */
    public static final String KEY_NAME = "key_name";
    public static final String KEY_TYPE = "key_type";
    public static final String VALUE_TYPE = "value_type";
    public static final String KEY_VALUE = "key_value";
    public static final String EXPIRES = "expires";
    public static final String ARRAY_SIZE_SUFFIX = "::size";
    public static final int FETCH_ROWS = 1000;
    public static final int MAX_FETCH_ROWS = 1_000_000;

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern TABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_]{0,62}");

    final String table;
    final String keyName;
    final String keyType;
    final String valueType;
    final String keyValue;
    final String expires;
    /** htable's {@code cols}: the key column, then the value columns packed into one value; empty if unused. */
    final List<String> cols;
    final int fetchRows;
    final boolean loadExpires;
    final String arraySizeSuffix;
    final WriteMode mode;

    /**
     * Creates settings; each argument is checked under the property name it comes from.
     *
     * @param table {@code dbtable}: a table, optionally {@code schema.table}
     * @param keyName {@code key_name_column}
     * @param keyType {@code key_type_column}
     * @param valueType {@code value_type_column}
     * @param keyValue {@code key_value_column}
     * @param expires {@code expires_column}
     * @param cols {@code cols}: empty, or a key column and at least one value column
     * @param fetchRows {@code fetch_rows}: 1 to {@value #MAX_FETCH_ROWS}
     * @param loadExpires {@code db_expires}: whether deadlines are loaded and saved
     * @param arraySizeSuffix {@code array_size_suffix}, not empty
     * @param mode {@code dbmode}
     * @throws IllegalArgumentException naming the property and value that is not acceptable
     */
    public StoreSettings(String table, String keyName, String keyType, String valueType, String keyValue,
        String expires, List<String> cols, int fetchRows, boolean loadExpires, String arraySizeSuffix, WriteMode mode) {
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("property 'dbtable' = '" + table + "' is not a table name: use letters, "
                + "digits and '_' (at most 63), optionally after a schema name and a dot");
        }
        this.table = table;
        this.keyName = column("key_name_column", keyName);
        this.keyType = column("key_type_column", keyType);
        this.valueType = column("value_type_column", valueType);
        this.keyValue = column("key_value_column", keyValue);
        this.expires = column("expires_column", expires);
        if (cols.size() == 1) {
            throw new IllegalArgumentException("property 'cols' = '" + cols.get(0) + "' names one column: name the key "
                + "column, then at least one value column");
        }
        for (String c : cols) {
            column("cols", c);
        }
        this.cols = List.copyOf(cols);
        if (fetchRows < 1 || fetchRows > MAX_FETCH_ROWS) {
            throw new IllegalArgumentException("property 'fetch_rows' = " + fetchRows + " is outside 1.." + MAX_FETCH_ROWS);
        }
        this.fetchRows = fetchRows;
        this.loadExpires = loadExpires;
        if (arraySizeSuffix.isEmpty()) {
            throw new IllegalArgumentException("property 'array_size_suffix' is empty");
        }
        this.arraySizeSuffix = arraySizeSuffix;
        if (mode == WriteMode.WRITE_THROUGH && !loadExpires) {
            // Without saved deadlines every expiry would have to delete its row, under the slot
            // lock and with nothing to do if that failed; an expired entry could then come back.
            throw new IllegalArgumentException("property 'dbmode' = 'write-through' needs 'db_expires' = true: the "
                + "table must keep each entry's deadline, or entries that expired would come back at the next load");
        }
        this.mode = mode;
    }

    private static String column(String property, String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("property '" + property + "' = '" + name + "' is not a column name: use "
                + "letters, digits and '_' (at most 63), not starting with a digit");
        }
        return name;
    }

    /**
     * Returns settings with htable's defaults for everything but the table and the mode.
     *
     * @param table the table
     * @param mode the write mode
     * @param loadExpires whether deadlines are loaded and saved
     * @return the settings
     */
    public static StoreSettings defaults(String table, WriteMode mode, boolean loadExpires) {
        return new StoreSettings(table, KEY_NAME, KEY_TYPE, VALUE_TYPE, KEY_VALUE, EXPIRES, List.of(), FETCH_ROWS,
            loadExpires, ARRAY_SIZE_SUFFIX, mode);
    }

    /** @return the table */
    public String table() {
        return table;
    }

    /** @return the write mode */
    public WriteMode mode() {
        return mode;
    }

    /** @return whether several value columns are packed into one value ({@code cols}) */
    public boolean packsColumns() {
        return !cols.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StoreSettings)) {
            return false;
        }
        StoreSettings s = (StoreSettings) o;
        return table.equals(s.table) && keyName.equals(s.keyName) && keyType.equals(s.keyType)
            && valueType.equals(s.valueType) && keyValue.equals(s.keyValue) && expires.equals(s.expires)
            && cols.equals(s.cols) && fetchRows == s.fetchRows && loadExpires == s.loadExpires
            && arraySizeSuffix.equals(s.arraySizeSuffix) && mode == s.mode;
    }

    @Override
    public int hashCode() {
        return Objects.hash(table, keyName, keyType, valueType, keyValue, expires, cols, fetchRows, loadExpires,
            arraySizeSuffix, mode);
    }

    @Override
    public String toString() {
        return "table " + table + ", dbmode " + mode + (loadExpires ? ", deadlines saved" : "")
            + (cols.isEmpty() ? "" : ", cols " + String.join(",", cols));
    }
}
