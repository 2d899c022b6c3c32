package dev.sluice.internal.discover;

import dev.sluice.Lineage;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Printable;
import dev.sluice.Request;
import dev.sluice.internal.input.RequestObject;
import dev.sluice.internal.process.JqProgram;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * A {@code --follow JQ} rule: every value the expression emits on the JSON body is a request. A string is a URL
 * (a relative one resolved against the response's final URI) to GET; an object is a request
 * ({@link RequestObject}: {@code {"url": …, "method": …, "headers": {…}, "body": …}}, its URL resolved the same way,
 * a GET unless it names a method). Anything else is an error naming its type; so is a string that is not an http(s)
 * URL. Thread-safe (immutable).
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
                    page.add(request(page, v), Lineage.FOLLOW, 1);
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

    /** The request {@code v} names: a URL string (a GET), or a request object whose URL is resolved the same way. */
    private Request request(Page page, JsonNode v) throws Exception {
        RequestObject o = null;
        String ref;
        if (v.isTextual()) {
            ref = v.textValue();
        } else if (v.isObject()) {
            try {
                o = RequestObject.read(v);
            } catch (IllegalArgumentException e) {
                throw fail(e.getMessage() + ": " + Printable.of(v.toString()));
            }
            ref = o.url();
        } else {
            throw fail("emitted " + Paginate.type(v) + (v.isNull() ? "" : " (" + Printable.of(v.toString()) + ")") + ", expected a URL string or a "
                    + "request object {\"url\": …}" + (v.isNull() ? "; add '// empty' to skip missing ones" : ""));
        }
        String url;
        try {
            url = Urls.resolve(page.response.finalUri(), ref);
        } catch (Urls.BadUrl e) {
            throw fail("'" + Printable.of(ref) + "' is not a URL Sluice can fetch: " + e.getMessage());
        }
        if (o == null) {
            return Request.get(url);
        }
        try {
            return o.toRequest(url, Request.GET, null);
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage());
        }
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
