package dev.sluice.store;

import dev.sluice.ResumeMode;
import dev.sluice.Store;
import dev.sluice.StoreException;
import dev.sluice.UrlResult;
import dev.sluice.Validators;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Results in PostgreSQL, the same logical schema as {@link SqliteStore}: for a run that reads its URLs
 * from an input (the library's {@code Sluice.run}), for status and export. Workers sharing a queue store
 * through {@link PgQueue} instead, which finishes the URL's queue row in the same transaction.
 *
 * <p>Thread-safe: each call takes its own connection from the pool.
 */
public final class PgStore implements Store {
    private final PgDatabase db;
    private final boolean ownsDatabase;

    private PgStore(PgDatabase db, boolean ownsDatabase) {
        this.db = db;
        this.ownsDatabase = ownsDatabase;
    }

    /** A store on an open database; closing the store leaves the database open. */
    public static PgStore on(PgDatabase db) {
        return new PgStore(db, false);
    }

    /** Opens {@code url} (see {@link PgDatabase}) with a small pool; closing the store closes it. */
    public static PgStore open(String url, Map<String, String> env) throws StoreException {
        return new PgStore(PgDatabase.open(url, 3, env), true);
    }

    @Override
    public Set<String> alreadyDone(Collection<String> urls, ResumeMode mode, Instant runStart) throws StoreException {
        String condition = ResultsSql.doneCondition(mode);
        Set<String> done = new HashSet<>();
        try (Connection c = db.connection();
             PreparedStatement st = c.prepareStatement("SELECT url FROM results WHERE url = ANY(?)" + condition)) {
            st.setArray(1, c.createArrayOf("text", urls.toArray()));
            if (mode != ResumeMode.SKIP_DONE) {
                st.setObject(2, PgRows.timestamp(runStart));
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    done.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new StoreException(location(), "cannot read stored results", e);
        }
        return done;
    }

    @Override
    public Map<String, Validators> validators(Collection<String> urls) throws StoreException {
        Map<String, Validators> found = new HashMap<>();
        try (Connection c = db.connection();
             PreparedStatement st = c.prepareStatement("SELECT url, etag, last_modified FROM results WHERE url = ANY(?) "
                     + "AND status = 'ok' AND (etag IS NOT NULL OR last_modified IS NOT NULL)")) {
            st.setArray(1, c.createArrayOf("text", urls.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), new Validators(rs.getString(2), rs.getString(3)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException(location(), "cannot read stored results", e);
        }
        return found;
    }

    @Override
    public void write(Collection<UrlResult> batch, boolean replacing) throws StoreException {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false); // the pool resets it when the connection is given back
            try {
                PgRows.write(c, batch, url -> replacing); // without replacing, the caller knows there are none
                c.commit();
            } catch (SQLException e) {
                throw PgRows.rolledBack(c, e);
            }
        } catch (SQLException e) {
            throw new StoreException(location(), "cannot store " + batch.size() + " results", e);
        }
    }

    @Override
    public Counts counts() throws StoreException {
        try (Connection c = db.connection()) {
            return ResultsSql.read(c);
        } catch (SQLException e) {
            throw new StoreException(location(), "cannot count results", e);
        }
    }

    @Override
    public void scan(UrlResult.Status status, Consumer<UrlResult> sink) throws StoreException {
        String sql = "SELECT " + PgRows.RESULT_COLUMNS + " FROM results" + (status == null ? "" : " WHERE status = ?")
                + " ORDER BY url";
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
