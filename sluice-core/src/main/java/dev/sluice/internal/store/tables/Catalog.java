package dev.sluice.internal.store.tables;

import dev.sluice.internal.store.Dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the schema catalog ({@code typed_tables}, {@code table_columns}) says of one typed table and its child tables:
 * which exist, and their user columns in order. Immutable: a change makes a new catalog, which the writer keeps only
 * once the transaction that made the change has committed.
 */
final class Catalog {
    /** Each table's parent, null for the top-level one; in the order they were made. */
    private final Map<String, String> parents;
    /** Each table's columns by name, in order. */
    private final Map<String, Map<String, Column>> columns;

    /**
     * {@link #tables()}, {@link #columns(String)}, {@link #positions} and {@link #parentOf} of its tables, made once: they
     * are asked for once per row. Final fields, filled in the constructor: safe to read from any thread.
     */
    private final List<String> tableList;
    private final Map<String, List<Column>> columnLists = new HashMap<>();
    private final Map<String, Map<String, Integer>> columnPositions = new HashMap<>();
    private final Map<String, String> parentsByName = new HashMap<>();

    private Catalog(Map<String, String> parents, Map<String, Map<String, Column>> columns) {
        this.parents = parents;
        this.columns = columns;
        this.tableList = List.copyOf(parents.keySet());
        columns.forEach((table, cs) -> {
            List<Column> list = List.copyOf(cs.values());
            Map<String, Integer> at = new HashMap<>();
            for (int i = 0; i < list.size(); i++) {
                at.put(list.get(i).name(), i);
            }
            columnLists.put(table, list);
            columnPositions.put(table, at);
        });
        for (String table : tableList) {
            parentsByName.put(table, longestParent(table));
        }
    }

    static Catalog empty() {
        return new Catalog(Map.of(), Map.of());
    }

    boolean has(String table) {
        return parents.containsKey(table);
    }

    /** The tables, parents before their children. */
    List<String> tables() {
        return tableList;
    }

    /**
     * A child table's parent: the longest table here whose name and {@code __} begin the child's
     * ({@code docs__items__tags} is {@code docs__items}'s child if there is one, else {@code docs}'s). Null for none.
     */
    String parentOf(String child) {
        return parentsByName.containsKey(child) ? parentsByName.get(child) : longestParent(child);
    }

    private String longestParent(String child) {
        String best = null;
        for (String t : tableList) {
            if (child.startsWith(t + "__") && (best == null || t.length() > best.length())) {
                best = t;
            }
        }
        return best;
    }

    /** The column, or null when the table has none of that name. */
    Column column(String table, String name) {
        Map<String, Column> cs = columns.get(table);
        return cs == null ? null : cs.get(name);
    }

    /** The table's user columns, in order. */
    List<Column> columns(String table) {
        return columnLists.getOrDefault(table, List.of());
    }

    /** Each user column's position in {@link #columns(String)}, by name. */
    Map<String, Integer> positions(String table) {
        return columnPositions.getOrDefault(table, Map.of());
    }

    Catalog withTable(String table, String parent) {
        Map<String, String> ps = new LinkedHashMap<>(parents);
        ps.put(table, parent);
        return new Catalog(Collections.unmodifiableMap(ps), columns);
    }

    /** With {@code column} added to {@code table}, or put in place of the column of its name (a widened type). */
    Catalog withColumn(String table, Column column) {
        Map<String, Map<String, Column>> all = new LinkedHashMap<>(columns);
        Map<String, Column> cs = new LinkedHashMap<>(all.getOrDefault(table, Map.of()));
        cs.put(column.name(), column);
        all.put(table, Collections.unmodifiableMap(cs));
        return new Catalog(parents, Collections.unmodifiableMap(all));
    }

    /** The catalog of table {@code top} and its child tables as the database has it now. */
    static Catalog load(Connection c, String top) throws SQLException {
        Map<String, String> parents = new LinkedHashMap<>();
        String family = "table_name = ? OR table_name LIKE ? ESCAPE '!'";
        String children = top.replace("_", "!_") + "!_!_%";
        try (PreparedStatement st = c.prepareStatement("SELECT table_name, parent_table FROM typed_tables WHERE " + family
                + " ORDER BY created_at, table_name")) {
            st.setString(1, top);
            st.setString(2, children);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    parents.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        Map<String, Map<String, Column>> columns = new LinkedHashMap<>();
        try (PreparedStatement st = c.prepareStatement("SELECT table_name, column_name, data_type, declared FROM table_columns WHERE "
                + family + " ORDER BY table_name, position")) {
            st.setString(1, top);
            st.setString(2, children);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Column col = Column.of(rs.getString(2), rs.getString(3), rs.getBoolean(4));
                    columns.computeIfAbsent(rs.getString(1), t -> new LinkedHashMap<>()).put(col.name(), col);
                }
            }
        }
        Map<String, Map<String, Column>> frozen = new LinkedHashMap<>();
        columns.forEach((t, cs) -> frozen.put(t, Collections.unmodifiableMap(cs)));
        return new Catalog(Collections.unmodifiableMap(parents), Collections.unmodifiableMap(frozen));
    }

    /** Drops table {@code top} and its child tables (children first), with their catalog rows and rejects. */
    static void drop(Connection c, String top) throws SQLException {
        List<String> family = new ArrayList<>(load(c, top).parents.keySet());
        java.util.Collections.reverse(family); // made after their parents: dropped before them
        for (String table : family) {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + Dialect.quote(table));
            }
            for (String catalog : List.of("rejects", "table_columns", "typed_tables")) {
                try (PreparedStatement st = c.prepareStatement("DELETE FROM " + catalog + " WHERE table_name = ?")) {
                    st.setString(1, table);
                    st.executeUpdate();
                }
            }
        }
    }

    /** Records a table made now, for rows written as {@code mode} says (with {@code key}'s columns for merge, else null). */
    static void insertTable(Connection c, Dialect d, String table, String parent, String mode, String key, Instant now)
            throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "INSERT INTO typed_tables (table_name, parent_table, write_mode, primary_key, created_at) VALUES (?, ?, ?, ?, ?)")) {
            st.setString(1, table);
            st.setString(2, parent);
            st.setString(3, mode);
            st.setString(4, key);
            d.time(st, 5, now);
            st.executeUpdate();
        }
    }

    /** How the stored table {@code table} was made to be written: {@code append}, or {@code merge (k1,k2)}; null when it is not. */
    static String writtenAs(Connection c, String table) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT write_mode, primary_key FROM typed_tables WHERE table_name = ?")) {
            st.setString(1, table);
            try (java.sql.ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return rs.getString(2) == null ? rs.getString(1) : rs.getString(1) + " (" + rs.getString(2) + ")";
            }
        }
    }

    /** Records a column added now, after the table's others. */
    static void insertColumn(Connection c, Dialect d, String table, Column col, Instant now) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO table_columns (table_name, column_name, position, data_type, declared, added_at)
                VALUES (?, ?, (SELECT coalesce(max(position), 0) + 1 FROM table_columns WHERE table_name = ?), ?, ?, ?)""")) {
            st.setString(1, table);
            st.setString(2, col.name());
            st.setString(3, table);
            st.setString(4, col.dataType());
            st.setBoolean(5, col.declared());
            d.time(st, 6, now);
            st.executeUpdate();
        }
    }

    /** Records a column's type widened now. */
    static void updateType(Connection c, Dialect d, String table, Column col, Instant now) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "UPDATE table_columns SET data_type = ?, changed_at = ? WHERE table_name = ? AND column_name = ?")) {
            st.setString(1, col.dataType());
            d.time(st, 2, now);
            st.setString(3, table);
            st.setString(4, col.name());
            st.executeUpdate();
        }
    }

    /** Every column of every table, for messages: {@code pages(title text, price double)}. */
    @Override
    public String toString() {
        List<String> out = new ArrayList<>();
        for (String t : parents.keySet()) {
            List<String> cs = new ArrayList<>();
            for (Column col : columns(t)) {
                cs.add(col.name() + " " + col.dataType());
            }
            out.add(t + "(" + String.join(", ", cs) + ")");
        }
        return String.join(" ", out);
    }
}
