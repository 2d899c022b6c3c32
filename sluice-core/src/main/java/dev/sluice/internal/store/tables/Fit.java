package dev.sluice.internal.store.tables;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.sluice.TableRow;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * How a value goes into a column of a type it may not have: a whole number into a {@code double} column, a date
 * into a {@code timestamp} one (midnight UTC), a date recognised in text back into a {@code text} one, anything into
 * {@code json}. What does not go (text into a number, a number too large for its {@code decimal(p,s)}) is a reason.
 * Stateless.
 */
final class Fit {

    /** What {@link #value} answers for a value that does not fit: {@link #misfit} says why. */
    static final Object MISFIT = new Object();

    private Fit() {
    }

    /**
     * {@code value} (not null) as its column stores it: of the class {@code column}'s type names; {@link #MISFIT} when it
     * does not fit. The writer's hot path (once per value): instanceof tests, no allocation for a value that fits as it is.
     */
    static Object value(Object value, Column column) {
        return switch (column.type()) {
            case BOOL -> value instanceof Boolean ? value : MISFIT;
            case BIGINT -> value instanceof Long ? value : MISFIT;
            case DOUBLE -> value instanceof Double ? value
                    : value instanceof Long l ? (Object) l.doubleValue()
                    : value instanceof BigDecimal d ? (Object) d.doubleValue() : MISFIT;
            case DECIMAL -> value instanceof BigDecimal d ? decimal(d, column)
                    : value instanceof Long l ? decimal(BigDecimal.valueOf(l), column)
                    : value instanceof Double d && Double.isFinite(d) ? decimal(BigDecimal.valueOf(d), column) : MISFIT;
            case DATE -> value instanceof LocalDate ? value : MISFIT;
            case TIMESTAMP -> value instanceof Instant ? value
                    : value instanceof LocalDate d ? d.atStartOfDay().toInstant(ZoneOffset.UTC) : MISFIT;
            case TEXT -> value instanceof String ? value
                    : value instanceof LocalDate || value instanceof Instant ? value.toString() // recognised in text: its text again
                    : MISFIT;
            case JSON -> value instanceof TableRow.Json ? value : new TableRow.Json(json(value));
        };
    }

    /** Why {@code value}, for which {@link #value} answered {@link #MISFIT}, does not fit {@code column}. */
    static String misfit(Object value, Column column) {
        if (column.type() == dev.sluice.ColumnType.DECIMAL && column.precision() > 0
                && (value instanceof BigDecimal || value instanceof Long || value instanceof Double d && Double.isFinite(d))) {
            return "out of range for " + column.dataType();
        }
        return "a " + dev.sluice.ColumnType.of(value).word() + " value in a " + column.dataType() + " column";
    }

    /** The value as JSON text. */
    static String json(Object value) {
        return switch (value) {
            case TableRow.Json j -> j.text();
            case String s -> quoted(s);
            case LocalDate d -> quoted(d.toString());
            case Instant i -> quoted(i.toString());
            case BigDecimal d -> d.toPlainString();
            case Double d when !Double.isFinite(d) -> quoted(d.toString());
            default -> value.toString(); // Boolean, Long, Double
        };
    }

    /** The value as text for a reject: JSON's text for JSON, else its own. */
    static String text(Object value) {
        return switch (value) {
            case TableRow.Json j -> j.text();
            case BigDecimal d -> d.toPlainString();
            default -> value.toString();
        };
    }

    private static String quoted(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    /** Within {@code decimal(p,s)}: rounded to s digits (half even, as PostgreSQL does), at most p - s before the point. */
    private static Object decimal(BigDecimal d, Column column) {
        if (column.precision() == 0) {
            return d;
        }
        BigDecimal rounded = d.setScale(column.scale(), RoundingMode.HALF_EVEN);
        return rounded.precision() - rounded.scale() > column.precision() - column.scale() ? MISFIT : rounded;
    }
}
