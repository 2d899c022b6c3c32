package dev.sluice.discover;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Printable;
import dev.sluice.process.JqProgram;
import net.thisptr.jackson.jq.exception.JsonQueryException;

import java.util.Iterator;
import java.util.Map;

/**
 * A {@code --follow JQ} rule: every value the expression emits on the JSON body is a request. A string is a URL
 * (a relative one resolved against the response's final URI); an object is a request, for now only
 * {@code {"url": "…"}} (with {@code "method": "GET"} allowed, and {@code headers} or {@code body} null or empty):
 * other methods, headers and bodies are refused until Sluice sends them. Anything else is an error naming its
 * type; so is a string that is not an http(s) URL. Thread-safe (immutable).
 */
final class Follow {
    private final String expression;
    private final JqProgram program;

    private Follow(String expression, JqProgram program) {
        this.expression = expression;
        this.program = program;
    }

    static Follow compile(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("--follow: a jq expression is required");
        }
        try {
            return new Follow(expression, JqProgram.compile(expression));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--follow '" + expression + "': " + e.getMessage(), e);
        }
    }

    void discover(Page page) throws Exception {
        JsonNode json = page.json();
        if (json == null) {
            return; // an empty body
        }
        try {
            program.apply(json, v -> {
                try {
                    page.add(url(page, v), Lineage.FOLLOW, 1);
                } catch (Exception e) {
                    throw new Refused(e.getMessage());
                }
            });
        } catch (Refused e) {
            throw new Exception(e.getMessage());
        } catch (JsonQueryException e) {
            throw new Exception("--follow '" + expression + "': jq failed: " + e.getMessage(), e);
        }
    }

    private String url(Page page, JsonNode v) throws Exception {
        String ref;
        if (v.isTextual()) {
            ref = v.textValue();
        } else if (v.isObject()) {
            ref = request(v);
        } else {
            throw fail("emitted " + Paginate.type(v) + (v.isNull() ? "" : " (" + Printable.of(v.toString()) + ")") + ", expected a URL string or a "
                    + "request object {\"url\": …}" + (v.isNull() ? "; add '// empty' to skip missing ones" : ""));
        }
        try {
            return Urls.resolve(page.response.finalUri(), ref);
        } catch (Urls.BadUrl e) {
            throw fail("'" + Printable.of(ref) + "' is not a URL Sluice can fetch: " + e.getMessage());
        }
    }

    private String request(JsonNode o) throws Exception {
        JsonNode url = o.get("url");
        if (url == null || !url.isTextual()) {
            throw fail("a request object needs \"url\", a string: " + Printable.of(o.toString()));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            JsonNode v = m.getValue();
            switch (m.getKey()) {
                case "url" -> { }
                case "method" -> {
                    if (!v.isNull() && !(v.isTextual() && v.textValue().equalsIgnoreCase("GET"))) {
                        throw fail("method " + Printable.of(v.toString()) + ": requests other than GET are not supported yet");
                    }
                }
                case "headers", "body" -> {
                    if (!v.isNull() && !(v.isContainerNode() && v.isEmpty()) && !(v.isTextual() && v.textValue().isEmpty())) {
                        throw fail("\"" + m.getKey() + "\": requests other than a plain GET are not supported yet");
                    }
                }
                default -> throw fail("unknown member \"" + Printable.of(m.getKey())
                        + "\" of a request object (url, method, headers, body)");
            }
        }
        return url.textValue();
    }

    private Exception fail(String why) {
        return new Exception("--follow '" + expression + "': " + why);
    }

    /** Carries a refused value out of jq's output callback, which may throw only unchecked exceptions. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
