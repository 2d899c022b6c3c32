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

    /** A value fitted to its column, or why it does not fit. */
    record Fitted(Object value, String misfit) {
        static Fitted of(Object value) {
            return new Fitted(value, null);
        }

        static Fitted not(String why) {
            return new Fitted(null, why);
        }

        boolean fits() {
            return misfit == null;
        }
    }

    private Fit() {
    }

    /** {@code value} (not null) as its column stores it: of the class {@code column}'s type names. */
    static Fitted fit(Object value, Column column) {
        return switch (column.type()) {
            case BOOL -> value instanceof Boolean ? Fitted.of(value) : mismatch(value, column);
            case BIGINT -> value instanceof Long ? Fitted.of(value) : mismatch(value, column);
            case DECIMAL -> switch (value) {
                case Long l -> decimal(BigDecimal.valueOf(l), column);
                case BigDecimal d -> decimal(d, column);
                case Double d when Double.isFinite(d) -> decimal(BigDecimal.valueOf(d), column);
                default -> mismatch(value, column);
            };
            case DOUBLE -> switch (value) {
                case Long l -> Fitted.of(l.doubleValue());
                case BigDecimal d -> Fitted.of(d.doubleValue());
                case Double d -> Fitted.of(d);
                default -> mismatch(value, column);
            };
            case DATE -> value instanceof LocalDate ? Fitted.of(value) : mismatch(value, column);
            case TIMESTAMP -> switch (value) {
                case Instant i -> Fitted.of(i);
                case LocalDate d -> Fitted.of(d.atStartOfDay().toInstant(ZoneOffset.UTC));
                default -> mismatch(value, column);
            };
            case TEXT -> switch (value) {
                case String s -> Fitted.of(s);
                case LocalDate d -> Fitted.of(d.toString()); // a date recognised in text: its text again
                case Instant i -> Fitted.of(i.toString());
                default -> mismatch(value, column);
            };
            case JSON -> Fitted.of(new TableRow.Json(json(value)));
        };
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
    private static Fitted decimal(BigDecimal d, Column column) {
        if (column.precision() == 0) {
            return Fitted.of(d);
        }
        BigDecimal rounded = d.setScale(column.scale(), RoundingMode.HALF_EVEN);
        if (rounded.precision() - rounded.scale() > column.precision() - column.scale()) {
            return Fitted.not("out of range for " + column.dataType());
        }
        return Fitted.of(rounded);
    }

    private static Fitted mismatch(Object value, Column column) {
        return Fitted.not("a " + dev.sluice.ColumnType.of(value).word() + " value in a " + column.dataType() + " column");
    }
}
