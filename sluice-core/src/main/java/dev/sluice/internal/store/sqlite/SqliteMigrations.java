package dev.sluice.internal.store.sqlite;

import dev.sluice.internal.store.LegacyRequestIds;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Versioned schema migrations for SQLite: {@code db/sqlite/V<n>__<name>.sql} resources applied in
 * order, all that are due in one transaction, with the version kept in {@code PRAGMA user_version}.
 *
 * <p>Why not Flyway: it added about 250 ms to every command's start (measured), a quarter of the
 * whole budget of a short run; SQLite's own version counter does the same job here. A database made
 * by a newer Sluice is refused rather than touched.
 */
final class SqliteMigrations {
    /** In order; the version of each is its position + 1. Append only: never edit a released one. */
    private static final List<String> MIGRATIONS = List.of("V1__results.sql", "V2__politeness.sql", "V3__frontier.sql",
            "V4__requests.sql", "V5__runs.sql", "V6__tables.sql");
    /** The migration that reads the identities {@link LegacyRequestIds} computes first. */
    private static final int REQUEST_IDS = 4;

    private SqliteMigrations() {
    }

    /**
     * Brings the schema up to date. Several processes may open a new file at once: the migrations run in one
     * {@code BEGIN IMMEDIATE} transaction, which takes the file's write lock first (the others wait, up to
     * the busy timeout), and the version is read again under it, so each migration is applied once and the
     * others find it done. An up-to-date database is only read: a reader never waits on a writer here.
     * {@code c} must be in auto-commit mode.
     */
    static void apply(Connection c) throws SQLException {
        if (checked(userVersion(c)) == MIGRATIONS.size()) {
            return;
        }
        try (Statement st = c.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            try {
                for (int v = checked(userVersion(c)) + 1; v <= MIGRATIONS.size(); v++) {
                    if (v == REQUEST_IDS) {
                        LegacyRequestIds.collect(c);
                    }
                    for (String sql : statements(read(MIGRATIONS.get(v - 1)))) {
                        st.execute(sql);
                    }
                    st.execute("PRAGMA user_version = " + v);
                }
                st.execute("COMMIT");
            } catch (SQLException e) {
                SqliteTransactions.rollback(c, e);
                throw e;
            }
        }
    }

    /** {@code version}, unless it is newer than this Sluice knows. */
    private static int checked(int version) throws SQLException {
        if (version > MIGRATIONS.size()) {
            throw new SQLException("the database has schema version " + version + ", newer than this Sluice knows ("
                    + MIGRATIONS.size() + "); use a newer Sluice");
        }
        return version;
    }

    private static int userVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static String read(String name) {
        try (InputStream in = SqliteMigrations.class.getResourceAsStream("/db/sqlite/" + name)) {
            if (in == null) {
                throw new IllegalStateException("migration " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits a script on semicolons that end a line; strips {@code --} comments. */
    static List<String> statements(String script) {
        StringBuilder clean = new StringBuilder();
        for (String line : script.split("\n")) {
            int comment = line.indexOf("--");
            clean.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        return java.util.Arrays.stream(clean.toString().split(";\\s*\n"))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
