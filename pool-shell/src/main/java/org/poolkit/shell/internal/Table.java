package org.poolkit.shell.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of text printed as left-aligned columns, each as wide as its widest cell, separated by two spaces. Not
 * thread-safe: one command fills and prints it.
 */
final class Table {

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... headers) {
        columns = headers.length;
        rows.add(headers);
    }

    /** @param cells one value per column, printed with {@code String.valueOf} */
    Table row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("a row of " + columns + " columns has " + cells.length + " cells");
        }
        String[] row = new String[columns];
        for (int i = 0; i < columns; i++) {
            row[i] = String.valueOf(cells[i]);
        }
        rows.add(row);
        return this;
    }

    void print(PrintStream out) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.println(line);
        }
    }
}
