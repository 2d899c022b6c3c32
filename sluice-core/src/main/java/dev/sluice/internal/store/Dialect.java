package dev.sluice.internal.store;

import dev.sluice.ColumnType;
import dev.sluice.TableRow;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
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

    /**
     * The condition joining a results row {@code r} to its request's row {@code alias} of a table keyed as results is
     * ({@code queue}, {@code bodies}), on the key of each database.
     */
    public String joinsResult(String alias) {
        return this == SQLITE ? alias + ".url = r.url AND " + alias + ".request = r.request" : alias + ".request = r.request";
    }

    /** Text as the database can keep it: PostgreSQL's text cannot hold U+0000 (a server's header or message might). */
    public String text(String s) {
        return this == SQLITE || s == null || s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\ufffd');
    }

    // ---- typed tables

    /** An identifier quoted: user columns may be called {@code order} or {@code user}. */
    public static String quote(String name) {
        return "\"" + name + "\"";
    }

    /** The SQL type of a typed table's column ({@code precision} 0: an unbounded decimal). */
    public String sqlType(ColumnType type, int precision, int scale) {
        boolean lite = this == SQLITE;
        return switch (type) {
            case BOOL -> lite ? "BOOLEAN" : "boolean";
            case BIGINT -> lite ? "BIGINT" : "bigint";
            case DECIMAL -> (lite ? "DECIMAL" : "numeric") + (precision > 0 ? "(" + precision + "," + scale + ")" : "");
            case DOUBLE -> lite ? "DOUBLE PRECISION" : "double precision";
            case DATE -> lite ? "DATE" : "date";
            case TIMESTAMP -> lite ? "TIMESTAMP" : "timestamptz";
            // SQLite gives a column named JSON numeric affinity, which would turn the JSON text 1.50 into 1.5
            case TEXT, JSON -> lite ? "TEXT" : (type == ColumnType.JSON ? "jsonb" : "text");
        };
    }

    /** The placeholder of a value of {@code type}. */
    public String placeholder(ColumnType type) {
        return type == ColumnType.JSON ? json() : "?";
    }

    /**
     * The statement that widens a column's type, or null where none is needed: SQLite keeps any value in any column,
     * so only its catalog says the new type.
     */
    public String widen(String table, String column, ColumnType to) {
        if (this == SQLITE) {
            return null;
        }
        String c = quote(column);
        String using = switch (to) {
            case TIMESTAMP -> "(" + c + "::timestamp AT TIME ZONE 'UTC')"; // a date is midnight UTC, whatever the session's zone
            case JSON -> "to_jsonb(" + c + ")";
            default -> c + "::" + sqlType(to, 0, 0);
        };
        return "ALTER TABLE " + quote(table) + " ALTER COLUMN " + c + " TYPE " + sqlType(to, 0, 0) + " USING " + using;
    }

    /**
     * Binds a value fitted to a column of {@code type} (of the class {@link ColumnType} names for it, or null). SQLite
     * keeps dates and timestamps as ISO-8601 text, booleans as 0 and 1, decimals as their text (numeric affinity
     * keeps them as exact as it can).
     */
    public void bind(PreparedStatement st, int i, ColumnType type, Object v) throws SQLException {
        if (v == null) {
            st.setNull(i, nullType(type));
            return;
        }
        // instanceof tests, commonest first, not a pattern switch: once per value stored, where a switch over classes
        // bootstraps a type switch costing more than the tests
        if (v instanceof String s) {
            st.setString(i, text(s));
        } else if (v instanceof Long l) {
            st.setLong(i, l);
        } else if (v instanceof TableRow.Json j) {
            st.setString(i, j.text());
        } else if (v instanceof Boolean b) {
            if (this == SQLITE) {
                st.setInt(i, b ? 1 : 0);
            } else {
                st.setBoolean(i, b);
            }
        } else if (v instanceof Double d) {
            st.setDouble(i, d);
        } else if (v instanceof BigDecimal d) {
            if (this == SQLITE) {
                st.setString(i, d.toPlainString());
            } else {
                st.setBigDecimal(i, d);
            }
        } else if (v instanceof LocalDate d) {
            if (this == SQLITE) {
                st.setString(i, d.toString());
            } else {
                st.setObject(i, d);
            }
        } else if (v instanceof Instant t) {
            time(st, i, t);
        } else {
            throw new IllegalArgumentException("not a table value: " + v.getClass().getName());
        }
    }

    private int nullType(ColumnType type) {
        if (this == SQLITE) {
            return Types.NULL;
        }
        return switch (type) {
            case BOOL -> Types.BOOLEAN;
            case BIGINT -> Types.BIGINT;
            case DECIMAL -> Types.NUMERIC;
            case DOUBLE -> Types.DOUBLE;
            case DATE -> Types.DATE;
            case TIMESTAMP -> Types.TIMESTAMP_WITH_TIMEZONE;
            case TEXT, JSON -> Types.VARCHAR;
        };
    }

    /** Whether {@code table} (in the current schema) has a column named {@code column}. */
    public boolean hasColumn(Connection c, String table, String column) throws SQLException {
        String sql = this == SQLITE ? "SELECT 1 FROM pragma_table_info(?) WHERE name = ?"
                : "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?";
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, table);
            st.setString(2, column);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Serialises changes to typed tables' schemas among the workers sharing a database, until the transaction ends:
     * PostgreSQL's advisory lock. SQLite's one writer per file needs none.
     */
    public void lockSchemas(Connection c) throws SQLException {
        lockSchemas(c, "pg_advisory_xact_lock");
    }

    /**
     * Keeps typed tables' schemas as they are until the transaction ends, letting other writers do the same: the
     * shared form of {@link #lockSchemas}'s lock, which a schema change waits for. None in SQLite.
     */
    public void holdSchemas(Connection c) throws SQLException {
        lockSchemas(c, "pg_advisory_xact_lock_shared");
    }

    private void lockSchemas(Connection c, String function) throws SQLException {
        if (this == POSTGRES) {
            try (PreparedStatement st = c.prepareStatement("SELECT " + function + "(?)")) {
                st.setLong(1, SCHEMA_LOCK);
                st.executeQuery().close();
            }
        }
    }

    /** The advisory lock's key for schema changes: "tables" in ASCII. */
    private static final long SCHEMA_LOCK = 0x7461626c6573L;
}
