package dev.sluice.store;

import dev.sluice.ErrorKind;
import dev.sluice.UrlResult;
import dev.sluice.Validators;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Rows of {@code results}, {@code records} and {@code bodies} in PostgreSQL: written within the caller's
 * transaction, read back for status and export. Shared by {@link PgStore} and {@link PgQueue}.
 */
final class PgRows {
    private static final String RESULT_COLUMNS = "request, method, url, status, http_status, attempts, error, detail, bytes, "
            + "content_type, sha256, elapsed_ms, fetched_at, etag, last_modified, unchanged, run";
    /** What {@link #read} reads: a results row {@code r} with its request's headers and body from its queue row {@code q}. */
    static final String READ_COLUMNS = "r.url, r.status, r.http_status, r.attempts, r.error, r.detail, r.bytes, "
            + "r.content_type, r.sha256, r.elapsed_ms, r.fetched_at, r.etag, r.last_modified, r.unchanged, r.method, "
            + "q.headers::text, q.body, r.request";
    /** jsonb cannot hold U+0000: an escaped NUL (not an escaped backslash before "u0000") becomes U+FFFD. */
    private static final Pattern ESCAPED_NUL = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

    private PgRows() {
    }

    /**
     * Writes the batch's rows, replacing earlier ones of the same requests, within the caller's transaction, as stored by
     * run {@code run} ({@code results.run}; null: no run recorded).
     */
    static void write(Connection c, Collection<UrlResult> batch, Long run) throws SQLException {
        write(c, batch, url -> true, run);
    }

    /** The message of a 304 whose stored ok row is gone: it is stored as this failure. */
    static final String VANISHED = "304 Not Modified, but the stored result it confirms is gone; run again to fetch it whole";

    /**
     * As {@link #write(Connection, Collection, Long)}; {@code mayHaveRows} says of which requests (by identity) earlier
     * records and bodies may exist (one never stored has none: looking for them would cost two index probes each).
     * Returns the identities of 304s whose stored ok row was gone: each is stored as a failure, which their queue rows must say too.
     */
    static java.util.Set<String> write(Connection c, Collection<UrlResult> batch, java.util.function.Predicate<String> mayHaveRows,
                                       Long run) throws SQLException {
        List<UrlResult> whole = new ArrayList<>(batch.size());
        List<UrlResult> unchanged = new ArrayList<>();
        for (UrlResult r : batch) {
            (r.unchanged() ? unchanged : whole).add(r);
        }
        upsertResults(c, whole, run);
        writeRecordsAndBodies(c, whole, mayHaveRows);
        return unchanged.isEmpty() ? java.util.Set.of() : markUnchanged(c, unchanged, run);
    }

    private static void upsertResults(Connection c, List<UrlResult> results, Long run) throws SQLException {
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
            for (UrlResult r : results) {
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
    private static void writeRecordsAndBodies(Connection c, List<UrlResult> results,
                                              java.util.function.Predicate<String> mayHaveRows) throws SQLException {
        if (results.isEmpty()) {
            return;
        }
        String[] ids = results.stream().map(UrlResult::id).filter(mayHaveRows).toArray(String[]::new);
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

    private static void insertRecordsAndBodies(Connection c, List<UrlResult> results) throws SQLException {
        if (results.stream().allMatch(r -> r.records().isEmpty() && r.body() == null)) {
            return; // the common case without --jq or --store-body: no statements at all
        }
        try (PreparedStatement rec = c.prepareStatement("INSERT INTO records (request, seq, url, data) VALUES (?, ?, ?, ?::jsonb)");
             PreparedStatement body = c.prepareStatement("INSERT INTO bodies (request, url, body) VALUES (?, ?, ?)")) {
            boolean anyRecord = false;
            boolean anyBody = false;
            for (UrlResult r : results) {
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

    /** A 304 to a refetch: only the fetch's time, attempts and elapsed time change; a vanished row becomes a failure. */
    private static void setRun(PreparedStatement st, int i, Long run) throws SQLException {
        if (run == null) {
            st.setNull(i, Types.BIGINT);
        } else {
            st.setLong(i, run);
        }
    }

    private static java.util.Set<String> markUnchanged(Connection c, List<UrlResult> unchanged, Long run) throws SQLException {
        List<UrlResult> vanished = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(
                "UPDATE results SET attempts = ?, elapsed_ms = ?, fetched_at = ?, unchanged = true, run = ? WHERE request = ? AND status = 'ok'")) {
            for (UrlResult r : unchanged) {
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
                    UrlResult r = unchanged.get(i);
                    vanished.add(UrlResult.failed(r.request(), ErrorKind.HTTP, VANISHED, 304, r.attempts(), r.elapsedMs(), r.fetchedAt()));
                }
            }
        }
        upsertResults(c, vanished, run);
        java.util.Set<String> ids = new java.util.HashSet<>();
        vanished.forEach(r -> ids.add(r.id()));
        return ids;
    }

    /**
     * Rolls back after {@code failure}. A rollback that fails too (the connection is gone) is attached to the
     * failure instead of replacing it: the cause shown is the first one.
     */
    static SQLException rolledBack(Connection c, SQLException failure) {
        try {
            c.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    /** PostgreSQL's text cannot hold U+0000 (a server's header or message might): it becomes U+FFFD. */
    static String text(String s) {
        return s == null || s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\ufffd');
    }

    /** A results row read with {@link #READ_COLUMNS} (records and body not included). */
    static UrlResult read(ResultSet rs) throws SQLException {
        String error = rs.getString(5);
        int http = rs.getInt(3);
        Integer httpStatus = rs.wasNull() ? null : http;
        long bytes = rs.getLong(7);
        Long size = rs.wasNull() ? null : bytes;
        return new UrlResult(Frontiers.request(rs.getString(18), rs.getString(15), rs.getString(1), rs.getString(16), rs.getBytes(17)),
                "ok".equals(rs.getString(2)) ? UrlResult.Status.OK : UrlResult.Status.FAILED,
                httpStatus, rs.getInt(4),
                error == null ? null : ErrorKind.valueOf(error.toUpperCase(Locale.ROOT)),
                rs.getString(6), size, rs.getString(8), rs.getString(9), rs.getLong(10),
                rs.getObject(11, OffsetDateTime.class).toInstant(), List.of(), null,
                new Validators(rs.getString(12), rs.getString(13)), rs.getBoolean(14), List.of());
    }

    static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
