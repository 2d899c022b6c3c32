package dev.sluice.internal.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * What SQL the two databases write differently: time, JSON, text, the larger of two values, the join from a result to
 * its queue row. Everything else the shared storage code says once, for both. Thread-safe.
 */
public enum Dialect {
    /** ISO-8601 text ({@link Timestamps}), JSON as text; rows keyed by (url, request). */
    SQLITE,
    /** timestamptz, jsonb; rows keyed by request. */
    POSTGRES;

    public void time(PreparedStatement st, int i, Instant t) throws SQLException {
        if (t == null) {
            st.setNull(i, this == SQLITE ? Types.VARCHAR : Types.TIMESTAMP_WITH_TIMEZONE);
        } else if (this == SQLITE) {
            st.setString(i, Timestamps.format(t));
        } else {
            st.setObject(i, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
        }
    }

    public Instant time(ResultSet rs, int i) throws SQLException {
        if (this == SQLITE) {
            String s = rs.getString(i);
            return s == null ? null : Timestamps.parse(s);
        }
        OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** A whole second: {@code 2026-12-06T07:31:02Z} in SQLite. */
    public void second(PreparedStatement st, int i, Instant t) throws SQLException {
        if (this == SQLITE) {
            st.setString(i, DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS)));
        } else {
            time(st, i, t);
        }
    }

    /** Whole seconds since the epoch of a timestamp column. */
    public String epoch(String column) {
        return this == SQLITE ? "CAST(strftime('%s', " + column + ") AS INTEGER)" : "CAST(floor(extract(epoch FROM " + column + ")) AS bigint)";
    }

    /** The larger of two SQL values. */
    public String greatest(String a, String b) {
        return (this == SQLITE ? "max(" : "greatest(") + a + ", " + b + ")";
    }

    /** A placeholder for a JSON value given as text. */
    public String json() {
        return this == SQLITE ? "?" : "?::jsonb";
    }

    /** A JSON column read as text. */
    public String jsonText(String column) {
        return this == SQLITE ? column : column + "::text";
    }

    /** The condition joining a results row {@code r} to its request's queue row {@code q}, on the key of each database. */
    public String resultToQueue() {
        return this == SQLITE ? "q.url = r.url AND q.request = r.request" : "q.request = r.request";
    }

    /** Text as the database can keep it: PostgreSQL's text cannot hold U+0000 (a server's header or message might). */
    public String text(String s) {
        return this == SQLITE || s == null || s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\ufffd');
    }
}
