package dev.sluice.spi;

import dev.sluice.internal.input.RequestObject;
import dev.sluice.internal.input.UrlParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Request;
import dev.sluice.InputSource;

import java.util.Objects;

/**
 * Reads the lines of an input as requests: a URL line is a request of the defaults ({@code --method},
 * {@code --data}), a JSON line a {@link RequestObject} whose own method and body take their place. A line that is
 * not a request Sluice can send is {@link Invalid}, with why, naming its line. Stateless and thread-safe.
 */
public final class InputRequests {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What every request of the input gets unless it says otherwise.
     *
     * @param method {@code --method}
     * @param body   {@code --data}, or null
     */
    public record Defaults(String method, byte[] body) {
        public static final Defaults NONE = new Defaults(Request.GET, null);

        public Defaults {
            Objects.requireNonNull(method, "method");
            new Request(method, "http://check/", null, null); // an IllegalArgumentException for a bad method, now
        }
    }

    /** A line read. */
    public sealed interface Read permits Valid, Invalid {
        Request request();
    }

    /**
     * A request to queue.
     *
     * @param fetchAs the URL to fetch: as the line wrote it, its password (if any) in it; {@code request.url()} is its
     *                canonical form, the password masked
     */
    public record Valid(Request request, String fetchAs) implements Read {
    }

    /** A line that cannot be sent, stored as a failed request keyed as written; {@code detail} says why. */
    public record Invalid(Request request, String detail) implements Read {
    }

    private final InputFormat format;
    private final Defaults defaults;

    public InputRequests(InputFormat format, Defaults defaults) {
        this.format = Objects.requireNonNull(format, "format");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    /** URL lines, GET requests: how a list of URLs is read. */
    public static InputRequests urls() {
        return new InputRequests(InputFormat.LINES, Defaults.NONE);
    }

    /**
     * How it reads, for the record of a run: the format, the default method, and the default body's size and, when it
     * is text, the body itself with named secrets masked ({@link dev.sluice.Secrets#text}).
     */
    public java.util.Map<String, Object> describe() {
        java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("format", format.name().toLowerCase(java.util.Locale.ROOT));
        d.put("method", defaults.method());
        if (defaults.body() != null) {
            d.put("data_bytes", defaults.body().length);
            java.nio.charset.CharsetDecoder utf8 = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
            try {
                d.put("data", dev.sluice.Secrets.text(utf8.decode(java.nio.ByteBuffer.wrap(defaults.body())).toString()));
            } catch (java.nio.charset.CharacterCodingException binary) {
                // a binary body is recorded by its size alone
            }
        }
        return d;
    }

    public Read read(InputSource.Line line) {
        String text = line.text();
        boolean json = format == InputFormat.JSONL || format == InputFormat.AUTO && text.startsWith("{");
        return json ? json(line) : url(line, text, null);
    }

    private Read json(InputSource.Line line) {
        RequestObject o;
        try {
            o = RequestObject.read(JSON.readTree(line.text()));
        } catch (JsonProcessingException e) {
            return invalid(line, Request.get(line.text()), "not JSON: " + jsonProblem(e));
        } catch (IllegalArgumentException e) {
            return invalid(line, Request.get(line.text()), e.getMessage());
        }
        return url(line, o.url(), o);
    }

    /** The request for {@code url}, as {@code o} says (null: a URL line). */
    private Read url(InputSource.Line line, String url, RequestObject o) {
        String key = UrlParser.masked(url);
        Request request;
        try {
            request = o == null ? new Request(defaults.method(), key, null, defaults.body())
                    : o.toRequest(key, defaults.method(), defaults.body());
        } catch (IllegalArgumentException e) { // the method
            return invalid(line, new Request(defaults.method(), key, null, null), e.getMessage());
        }
        try {
            UrlParser.parse(url);
        } catch (UrlParser.InvalidUrlException e) {
            return invalid(line, request, e.getMessage());
        }
        return new Valid(request, url);
    }

    /** Jackson's message without its source excerpt, with the column where it went wrong. */
    private static String jsonProblem(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        int excerpt = message.indexOf(" (start marker at");
        if (excerpt >= 0) {
            message = message.substring(0, excerpt);
        }
        return e.getLocation() == null ? message : message + " (column " + e.getLocation().getColumnNr() + ")";
    }

    private static Invalid invalid(InputSource.Line line, Request request, String why) {
        return new Invalid(request, line.where() + ": " + why);
    }
}
