package dev.sluice.internal.input;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Printable;
import dev.sluice.Request;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A request written as a JSON object, as a line of JSON Lines input or a value {@code --follow} emits:
 * {@code {"url": "…", "method": "POST", "headers": {"Name": "value"}, "body": …}}, only {@code url} required.
 * {@code body} is a string (sent as its UTF-8) or any other JSON value (sent as its JSON text); null or absent
 * means none. Immutable.
 *
 * @param url     the {@code url} member as written
 * @param method  the method, or null when the object names none
 * @param headers its headers, in order (empty when none)
 * @param body    the body's bytes, or null when none
 */
public record RequestObject(String url, String method, Map<String, String> headers, byte[] body) {

    /** Reads {@code o}; an {@link IllegalArgumentException} says what is wrong with it, naming the member. */
    public static RequestObject read(JsonNode o) {
        if (!o.isObject()) {
            throw new IllegalArgumentException("expected a request object {\"url\": …}, not " + kind(o));
        }
        JsonNode url = o.get("url");
        if (url == null || !url.isTextual() || url.textValue().isBlank()) {
            throw new IllegalArgumentException("a request object needs \"url\", a non-empty string");
        }
        String method = null;
        Map<String, String> headers = Map.of();
        byte[] body = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            JsonNode v = m.getValue();
            switch (m.getKey()) {
                case "url" -> { }
                case "method" -> {
                    if (!v.isNull()) {
                        if (!v.isTextual()) {
                            throw new IllegalArgumentException("\"method\" must be a string, not " + kind(v));
                        }
                        method = v.textValue();
                    }
                }
                case "headers" -> headers = headers(v);
                case "body" -> {
                    if (v.isTextual()) {
                        body = v.textValue().getBytes(StandardCharsets.UTF_8);
                    } else if (!v.isNull()) {
                        body = v.toString().getBytes(StandardCharsets.UTF_8);
                    }
                }
                default -> throw new IllegalArgumentException("unknown member \"" + Printable.of(m.getKey())
                        + "\" (a request object has url, method, headers, body)");
            }
        }
        return new RequestObject(url.textValue().strip(), method, headers, body);
    }

    private static Map<String, String> headers(JsonNode v) {
        if (v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException("\"headers\" must be an object of strings, not " + kind(v));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> h = it.next();
            if (!h.getValue().isTextual() && !h.getValue().isNumber()) {
                throw new IllegalArgumentException("header \"" + Printable.of(h.getKey()) + "\" must be a string, not "
                        + kind(h.getValue()));
            }
            if (!validHeaderName(h.getKey())) {
                throw new IllegalArgumentException("\"" + Printable.of(h.getKey()) + "\" is not a header name");
            }
            headers.put(h.getKey(), h.getValue().asText());
        }
        return headers;
    }

    private static boolean validHeaderName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The request for {@code storedUrl} (this object's URL as stored: resolved, or its password masked): its own
     * method, else {@code defaultMethod}; its own body, else {@code defaultBody}. An {@link IllegalArgumentException}
     * names a method that is not one.
     */
    public Request toRequest(String storedUrl, String defaultMethod, byte[] defaultBody) {
        return new Request(method != null ? method : defaultMethod, storedUrl, headers, body != null ? body : defaultBody);
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> v.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
    }
}
