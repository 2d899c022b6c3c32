package dev.sluice.internal.store.sqlite;

import dev.sluice.ErrorKind;
import dev.sluice.RequestResult;
import dev.sluice.internal.store.ResultRows;
import dev.sluice.internal.store.Timestamps;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Writes results, records and bodies of one batch on one SQLite connection, inside a transaction its caller
 * runs. Rows are keyed by (url, request): the request's identity decides, the URL orders (see V4__requests.sql). Used by the writer's connection (results of fetches) and by the input loader's (invalid lines).
 *
 * <p>Thread-safe: each connection has statements of its own, used by the thread that owns that connection.
 */
final class SqliteRows implements ResultRows {
    /** The statements of each connection that writes rows (the writer's, a loader's while it loads). */
    private final Map<Connection, Statements> statements = new ConcurrentHashMap<>();

    @Override
    public Set<String> write(Connection c, Collection<RequestResult> batch, Predicate<String> mayHaveRows, Long run) throws SQLException {
        Statements st = statements.get(c);
        if (st == null) {
            st = new Statements(c);
            statements.put(c, st);
        }
        return st.write(batch, mayHaveRows, run);
    }

    /** A connection that is closing writes no more rows. */
    void forget(Connection c) {
        statements.remove(c);
    }

    /** One connection's statements. Not thread-safe: used by the thread that owns that connection. */
    private static final class Statements {
        private final PreparedStatement upsertResult;
        private final PreparedStatement markUnchanged;
        private final PreparedStatement deleteRecords;
        private final PreparedStatement insertRecord;
        private final PreparedStatement deleteBody;
        private final PreparedStatement upsertBody;

        Statements(Connection c) throws SQLException {
            upsertResult = c.prepareStatement("""
                    INSERT INTO results (request, method, url, status, http_status, attempts, error, detail, bytes,
                                         content_type, sha256, elapsed_ms, fetched_at, etag, last_modified, unchanged, run)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
                    ON CONFLICT (url, request) DO UPDATE SET
                        status = excluded.status, http_status = excluded.http_status, attempts = excluded.attempts,
                        error = excluded.error, detail = excluded.detail, bytes = excluded.bytes,
                        content_type = excluded.content_type, sha256 = excluded.sha256,
                        elapsed_ms = excluded.elapsed_ms, fetched_at = excluded.fetched_at,
                        etag = excluded.etag, last_modified = excluded.last_modified, unchanged = 0, run = excluded.run""");
            // Only ok rows: a refetch sends validators only from those, so a 304 can only be about one.
            markUnchanged = c.prepareStatement("""
                    UPDATE results SET attempts = ?, elapsed_ms = ?, fetched_at = ?, unchanged = 1, run = ?
                    WHERE url = ? AND request = ? AND status = 'ok'""");
            deleteRecords = c.prepareStatement("DELETE FROM records WHERE url = ? AND request = ?");
            // OR REPLACE: a records row left without its results row (e.g. by another process) cannot fail a batch.
            insertRecord = c.prepareStatement("INSERT OR REPLACE INTO records (url, request, seq, data) VALUES (?, ?, ?, ?)");
            deleteBody = c.prepareStatement("DELETE FROM bodies WHERE url = ? AND request = ?");
            upsertBody = c.prepareStatement(
                    "INSERT INTO bodies (url, request, body) VALUES (?, ?, ?) ON CONFLICT (url, request) DO UPDATE SET body = excluded.body");
        }

        /** As {@link ResultRows#write}. On failure every statement's batch is cleared, so that the caller may roll back and try again. */
        Set<String> write(Collection<RequestResult> batch, Predicate<String> mayHaveRows, Long run) throws SQLException {
            try {
                List<RequestResult> unchanged = new ArrayList<>();
                for (RequestResult r : batch) {
                    if (r.unchanged()) {
                        markUnchanged.setInt(1, r.attempts());
                        markUnchanged.setLong(2, r.elapsedMs());
                        markUnchanged.setString(3, Timestamps.format(r.fetchedAt()));
                        setRun(markUnchanged, 4, run);
                        markUnchanged.setString(5, r.url());
                        markUnchanged.setString(6, r.id());
                        markUnchanged.addBatch();
                        unchanged.add(r);
                        continue;
                    }
                    bindResult(r, run);
                    upsertResult.addBatch();
                    boolean replacing = mayHaveRows.test(r.id());
                    if (replacing) {
                        deleteRecords.setString(1, r.url());
                        deleteRecords.setString(2, r.id());
                        deleteRecords.addBatch();
                    }
                    int seq = 0;
                    for (String data : r.records()) {
                        insertRecord.setString(1, r.url());
                        insertRecord.setString(2, r.id());
                        insertRecord.setInt(3, seq++);
                        insertRecord.setString(4, data);
                        insertRecord.addBatch();
                    }
                    if (r.body() != null) {
                        upsertBody.setString(1, r.url());
                        upsertBody.setString(2, r.id());
                        upsertBody.setBytes(3, r.body());
                        upsertBody.addBatch();
                    } else if (replacing) {
                        deleteBody.setString(1, r.url());
                        deleteBody.setString(2, r.id()); // a refetch without --store-body leaves no stale body
                        deleteBody.addBatch();
                    }
                }
                upsertResult.executeBatch();
                deleteRecords.executeBatch();
                insertRecord.executeBatch();
                deleteBody.executeBatch();
                upsertBody.executeBatch();
                int[] updated = markUnchanged.executeBatch();
                java.util.Set<String> vanished = new java.util.HashSet<>();
                for (int i = 0; i < updated.length; i++) {
                    if (updated[i] == 0) { // the ok row the validators came from is gone (deleted meanwhile)
                        RequestResult r = unchanged.get(i);
                        bindResult(RequestResult.failed(r.request(), ErrorKind.HTTP, VANISHED, 304, r.attempts(), r.elapsedMs(),
                                r.fetchedAt()), run);
                        upsertResult.addBatch();
                        vanished.add(r.id());
                    }
                }
                upsertResult.executeBatch();
                return vanished;
            } catch (SQLException e) {
                clear(e);
                throw e;
            }
        }

        /** A failed executeBatch clears only its own statement: clear all, or a retry would add rows twice. */
        private void clear(SQLException failure) {
            try {
                for (PreparedStatement st : List.of(upsertResult, deleteRecords, insertRecord, deleteBody, upsertBody, markUnchanged)) {
                    st.clearBatch();
                }
            } catch (SQLException clearFailure) {
                failure.addSuppressed(clearFailure);
            }
        }

        private static void setRun(PreparedStatement st, int i, Long run) throws SQLException {
            if (run == null) {
                st.setNull(i, Types.INTEGER);
            } else {
                st.setLong(i, run);
            }
        }

        private void bindResult(RequestResult r, Long run) throws SQLException {
            PreparedStatement st = upsertResult;
            st.setString(1, r.id());
            st.setString(2, r.request().method());
            st.setString(3, r.url());
            st.setString(4, r.status().code());
            if (r.httpStatus() == null) {
                st.setNull(5, Types.INTEGER);
            } else {
                st.setInt(5, r.httpStatus());
            }
            st.setInt(6, r.attempts());
            st.setString(7, r.error() == null ? null : r.error().code());
            st.setString(8, r.detail());
            if (r.bytes() == null) {
                st.setNull(9, Types.INTEGER);
            } else {
                st.setLong(9, r.bytes());
            }
            st.setString(10, r.contentType());
            st.setString(11, r.sha256());
            st.setLong(12, r.elapsedMs());
            st.setString(13, Timestamps.format(r.fetchedAt()));
            st.setString(14, r.validators().etag());
            st.setString(15, r.validators().lastModified());
            setRun(st, 16, run);
        }
    }
}
