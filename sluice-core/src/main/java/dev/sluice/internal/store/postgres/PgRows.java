package dev.sluice.internal.store.postgres;

import dev.sluice.ErrorKind;
import dev.sluice.RequestResult;
import dev.sluice.internal.store.ResultRows;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Rows of {@code results}, {@code records} and {@code bodies} in PostgreSQL, written within the caller's transaction:
 * each kind of row in one statement per batch. Thread-safe (stateless).
 */
final class PgRows implements ResultRows {
    private static final String RESULT_COLUMNS = "request, method, url, status, http_status, attempts, error, detail, bytes, "
            + "content_type, sha256, elapsed_ms, fetched_at, etag, last_modified, unchanged, run";
    /** jsonb cannot hold U+0000: an escaped NUL (not an escaped backslash before "u0000") becomes U+FFFD. */
    private static final Pattern ESCAPED_NUL = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

    /** Stateless: one instance per database. */
    PgRows() {
    }

    @Override
    public Set<String> write(Connection c, Collection<RequestResult> batch, Predicate<String> mayHaveRows, Long run) throws SQLException {
        List<RequestResult> whole = new ArrayList<>(batch.size());
        List<RequestResult> unchanged = new ArrayList<>();
        for (RequestResult r : batch) {
            (r.unchanged() ? unchanged : whole).add(r);
        }
        upsertResults(c, whole, run);
        writeRecordsAndBodies(c, whole, mayHaveRows);
        return unchanged.isEmpty() ? Set.of() : markUnchanged(c, unchanged, run);
    }

    private static void upsertResults(Connection c, List<RequestResult> results, Long run) throws SQLException {
        if (results.isEmpty()) {
            return;
        }
        try (PreparedStatement st = c.prepareStatement("INSERT INTO results (" + RESULT_COLUMNS + """
                ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false, ?)
                ON CONFLICT (request) DO UPDATE SET
                    status = excluded.status, http_status = excluded.http_status, attempts = excluded.attempts,
                    error = excluded.error, detail = excluded.detail, bytes = excluded.bytes,
                    content_type = excluded.content_type, sha256 = excluded.sha256,
                    elapsed_ms = excluded.elapsed_ms, fetched_at = excluded.fetched_at,
                    etag = excluded.etag, last_modified = excluded.last_modified, unchanged = false, run = excluded.run""")) {
            for (RequestResult r : results) {
                st.setString(1, r.id());
                st.setString(2, r.request().method());
                st.setString(3, text(r.url()));
                st.setString(4, r.status().code());
                if (r.httpStatus() == null) {
                    st.setNull(5, Types.INTEGER);
                } else {
                    st.setInt(5, r.httpStatus());
                }
                st.setInt(6, r.attempts());
                st.setString(7, r.error() == null ? null : r.error().code());
                st.setString(8, text(r.detail()));
                if (r.bytes() == null) {
                    st.setNull(9, Types.BIGINT);
                } else {
                    st.setLong(9, r.bytes());
                }
                st.setString(10, text(r.contentType()));
                st.setString(11, r.sha256());
                st.setLong(12, r.elapsedMs());
                st.setObject(13, timestamp(r.fetchedAt()));
                st.setString(14, text(r.validators().etag()));
                st.setString(15, text(r.validators().lastModified()));
                setRun(st, 16, run);
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    /** Replaces the requests' records and bodies: a re-fetch leaves none of the old ones behind. */
    private static void writeRecordsAndBodies(Connection c, List<RequestResult> results,
                                              Predicate<String> mayHaveRows) throws SQLException {
        if (results.isEmpty()) {
            return;
        }
        String[] ids = results.stream().map(RequestResult::id).filter(mayHaveRows).toArray(String[]::new);
        if (ids.length > 0) {
            deleteRecordsAndBodies(c, ids);
        }
        insertRecordsAndBodies(c, results);
    }

    private static void deleteRecordsAndBodies(Connection c, String[] ids) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM records WHERE request = ANY(?)");
             PreparedStatement delBodies = c.prepareStatement("DELETE FROM bodies WHERE request = ANY(?)")) {
            del.setArray(1, c.createArrayOf("text", ids));
            del.executeUpdate();
            delBodies.setArray(1, c.createArrayOf("text", ids));
            delBodies.executeUpdate();
        }
    }

    private static void insertRecordsAndBodies(Connection c, List<RequestResult> results) throws SQLException {
        if (results.stream().allMatch(r -> r.records().isEmpty() && r.body() == null)) {
            return; // the common case without --jq or --store-body: no statements at all
        }
        try (PreparedStatement rec = c.prepareStatement("INSERT INTO records (request, seq, url, data) VALUES (?, ?, ?, ?::jsonb)");
             PreparedStatement body = c.prepareStatement("INSERT INTO bodies (request, url, body) VALUES (?, ?, ?)")) {
            boolean anyRecord = false;
            boolean anyBody = false;
            for (RequestResult r : results) {
                int seq = 0;
                for (String data : r.records()) {
                    rec.setString(1, r.id());
                    rec.setInt(2, seq++);
                    rec.setString(3, text(r.url()));
                    rec.setString(4, data.contains("\\u0000") ? ESCAPED_NUL.matcher(data).replaceAll("$1\\\\ufffd") : data);
                    rec.addBatch();
                    anyRecord = true;
                }
                if (r.body() != null) {
                    body.setString(1, r.id());
                    body.setString(2, text(r.url()));
                    body.setBytes(3, r.body());
                    body.addBatch();
                    anyBody = true;
                }
            }
            if (anyRecord) {
                rec.executeBatch();
            }
            if (anyBody) {
                body.executeBatch();
            }
        }
    }

    private static void setRun(PreparedStatement st, int i, Long run) throws SQLException {
        if (run == null) {
            st.setNull(i, Types.BIGINT);
        } else {
            st.setLong(i, run);
        }
    }

    /** A 304 to a refetch: only the fetch's time, attempts and elapsed time change; a vanished row becomes a failure. */
    private static Set<String> markUnchanged(Connection c, List<RequestResult> unchanged, Long run) throws SQLException {
        List<RequestResult> vanished = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(
                "UPDATE results SET attempts = ?, elapsed_ms = ?, fetched_at = ?, unchanged = true, run = ? WHERE request = ? AND status = 'ok'")) {
            for (RequestResult r : unchanged) {
                st.setInt(1, r.attempts());
                st.setLong(2, r.elapsedMs());
                st.setObject(3, timestamp(r.fetchedAt()));
                setRun(st, 4, run);
                st.setString(5, r.id());
                st.addBatch();
            }
            int[] updated = st.executeBatch();
            for (int i = 0; i < updated.length; i++) {
                if (updated[i] == 0) { // the ok row the validators came from is gone (deleted meanwhile)
                    RequestResult r = unchanged.get(i);
                    vanished.add(RequestResult.failed(r.request(), ErrorKind.HTTP, VANISHED, 304, r.attempts(), r.elapsedMs(), r.fetchedAt()));
                }
            }
        }
        upsertResults(c, vanished, run);
        Set<String> ids = new HashSet<>();
        vanished.forEach(r -> ids.add(r.id()));
        return ids;
    }

    /** PostgreSQL's text cannot hold U+0000 (a server's header or message might): it becomes U+FFFD. */
    static String text(String s) {
        return s == null || s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\ufffd');
    }

    static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
