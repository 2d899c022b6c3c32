package dev.sluice.internal.extract;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * A JSON value's compact text, as {@link JsonNode#toString()} writes it, without making a generator for each
 * value: an API's list of 2,400 objects has 2,400 small lists kept as JSON text ({@code --max-nesting}), and
 * Jackson's {@code toString()} spent more CPU on setting up its writer than on writing. Stateless.
 */
final class JsonText {
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

    private JsonText() {
    }

    /** {@code node}'s JSON text. */
    static String of(JsonNode node) {
        if (node.isTextual()) {
            return quoted(node.textValue());
        }
        if (!node.isContainerNode()) {
            return scalar(node);
        }
        StringBuilder b = new StringBuilder(64);
        append(node, b);
        return b.toString();
    }

    /**
     * Appends {@code node}'s text; recursive, as deep as the value is nested (the parser bounds that, {@link
     * JsonReaders}).
     */
    private static void append(JsonNode node, StringBuilder b) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                b.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> m : node.properties()) {
                    if (!first) {
                        b.append(',');
                    }
                    first = false;
                    quote(m.getKey(), b);
                    b.append(':');
                    append(m.getValue(), b);
                }
                b.append('}');
            }
            case ARRAY -> {
                b.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    append(node.get(i), b);
                }
                b.append(']');
            }
            case STRING -> quote(node.textValue(), b);
            default -> b.append(scalar(node));
        }
    }

    /** A number, a boolean or null as Jackson's generator writes it: a number that is not finite quoted. */
    private static String scalar(JsonNode node) {
        String text = node.asText();
        return node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue()) ? '"' + text + '"' : text;
    }

    private static String quoted(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        quote(s, b);
        return b.toString();
    }

    private static void quote(String s, StringBuilder b) {
        b.append('"');
        QUOTE.quoteAsString(s, b);
        b.append('"');
    }
}
