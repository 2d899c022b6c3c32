package dev.sluice.internal.extract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.ColumnType;
import dev.sluice.TableRow;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A field's declared type ({@code price:decimal(10,2)=…}) and the strict conversion of a value to it: text that
 * spells a value of the type converts ({@code "19.99"} to a double), anything else is a {@link Failure} saying why
 * ({@code not a number}); nothing is guessed ({@code "$5"} is not a number: {@code | num} reads it). Immutable.
 *
 * @param precision for {@code decimal(p,s)}, p; else 0
 * @param scale     for {@code decimal(p,s)}, s; else 0
 */
record Declared(ColumnType type, int precision, int scale) {
    private static final Pattern DECIMAL = Pattern.compile("decimal\\s*\\(\\s*(\\d{1,4})\\s*(?:,\\s*(\\d{1,4})\\s*)?\\)");
    /** The largest precision a decimal column may declare (PostgreSQL's numeric). */
    private static final int MAX_PRECISION = 1000;

    /** The type a field's spec writes: a {@link ColumnType#ofWord word}, or {@code decimal(p,s)} / {@code decimal(p)}. */
    static Declared parse(String word) {
        String w = word.strip().toLowerCase(Locale.ROOT);
        Matcher m = DECIMAL.matcher(w);
        if (m.matches()) {
            int p = Integer.parseInt(m.group(1));
            int s = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
            if (p < 1 || p > MAX_PRECISION || s > p) {
                throw new BadSpec("type '" + word.strip() + "': decimal(p,s) needs 1 <= p <= " + MAX_PRECISION
                        + " and s <= p");
            }
            return new Declared(ColumnType.DECIMAL, p, s);
        }
        try {
            return new Declared(ColumnType.ofWord(w), 0, 0);
        } catch (IllegalArgumentException e) {
            throw new BadSpec(e.getMessage());
        }
    }

    /** {@code v} (not null) as a value of this type, or a {@link Failure} saying why it is none. */
    Object coerce(Object v) throws Failure {
        return switch (type) {
            case BOOL -> bool(v);
            case BIGINT -> whole(v);
            case DECIMAL -> decimal(v);
            case DOUBLE -> real(v);
            case DATE -> date(v);
            case TIMESTAMP -> timestamp(v);
            case TEXT -> Values.text(v);
            case JSON -> json(v);
        };
    }

    private static Boolean bool(Object v) throws Failure {
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v instanceof String || v instanceof Long ? v.toString().toLowerCase(Locale.ROOT) : "";
        return switch (s) {
            case "true", "1" -> Boolean.TRUE;
            case "false", "0" -> Boolean.FALSE;
            default -> throw new Failure("not a boolean (true, false, 1 or 0)", v);
        };
    }

    /** {@code v} as a number: a number itself, or text that is one and nothing else ({@link Numbers#strict}). */
    static BigDecimal number(Object v) throws Failure {
        switch (v) {
            case BigDecimal d -> {
                return d;
            }
            case Long l -> {
                return BigDecimal.valueOf(l);
            }
            case Double d when Double.isFinite(d) -> {
                return BigDecimal.valueOf(d);
            }
            case String s -> {
                BigDecimal d = Numbers.strict(s);
                if (d != null) {
                    return d;
                }
            }
            default -> {
            }
        }
        throw new Failure("not a number", v);
    }

    /** {@code v} as a whole number in the range of a long. */
    static Long whole(Object v) throws Failure {
        if (v instanceof Long l) {
            return l;
        }
        BigDecimal d = number(v);
        if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
            throw new Failure("not a whole number", v);
        }
        try {
            return d.longValueExact();
        } catch (ArithmeticException e) {
            throw new Failure("out of range for bigint", v);
        }
    }

    private BigDecimal decimal(Object v) throws Failure {
        BigDecimal d = number(v);
        if (precision == 0) {
            if (d.precision() - d.scale() > MAX_PRECISION || d.scale() > MAX_PRECISION) {
                throw new Failure("out of range for decimal", v);
            }
            return d;
        }
        BigDecimal r = d.setScale(scale, RoundingMode.HALF_UP);
        if (r.precision() - r.scale() > precision - scale) {
            throw new Failure("does not fit decimal(" + precision + "," + scale + ")", v);
        }
        return r;
    }

    private static Double real(Object v) throws Failure {
        if (v instanceof Double d) {
            return d;
        }
        double d = number(v).doubleValue();
        if (!Double.isFinite(d)) {
            throw new Failure("out of range for double", v);
        }
        return d;
    }

    private static LocalDate date(Object v) throws Failure {
        switch (v) {
            case LocalDate d -> {
                return d;
            }
            case Instant i -> throw new Failure("has a time of day: not a date", v);
            case String s when IsoTimes.recognise(s) instanceof LocalDate d -> {
                return d;
            }
            default -> throw new Failure("not a date (yyyy-MM-dd; date:FORMAT reads others)", v);
        }
    }

    private static Instant timestamp(Object v) throws Failure {
        switch (v) {
            case Instant i -> {
                return i;
            }
            case LocalDate d -> {
                return d.atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            case String s -> {
                Instant i = IsoTimes.instant(s);
                if (i != null) {
                    return i;
                }
            }
            default -> {
            }
        }
        throw new Failure("not a timestamp (ISO-8601; date:FORMAT reads others)", v);
    }

    private static TableRow.Json json(Object v) throws Failure {
        switch (v) {
            case TableRow.Json j -> {
                return j;
            }
            case String s -> {
                try {
                    JsonNode n = JsonReaders.STRICT.readTree(s);
                    if (n != null && !n.isMissingNode()) {
                        return new TableRow.Json(JsonText.of(n));
                    }
                } catch (JsonProcessingException e) {
                    // not JSON: rejected below
                }
                throw new Failure("not JSON", v);
            }
            case LocalDate d -> {
                return new TableRow.Json('"' + d.toString() + '"');
            }
            case Instant i -> {
                return new TableRow.Json('"' + i.toString() + '"');
            }
            default -> {
                return new TableRow.Json(Values.text(v));
            }
        }
    }
}
