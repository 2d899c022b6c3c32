package dev.sluice;

import java.util.Map;
import java.util.Objects;

/**
 * One row a response yields for a table: its columns' values, keyed to the response by its position. The request,
 * URL and fetch time every row carries are the result's own ({@link RequestResult}), added when it is stored.
 * Immutable.
 *
 * @param table     the table's name ({@code pages}, or a child table's, {@code pages__images})
 * @param row       the row's position among this response's rows of {@code table}, from 0 ({@code _row})
 * @param parentRow for a child table's row, the {@code row} of its parent row in the parent table; -1 for a top-level row
 * @param index     for a child table's row, its position in the parent's list ({@code _idx}); -1 for a top-level row
 * @param values    the columns in order (a {@link java.util.LinkedHashMap}'s), each value of a class {@link ColumnType}
 *                  names, or null
 */
public record TableRow(String table, int row, int parentRow, int index, Map<String, Object> values) {

    public TableRow {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(values, "values");
    }

    /** Whether this is a child table's row. */
    public boolean child() {
        return parentRow >= 0;
    }

    /** A JSON value kept whole (nested deeper than {@code --max-nesting}, or a {@code json} column): its text. */
    public record Json(String text) {
        public Json {
            Objects.requireNonNull(text, "text");
        }
    }
}
