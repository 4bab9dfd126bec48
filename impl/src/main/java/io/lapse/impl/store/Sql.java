package io.lapse.impl.store;

/**
 * The statements of a store, built once from its settings. Table and column names are checked
 * identifiers ({@link StoreSettings}); every value is a parameter. Rows are written in htable's
 * flat form: one row per entry, {@code key_type} 0.
 */
final class Sql {

    final String select;
    final String deleteAll;
    final String deleteExpired;
    final String deleteArrays;
    final String insert;
    final String update;
    final String deleteKey;

    Sql(StoreSettings s) {
        String expires = s.loadExpires ? ", " + s.expires : "";
        if (s.packsColumns()) {
            select = "SELECT " + String.join(", ", s.cols) + expires + " FROM " + s.table;
        } else {
            select = "SELECT " + s.keyName + ", " + s.keyType + ", " + s.valueType + ", " + s.keyValue + expires
                + " FROM " + s.table;
        }
        deleteAll = "DELETE FROM " + s.table;
        deleteExpired = "DELETE FROM " + s.table + " WHERE " + s.expires + " > 0 AND " + s.expires + " <= ?";
        deleteArrays = "DELETE FROM " + s.table + " WHERE " + s.keyType + " = 1";
        insert = "INSERT INTO " + s.table + " (" + s.keyName + ", " + s.keyType + ", " + s.valueType + ", " + s.keyValue
            + expires + ") VALUES (?, 0, ?, ?" + (s.loadExpires ? ", ?" : "") + ")";
        update = "UPDATE " + s.table + " SET " + s.valueType + " = ?, " + s.keyValue + " = ?"
            + (s.loadExpires ? ", " + s.expires + " = ?" : "") + " WHERE " + s.keyName + " = ? AND " + s.keyType + " = 0";
        deleteKey = "DELETE FROM " + s.table + " WHERE " + s.keyName + " = ? AND " + s.keyType + " = 0";
    }
}
