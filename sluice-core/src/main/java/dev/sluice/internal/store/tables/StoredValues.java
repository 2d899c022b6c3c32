package dev.sluice.internal.store.tables;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.sluice.TableRow;
import dev.sluice.internal.store.Dialect;
import dev.sluice.spi.StoredTable;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A typed table's stored value read back as the class its catalog type names ({@link dev.sluice.ColumnType}): the
 * reverse of {@link Dialect#bind}. PostgreSQL's columns have their catalog types (a widening alters the column).
 * SQLite's keep what was written before a widening as it was: a whole number in a {@code double} or {@code decimal}
 * column, a date's text in a {@code timestamp} one, a number, a date or plain text in a {@code json} one; each is
 * converted here as PostgreSQL's widening converts it (plain text into a JSON string). One per scan, on its thread.
 */
final class StoredValues {
    private static final JsonFactory JSON = new JsonFactory();

    private final Dialect dialect;

    StoredValues(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Column {@code i} of the current row, or null. */
    Object read(ResultSet rs, int i, StoredTable.Column column) throws SQLException {
        return dialect == Dialect.SQLITE ? sqlite(rs, i, column) : postgres(rs, i, column);
    }

    private static Object postgres(ResultSet rs, int i, StoredTable.Column column) throws SQLException {
        Object v = switch (column.type()) {
            case BOOL -> rs.getBoolean(i);
            case BIGINT -> rs.getLong(i);
            case DECIMAL -> rs.getBigDecimal(i);
            case DOUBLE -> rs.getDouble(i);
            case DATE -> rs.getObject(i, LocalDate.class);
            case TIMESTAMP -> {
                OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
                yield t == null ? null : t.toInstant();
            }
            case TEXT -> rs.getString(i);
            case JSON -> {
                String text = rs.getString(i);
                yield text == null ? null : new TableRow.Json(text);
            }
        };
        return rs.wasNull() ? null : v;
    }

    /** SQLite: the value as it was stored (integer, real or text), converted to the column's type. */
    private static Object sqlite(ResultSet rs, int i, StoredTable.Column column) throws SQLException {
        Object stored = rs.getObject(i);
        if (stored == null) {
            return null;
        }
        return switch (column.type()) {
            case BOOL -> ((Number) stored).longValue() != 0;
            case BIGINT -> ((Number) stored).longValue();
            // the text SQLite gives a real has the 15 digits it keeps; a bounded decimal gets its scale back (1299 -> 1299.00)
            case DECIMAL -> column.precision() == 0 ? new BigDecimal(rs.getString(i))
                    : new BigDecimal(rs.getString(i)).setScale(column.scale(), RoundingMode.HALF_EVEN);
            case DOUBLE -> stored instanceof Number n ? n.doubleValue() : Double.parseDouble((String) stored);
            case DATE -> LocalDate.parse((String) stored);
            case TIMESTAMP -> timestamp((String) stored);
            case TEXT -> rs.getString(i);
            case JSON -> new TableRow.Json(json(rs.getString(i)));
        };
    }

    /** A timestamp's text, or a date's stored before its column widened to timestamp: midnight UTC, as {@link Fit} puts it. */
    private static Instant timestamp(String text) {
        return text.length() == 10 ? LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC) : Instant.parse(text);
    }

    /** JSON's text as it is; what is not JSON (text or a date stored before the column widened to json) as a JSON string. */
    private static String json(String text) {
        return isJson(text) ? text : Fit.json(text);
    }

    private static boolean isJson(String text) {
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException notJson) {
            return false;
        }
    }
}
