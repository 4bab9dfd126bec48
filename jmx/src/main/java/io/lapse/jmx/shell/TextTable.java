package io.lapse.jmx.shell;

import java.util.ArrayList;
import java.util.List;

import io.lapse.jmx.admin.CleanErrors;

/**
 * Left-aligned text columns for the shell: each cell padded to the widest cell of its column
 * (up to a cap, past which a cell simply overflows), the last column never padded. Cells are
 * made printable first, so a key holding a line break cannot break a row in two.
 *
 * <p>Not thread-safe: build one per command call.
 */
final class TextTable {

    /** Cells wider than this do not widen their column. */
    private static final int MAX_WIDTH = 40;

    private final List<String[]> rows = new ArrayList<>();

    /**
     * Adds a row.
     *
     * @param cells the row's cells; rows may differ in length
     * @return this table
     */
    TextTable row(Object... cells) {
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = printable(String.valueOf(cells[i]));
        }
        rows.add(text);
        return this;
    }

    /** @return whether no row was added */
    boolean isEmpty() {
        return rows.isEmpty();
    }

    @Override
    public String toString() {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], Math.min(row[i].length(), MAX_WIDTH));
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(row[i]);
                if (i < row.length - 1) {
                    out.append(" ".repeat(Math.max(1, widths[i] - row[i].length() + 2)));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * Writes control characters, and the line and paragraph separators U+2028 and U+2029, as
     * escapes ({@code \n}, {@code \t}, {@code \u0007}, {@code \u2028}...).
     *
     * @param text any text
     * @return the text on one line, with no control character
     */
    static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isISOControl(c) && !CleanErrors.breaksALine(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            switch (c) {
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default: out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out == null ? text : out.toString();
    }
}
