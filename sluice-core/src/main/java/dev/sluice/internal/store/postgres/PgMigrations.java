package dev.sluice.internal.store.postgres;

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
 * Versioned schema migrations for PostgreSQL: {@code db/postgresql/V<n>__<name>.sql} resources applied in
 * order, all in one transaction (PostgreSQL's DDL is transactional), the version kept in {@code sluice_schema}.
 *
 * <p>Several workers may start at once against a new database: a transaction-scoped advisory lock makes
 * them take turns, so exactly one creates the schema and the others find it done. A database made by a
 * newer Sluice is refused rather than touched. (Same shape as {@link SqliteMigrations}; no Flyway, for the
 * same start-up cost.)
 */
final class PgMigrations {
    /** In order; the version of each is its position + 1. Append only: never edit a released one. */
    private static final List<String> MIGRATIONS = List.of("V1__schema.sql", "V2__lineage.sql", "V3__requests.sql", "V4__runs.sql", "V5__tables.sql");
    /** The migration that reads the identities {@link LegacyRequestIds} computes first. */
    private static final int REQUEST_IDS = 3;
    /** The advisory lock's key: "sluice" in ASCII, so it does not collide with an application's small numbers. */
    private static final long LOCK_KEY = 0x736c75696365L;

    private PgMigrations() {
    }

    static void apply(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
            st.execute("CREATE TABLE IF NOT EXISTS sluice_schema (version integer NOT NULL)");
            int current = version(st);
            if (current > MIGRATIONS.size()) {
                throw new SQLException("the database has schema version " + current + ", newer than this Sluice knows ("
                        + MIGRATIONS.size() + "); use a newer Sluice");
            }
            for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
                if (v == REQUEST_IDS) {
                    LegacyRequestIds.collect(c);
                }
                st.execute(read(MIGRATIONS.get(v - 1)));
            }
            if (current < MIGRATIONS.size()) {
                st.execute("DELETE FROM sluice_schema");
                st.execute("INSERT INTO sluice_schema (version) VALUES (" + MIGRATIONS.size() + ")");
            }
            c.commit();
        } catch (SQLException e) {
            PgDatabase.rollback(c, e);
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static int version(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT max(version) FROM sluice_schema")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static String read(String name) {
        try (InputStream in = PgMigrations.class.getResourceAsStream("/db/postgresql/" + name)) {
            if (in == null) {
                throw new IllegalStateException("migration " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
