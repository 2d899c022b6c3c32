package dev.sluice.internal.extract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.TableRow;

import java.math.BigDecimal;

/**
 * The values sources yield, between Java and text: a value as text (for steps, text columns and rejects), text
 * trimmed, and a JSON value as a table holds it. Stateless.
 */
final class Values {
    private Values() {
    }

    /** {@code v} as text: a string itself, a JSON value its text, a decimal without exponent, else its ISO form. */
    static String text(Object v) {
        return switch (v) {
            case null -> null;
            case String s -> s;
            case TableRow.Json j -> j.text();
            case BigDecimal d -> d.toPlainString();
            default -> v.toString();
        };
    }

    /**
     * {@code s} without leading and trailing white space, no-break spaces included ({@code &nbsp;} is U+00A0 once
     * jsoup has decoded it); null when nothing is left: an empty value is a missing one.
     */
    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && blank(s.charAt(start))) {
            start++;
        }
        while (end > start && blank(s.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return null;
        }
        return start == 0 && end == s.length() ? s : s.substring(start, end);
    }

    private static boolean blank(char c) {
        return c <= ' ' || Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    /**
     * A JSON value as a table holds it: a string as it is, an integral number a {@link Long} (beyond its range a
     * {@link BigDecimal}), any other number a {@link Double}, a boolean a {@link Boolean}, null null, an object or an
     * array its JSON text ({@link TableRow.Json}).
     */
    static Object of(JsonNode n) {
        return switch (n.getNodeType()) {
            case STRING -> n.textValue();
            case NUMBER -> number(n);
            case BOOLEAN -> n.booleanValue();
            case NULL, MISSING -> null;
            default -> new TableRow.Json(JsonText.of(n));
        };
    }

    private static Object number(JsonNode n) {
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() ? (Object) n.longValue() : new BigDecimal(n.bigIntegerValue());
        }
        return n.isBigDecimal() ? n.decimalValue() : (Object) n.doubleValue();
    }
}
