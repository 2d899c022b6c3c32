package dev.sluice.internal.store.tables;

import dev.sluice.ColumnType;
import dev.sluice.internal.store.Dialect;
import dev.sluice.spi.StoredTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static dev.sluice.internal.store.Dialect.quote;

/**
 * Typed tables read back, for export: which there are, what the catalog says of one ({@link StoredTable}), and its
 * rows streamed with their values as their catalog types say ({@link StoredValues}). Stateless; each call on the
 * caller's connection and thread.
 */
public final class StoredTables {
    /** Rows the database sends at a time: PostgreSQL streams through a cursor (its connection out of autocommit). */
    private static final int FETCH_SIZE = 1_000;

    private StoredTables() {
    }

    /** The table {@code name} with its provenance columns and its user columns in catalog order; empty when there is none. */
    public static Optional<StoredTable> describe(Connection c, String name) throws SQLException {
        String parent;
        boolean merge;
        try (PreparedStatement st = c.prepareStatement("SELECT parent_table, write_mode FROM typed_tables WHERE table_name = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                parent = rs.getString(1);
                merge = "merge".equals(rs.getString(2));
            }
        }
        List<StoredTable.Column> columns = provenance(parent != null, merge);
        try (PreparedStatement st = c.prepareStatement(
                "SELECT column_name, data_type FROM table_columns WHERE table_name = ? ORDER BY position")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Column col = Column.of(rs.getString(1), rs.getString(2), false);
                    columns.add(new StoredTable.Column(col.name(), col.type(), col.precision(), col.scale(), false));
                }
            }
        }
        return Optional.of(new StoredTable(name, parent, columns));
    }

    /**
     * The provenance columns {@link TypedTables} makes every table start with, its key first: {@code _request} and
     * {@code _row}, then a top-level table's {@code _url} and {@code _fetched_at} (and {@code _root} when merged), or a
     * child table's {@code _parent_row} and {@code _idx}; a merged child table is keyed by {@code _root} in place of
     * {@code _request}.
     */
    private static List<StoredTable.Column> provenance(boolean child, boolean merge) {
        List<StoredTable.Column> columns = new ArrayList<>();
        columns.add(child && merge ? provenance("_root", ColumnType.TEXT) : provenance("_request", ColumnType.TEXT));
        columns.add(provenance("_row", ColumnType.BIGINT));
        if (child) {
            columns.add(provenance("_parent_row", ColumnType.BIGINT));
            columns.add(provenance("_idx", ColumnType.BIGINT));
        } else {
            columns.add(provenance("_url", ColumnType.TEXT));
            columns.add(provenance("_fetched_at", ColumnType.TIMESTAMP));
            if (merge) {
                columns.add(provenance("_root", ColumnType.TEXT));
            }
        }
        return columns;
    }

    private static StoredTable.Column provenance(String name, ColumnType type) {
        return new StoredTable.Column(name, type, 0, 0, true);
    }

    /**
     * Streams the table's rows in key order (its first two columns) to {@code sink}, each a new array of its values (see
     * {@link StoredValues}).
     */
    public static void scan(Connection c, Dialect dialect, StoredTable table, Consumer<Object[]> sink) throws SQLException {
        List<StoredTable.Column> columns = table.columns();
        String sql = "SELECT " + String.join(", ", columns.stream().map(col -> quote(col.name())).toList())
                + " FROM " + quote(table.name()) + " ORDER BY " + columns.get(0).name() + ", " + columns.get(1).name();
        StoredValues values = new StoredValues(dialect);
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setFetchSize(FETCH_SIZE);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Object[] row = new Object[columns.size()];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = values.read(rs, i + 1, columns.get(i));
                    }
                    sink.accept(row);
                }
            }
        }
    }
}
