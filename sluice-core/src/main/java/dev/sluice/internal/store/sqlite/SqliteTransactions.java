package dev.sluice.internal.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * SQLite transactions are run by hand ({@code BEGIN IMMEDIATE} … {@code COMMIT}, on a connection in
 * auto-commit mode) rather than by the driver's auto-commit switch: sqlite-jdbc begins its next
 * transaction only after a commit succeeds, so after a failed {@code COMMIT} (a full disk, which SQLite
 * answers by rolling back itself) the statements of the next batch each committed alone, a part of a
 * batch could be stored, and the next commit failed with "no transaction is active", hiding the cause.
 */
final class SqliteTransactions {
    private SqliteTransactions() {
    }

    /** Begins a transaction that takes the write lock at once (no upgrade from a read lock to fail later). */
    static void begin(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
        }
    }

    static void commit(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("COMMIT");
        }
    }

    /**
     * Rolls back after {@code failure}, which stays the error to report: SQLite may have rolled back
     * already (after {@code SQLITE_FULL}, {@code SQLITE_IOERR}, …), and then ROLLBACK's own complaint is
     * kept only as a suppressed exception.
     */
    static void rollback(Connection c, SQLException failure) {
        try (Statement st = c.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException alsoFailed) {
            failure.addSuppressed(alsoFailed);
        }
    }
}
