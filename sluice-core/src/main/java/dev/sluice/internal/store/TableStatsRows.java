package dev.sluice.internal.store;

import dev.sluice.TableSpec;
import dev.sluice.spi.Store.ColumnStats;
import dev.sluice.spi.Store.TableStats;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what the typed tables hold (those a replace job is making left out): the catalog, one pass over each table counting its rows and each column's
 * values, and the rejects by table and column. A table's pass reads all of it: for status and reports, not for a run.
 */
final class TableStatsRows {
    private TableStatsRows() {
    }

    static List<TableStats> read(Connection c) throws SQLException {
        Map<String, String> parents = new LinkedHashMap<>();
        // not the staged tables of a replace job still at work: what it will put in place is not there yet
        try (PreparedStatement st = c.prepareStatement("SELECT table_name, parent_table FROM typed_tables WHERE table_name NOT LIKE '"
                + TableSpec.STAGED.replace("_", "!_") + "%' ESCAPE '!' ORDER BY created_at, table_name");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                parents.put(rs.getString(1), rs.getString(2));
            }
        }
        Map<String, List<String[]>> columns = new HashMap<>(); // table -> (name, data_type, declared)
        try (PreparedStatement st = c.prepareStatement(
                "SELECT table_name, column_name, data_type, CASE WHEN declared THEN 1 ELSE 0 END FROM table_columns ORDER BY table_name, position");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                columns.computeIfAbsent(rs.getString(1), t -> new ArrayList<>())
                        .add(new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
            }
        }
        Map<String, Long> rejects = new HashMap<>(); // "table" and "table.column" -> count
        try (PreparedStatement st = c.prepareStatement("SELECT table_name, column_name, count(*) FROM rejects GROUP BY table_name, column_name");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                rejects.merge(rs.getString(1), rs.getLong(3), Long::sum);
                if (rs.getString(2) != null) {
                    rejects.put(rs.getString(1) + "." + rs.getString(2), rs.getLong(3));
                }
            }
        }
        List<TableStats> out = new ArrayList<>();
        for (Map.Entry<String, String> t : parents.entrySet()) {
            List<String[]> cols = columns.getOrDefault(t.getKey(), List.of());
            StringBuilder sql = new StringBuilder("SELECT count(*)");
            for (String[] col : cols) {
                sql.append(", count(").append(Dialect.quote(col[0])).append(')');
            }
            sql.append(" FROM ").append(Dialect.quote(t.getKey()));
            try (PreparedStatement st = c.prepareStatement(sql.toString()); ResultSet rs = st.executeQuery()) {
                rs.next();
                List<ColumnStats> stats = new ArrayList<>(cols.size());
                for (int i = 0; i < cols.size(); i++) {
                    String[] col = cols.get(i);
                    stats.add(new ColumnStats(col[0], col[1], "1".equals(col[2]), rs.getLong(i + 2),
                            rejects.getOrDefault(t.getKey() + "." + col[0], 0L)));
                }
                out.add(new TableStats(t.getKey(), t.getValue(), rs.getLong(1), stats, rejects.getOrDefault(t.getKey(), 0L)));
            }
        }
        return out;
    }
}
