package dev.sluice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.internal.input.UrlParser;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One request of a job: a method, a URL, its own headers and a body. What the frontier holds, what a worker
 * fetches, and what a result is stored under. Immutable (nobody may modify the body's bytes) and thread-safe.
 *
 * <p>Its {@linkplain #id() identity} is the key of its rows in every table: the first 128 bits of SHA-256 over
 * the method, the URL in its canonical form ({@link UrlParser#canonical}: scheme and host lower-cased, a default
 * port and the fragment dropped, an empty path made {@code /}) and the body, as 32 hex digits. So
 * {@code http://Example.com:80/a#top} and {@code http://example.com/a} are one request, and two POSTs to one URL
 * with different bodies are two. Headers are not part of it: they say how to ask, not what is asked for.
 *
 * @see #identity(String, String, byte[]) the exact bytes hashed
 */
public final class Request {
    public static final String GET = "GET";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    /** One digest per thread: {@code getInstance} looks the provider up each time (a fifth of a hash's cost). */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });

    private final String method;
    private final String url;
    private final Map<String, String> headers;
    private final byte[] body;
    private final String id;

    /**
     * @param method  an HTTP method token, upper-cased here
     * @param url     the URL, its password masked ({@link UrlParser#masked}); kept in its canonical form
     * @param headers the request's own headers, in order (they take the place of {@code -H} headers of the same
     *                name); empty when none
     * @param body    the body, or null for none (an empty body is none)
     */
    public Request(String method, String url, Map<String, String> headers, byte[] body) {
        this.method = checkedMethod(method);
        this.url = UrlParser.canonical(Objects.requireNonNull(url, "url"));
        this.headers = headers == null || headers.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        this.body = body == null || body.length == 0 ? null : body;
        this.id = hash(this.method, this.url, this.body);
    }

    private Request(String id, String method, String url, Map<String, String> headers, byte[] body) {
        this.id = Objects.requireNonNull(id, "id");
        this.method = Objects.requireNonNull(method, "method");
        this.url = Objects.requireNonNull(url, "url");
        this.headers = headers.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        this.body = body == null || body.length == 0 ? null : body;
    }

    /**
     * A request as a row of the database keeps it, under the identity and canonical URL stored with it: the key its
     * result must be stored under, taken as it is rather than worked out again (one hash less per claim).
     */
    public static Request stored(String id, String method, String url, Map<String, String> headers, byte[] body) {
        return new Request(id, method, url, headers, body);
    }

    /** A GET of {@code url}, with no headers of its own: most requests. */
    public static Request get(String url) {
        return new Request(GET, url, null, null);
    }

    /**
     * The identity of a request: hex of the first 16 bytes of SHA-256 over the UTF-8 of {@code METHOD}, a space,
     * the canonical URL and a line feed, followed by the body's bytes (none when null). The same function keys the
     * rows migrated from databases that knew only URLs (a GET without a body).
     */
    public static String identity(String method, String url, byte[] body) {
        return hash(method, UrlParser.canonical(url), body);
    }

    private static String hash(String method, String canonicalUrl, byte[] body) {
        MessageDigest sha = SHA256.get();
        sha.update((method + " " + canonicalUrl + "\n").getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            sha.update(body);
        }
        return HEX.formatHex(sha.digest(), 0, 16);
    }

    private static String checkedMethod(String method) {
        Objects.requireNonNull(method, "method");
        if (method.isEmpty()) {
            throw new IllegalArgumentException("an empty method");
        }
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            // RFC 9110 token characters
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                throw new IllegalArgumentException("'" + method + "' is not an HTTP method");
            }
        }
        return method.toUpperCase(Locale.ROOT);
    }

    public String method() {
        return method;
    }

    /** The URL in its canonical form, its password masked: what rows keep. */
    public String url() {
        return url;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The body; null when none. Not to be modified. */
    public byte[] body() {
        return body;
    }

    /** Its identity, the key of its rows (32 hex digits). */
    public String id() {
        return id;
    }

    /** This request for another URL (same method, headers and body): a next page of a paginated POST. */
    public Request withUrl(String other) {
        return new Request(method, other, headers, body);
    }

    /** The headers as a JSON object text, as {@code queue.headers} keeps them; null when there are none. */
    public String headersJson() {
        if (headers.isEmpty()) {
            return null;
        }
        ObjectNode o = JSON.createObjectNode();
        headers.forEach(o::put);
        return o.toString();
    }

    /** Headers as {@link #headersJson} wrote them (null: none). */
    public static Map<String, String> headersFromJson(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            JsonNode o = JSON.readTree(json);
            Map<String, String> headers = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> h = it.next();
                headers.put(h.getKey(), h.getValue().asText());
            }
            return headers;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored headers are not a JSON object: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Request r && r.id.equals(id) && r.headers.equals(headers);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    /** The method and URL, as messages show a request ({@code POST https://…}); a GET as its URL alone. */
    @Override
    public String toString() {
        return method.equals(GET) ? url : method + " " + url;
    }
}
