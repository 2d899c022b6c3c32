package dev.sluice;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;

/**
 * The type of a table column, as declared ({@code --extract 'price:double=…'}) or inferred from the values seen. The
 * Java class a {@link TableRow} holds for each: {@link Boolean}, {@link Long}, {@link BigDecimal}, {@link Double},
 * {@link LocalDate}, {@link Instant} (UTC), {@link String}, {@link TableRow.Json}.
 *
 * <p>An inferred type only widens: {@code bigint} to {@code decimal} to {@code double}; {@code date} to {@code
 * timestamp}; a date or timestamp recognised in text to {@code text} when text that is neither arrives; anything to
 * {@code json} in a {@code json} column. Any other mix (text where a number was) does not fit: that value is rejected.
 */
public enum ColumnType {
    BOOL("bool"), BIGINT("bigint"), DECIMAL("decimal"), DOUBLE("double"), DATE("date"), TIMESTAMP("timestamp"),
    TEXT("text"), JSON("json");

    private final String word;

    ColumnType(String word) {
        this.word = word;
    }

    /** The type's word in {@code --extract} and in the schema catalog: {@code bigint}, {@code double}, … */
    public String word() {
        return word;
    }

    /** The type of a word as {@code --extract} writes it (case-insensitive; {@code decimal} without its precision). */
    public static ColumnType ofWord(String word) {
        String w = word.trim().toLowerCase(Locale.ROOT);
        for (ColumnType t : values()) {
            if (t.word.equals(w)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown type '" + word + "': one of bool, bigint, decimal(p,s), double, date, "
                + "timestamp, text, json");
    }

    /** The type of a value a {@link TableRow} holds; null for null. */
    public static ColumnType of(Object value) {
        // instanceof tests, not a pattern switch: this runs once per value stored, and a switch over classes
        // bootstraps a type switch that costs more than the tests
        if (value == null) {
            return null;
        } else if (value instanceof String) {
            return TEXT;
        } else if (value instanceof Long) {
            return BIGINT;
        } else if (value instanceof Double) {
            return DOUBLE;
        } else if (value instanceof Boolean) {
            return BOOL;
        } else if (value instanceof TableRow.Json) {
            return JSON;
        } else if (value instanceof BigDecimal) {
            return DECIMAL;
        } else if (value instanceof LocalDate) {
            return DATE;
        } else if (value instanceof Instant) {
            return TIMESTAMP;
        }
        throw new IllegalArgumentException("not a table value: " + value.getClass().getName());
    }

    /**
     * The narrowest type holding values of both, for an inferred column; null when they do not mix. {@code fromText}
     * says whether this column's dates and timestamps were recognised in text (then text widens them).
     */
    public ColumnType widen(ColumnType other, boolean fromText) {
        if (other == this) {
            return this;
        }
        if (this == JSON || other == JSON) {
            return JSON;
        }
        if (numeric() && other.numeric()) {
            return this == DOUBLE || other == DOUBLE ? DOUBLE : DECIMAL;
        }
        if (temporal() && other.temporal()) {
            return TIMESTAMP;
        }
        if (fromText && (temporal() && other == TEXT || this == TEXT && other.temporal())) {
            return TEXT;
        }
        return null;
    }

    private boolean numeric() {
        return this == BIGINT || this == DECIMAL || this == DOUBLE;
    }

    private boolean temporal() {
        return this == DATE || this == TIMESTAMP;
    }

    @Override
    public String toString() {
        return word;
    }
}
