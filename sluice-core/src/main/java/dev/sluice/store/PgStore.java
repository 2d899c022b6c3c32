package dev.sluice.store;

import dev.sluice.Store;
import dev.sluice.StoreException;
import dev.sluice.UrlResult;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Results in PostgreSQL, the same logical schema as {@link SqliteStore}, for status and export; a run works
 * through its {@link #frontier()}, the queue shared by all workers ({@link PgQueue}).
 *
 * <p>Thread-safe: each call takes its own connection from the pool.
 */
public final class PgStore implements Store {
    /** The lease of a run's frontier ({@code sluice worker --lease} sets its own). */
    public static final java.time.Duration LEASE = java.time.Duration.ofSeconds(30);
    private final PgDatabase db;
    private final boolean ownsDatabase;

    private PgStore(PgDatabase db, boolean ownsDatabase) {
        this.db = db;
        this.ownsDatabase = ownsDatabase;
    }

    PgDatabase database() {
        return db;
    }

    /** A store on an open database; closing the store leaves the database open. */
    public static PgStore on(PgDatabase db) {
        return new PgStore(db, false);
    }

    /** Opens {@code url} (see {@link PgDatabase}) with a small pool; closing the store closes it. */
    public static PgStore open(String url, Map<String, String> env) throws StoreException {
        return new PgStore(PgDatabase.open(url, 3, env), true);
    }

    /** Joins the shared queue as a new worker, whose leases last {@link #LEASE} unless renewed. */
    @Override
    public PgQueue frontier() throws StoreException {
        return PgQueue.join(db, LEASE);
    }

    @Override
    public Counts counts() throws StoreException {
        try (Connection c = db.connection()) {
            return ResultsSql.read(c);
        } catch (SQLException e) {
            throw new StoreException(location(), "cannot count results", e);
        }
    }

    /** A run is lost when its worker stopped renewing it for a lease (runs.alive_until). */
    @Override
    public java.util.List<dev.sluice.RunRecord> runs(int limit) throws StoreException {
        try (Connection c = db.connection()) {
            return RunRows.last(c, RunRows.Dialect.POSTGRES, limit, worker -> false);
        } catch (SQLException e) {
            throw new StoreException(location(), "cannot read the runs", e);
        }
    }

    @Override
    public void scan(UrlResult.Status status, Consumer<UrlResult> sink) throws StoreException {
        String sql = "SELECT " + PgRows.READ_COLUMNS + " FROM results r LEFT JOIN queue q ON q.request = r.request"
                + (status == null ? "" : " WHERE r.status = ?") + " ORDER BY r.url, r.request";
        try (Connection c = db.connection()) {
            c.setAutoCommit(false); // a cursor: rows are streamed, not all held in memory
            try (PreparedStatement st = c.prepareStatement(sql)) {
                st.setFetchSize(1000);
                if (status != null) {
                    st.setString(1, status.code());
                }
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(PgRows.read(rs));
                    }
                }
            } finally {
                c.rollback(); // read only: nothing to keep
            }
        } catch (SQLException e) {
            throw new StoreException(location(), "cannot read results", e);
        }
    }

    @Override
    public String location() {
        return db.location();
    }

    @Override
    public void close() {
        if (ownsDatabase) {
            db.close();
        }
    }
}
