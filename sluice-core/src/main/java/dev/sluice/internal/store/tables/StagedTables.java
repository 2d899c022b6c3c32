package dev.sluice.internal.store.tables;

import dev.sluice.TableSpec;
import dev.sluice.internal.store.Dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.sluice.internal.store.Dialect.quote;

/**
 * A replace job's staged tables ({@code _staged_pages} and its child tables, {@code _staged_pages__images}): when
 * they were begun, and their taking the place of their namesakes ({@code pages}, {@code pages__images}) in one
 * transaction: the old tables are dropped with their catalog rows and rejects, the staged ones renamed with their
 * indexes, catalog rows and rejects. Readers of the database see the old tables, whole, until that commits, then the
 * new ones. Stateless; on the writer's connection.
 */
public final class StagedTables {
    private StagedTables() {
    }

    /** When the staged table {@code staged} was made (its job began), or null when there is none. */
    public static Instant begun(Connection c, Dialect d, String staged) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT created_at FROM typed_tables WHERE table_name = ?")) {
            st.setString(1, staged);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? d.time(rs, 1) : null;
            }
        }
    }

    /**
     * Puts the staged table {@code staged} and its child tables in place of their namesakes, inside the caller's
     * transaction; returns false when there is nothing staged (already put in place).
     */
    public static boolean putInPlace(Connection c, Dialect d, String staged) throws SQLException {
        if (!staged.startsWith(TableSpec.STAGED)) {
            throw new IllegalArgumentException("not a staged table: " + staged);
        }
        d.lockSchemas(c);
        Catalog family = Catalog.load(c, staged);
        if (!family.has(staged)) {
            return false;
        }
        String live = staged.substring(TableSpec.STAGED.length());
        if (d == Dialect.POSTGRES) {
            lockParentsFirst(c, Catalog.load(c, live), family);
        }
        Catalog.drop(c, live);
        Map<String, String> names = new LinkedHashMap<>();
        for (String table : family.tables()) {
            names.put(table, live + table.substring(staged.length())); // a child's suffix is its fields' path
        }
        for (Map.Entry<String, String> name : names.entrySet()) {
            rename(c, d, name.getKey(), name.getValue());
            recatalog(c, name.getKey(), name.getValue(), names);
        }
        return true;
    }

    /**
     * Locks every table of both families at once, parents before their children: readers take their locks as they go,
     * most often parent first, so a swap that dropped a child first and then waited for its parent could deadlock with
     * a reader holding the parent and waiting for the child.
     */
    private static void lockParentsFirst(Connection c, Catalog live, Catalog staged) throws SQLException {
        List<String> tables = new ArrayList<>();
        for (String table : live.tables()) {
            tables.add(quote(table));
        }
        for (String table : staged.tables()) {
            tables.add(quote(table));
        }
        try (Statement st = c.createStatement()) {
            st.execute("LOCK TABLE " + String.join(", ", tables) + " IN ACCESS EXCLUSIVE MODE");
        }
    }

    private static void rename(Connection c, Dialect d, String from, String to) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("ALTER TABLE " + quote(from) + " RENAME TO " + quote(to));
        }
        // Its indexes keep their names; a later job would make the staged ones again under the same names.
        if (d == Dialect.POSTGRES) {
            for (String index : names(c, "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ?", to)) {
                if (index.startsWith(from)) {
                    try (Statement st = c.createStatement()) {
                        st.execute("ALTER INDEX " + quote(index) + " RENAME TO " + quote(to + index.substring(from.length())));
                    }
                }
            }
        } else {
            // SQLite renames its own (sqlite_autoindex_…) with the table, and cannot rename the others: made again
            List<String[]> made = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")) {
                st.setString(1, to);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        made.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
            }
            for (String[] index : made) {
                if (index[0].startsWith(from)) {
                    String renamed = to + index[0].substring(from.length());
                    try (Statement st = c.createStatement()) {
                        st.execute("DROP INDEX " + quote(index[0]));
                        st.execute(index[1].replace(quote(index[0]), quote(renamed)));
                    }
                }
            }
        }
    }

    private static List<String> names(Connection c, String sql, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, table);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    /** The catalog's rows and the rejects of table {@code from}, now named {@code to}. */
    private static void recatalog(Connection c, String from, String to, Map<String, String> names) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE typed_tables SET table_name = ?, parent_table = ? WHERE table_name = ?")) {
            st.setString(1, to);
            st.setString(2, parentOf(c, from, names));
            st.setString(3, from);
            st.executeUpdate();
        }
        for (String catalog : List.of("table_columns", "rejects")) {
            try (PreparedStatement st = c.prepareStatement("UPDATE " + catalog + " SET table_name = ? WHERE table_name = ?")) {
                st.setString(1, to);
                st.setString(2, from);
                st.executeUpdate();
            }
        }
    }

    private static String parentOf(Connection c, String table, Map<String, String> names) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT parent_table FROM typed_tables WHERE table_name = ?")) {
            st.setString(1, table);
            try (ResultSet rs = st.executeQuery()) {
                String parent = rs.next() ? rs.getString(1) : null;
                return parent == null ? null : names.get(parent);
            }
        }
    }
}
