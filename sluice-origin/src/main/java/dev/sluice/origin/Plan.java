package dev.sluice.origin;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one request asked for through its query parameters, and the answer that follows. Immutable.
 *
 * <p>The answer is the first that applies: {@code location}, {@code redirect=loop}, {@code redirect=N}
 * with N &gt; 0, {@code fail} or {@code throttle}, {@code status} &ge; 400, then a normal body with
 * {@code status} (default 200). {@code latency} and {@code hang} apply before any of them, {@code type},
 * {@code chunked} and {@code truncate} to all of them.
 *
 * <p>Failures: {@code fail=K} fails the first K requests for the URL, {@code throttle=P} (a decimal 0..1)
 * each request with probability P, drawn afresh per request; both answer {@code failStatus} (default 503)
 * with {@code Retry-After: retryAfter} if given.
 *
 * <p>Latency that grows with load: with {@code knee=N} and {@code kneeStep=MS} the delay is {@code latency}
 * plus {@code max(0, inFlight - N) * kneeStep} ms, where inFlight counts the requests in flight for the
 * same {@code Host} header when this one arrives, itself included. {@code ?latency=20&knee=8&kneeStep=20}
 * answers in 20 ms up to 8 in flight, 40 ms at 9, 60 ms at 10. Both default to 0: {@code kneeStep} alone
 * adds its step for every request in flight, {@code knee} alone adds nothing.
 *
 * <p>Conditional requests: with {@code etag=V} a 2xx answer carries {@code ETag: "V"}, with
 * {@code lastModified=EPOCHSECONDS} {@code Last-Modified} as an HTTP date. A request that these validators
 * leave {@linkplain Conditions#notModified not modified} ({@code If-None-Match} matching {@code "V"} or, when
 * no {@code If-None-Match} was sent, {@code If-Modified-Since} not earlier than {@code lastModified}) is
 * answered 304 with the same validators and no body instead. Without validators the conditional headers
 * are ignored.
 *
 * @param latencyMs    delay before answering, a range already drawn
 * @param knee         requests in flight at the same host that add no delay
 * @param kneeStep     delay added per request in flight beyond the knee
 * @param throttled    whether {@code throttle} drew this request to fail
 * @param retryAfter   value of {@code Retry-After} on failures, or null
 * @param etag         entity tag of 2xx answers, unquoted, or null
 * @param lastModified {@code Last-Modified} of 2xx answers, or null
 * @param size         exact body length, or -1 for the default body
 * @param redirects    redirects still to answer before a normal answer
 * @param type         {@code Content-Type} the query asks for, or null for the route's own
 * @param location     a redirect target passed verbatim, or null
 * @param route        where the normal answer comes from: the path's
 */
record Plan(
        Query query,
        Route route,
        long latencyMs,
        int knee,
        int kneeStep,
        int hangFirst,
        long hangMs,
        int status,
        int fail,
        boolean throttled,
        int failStatus,
        String retryAfter,
        String etag,
        Instant lastModified,
        int size,
        boolean malformed,
        String type,
        int redirects,
        boolean redirectLoop,
        String location,
        Reply.Framing framing) {

    /** Largest {@code size} served, so a typo cannot exhaust the heap. */
    static final int MAX_SIZE = 64 << 20;

    private static final Pattern LATENCY = Pattern.compile("(\\d{1,9})(?:-(\\d{1,9}))?");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,9}");
    /** Visible ASCII but the quote, which ends an entity tag, and the comma, which separates them. */
    private static final Pattern ETAG = Pattern.compile("[\\x21\\x23-\\x2b\\x2d-\\x7e]+");
    /** Up to year 5138: within the four-digit years of an HTTP date. */
    private static final Pattern EPOCH_SECONDS = Pattern.compile("\\d{1,11}");
    private static final Pattern PROBABILITY = Pattern.compile("[01]?\\.\\d{1,9}|[01]");

    /** Reads the parameters of a request for the default item; throws as {@link #of(String, Query)}. */
    static Plan of(Query q) {
        return of("/", q);
    }

    /**
     * Reads the path's route and the parameters; throws {@link IllegalArgumentException} naming the first
     * bad one. A route's own latency (a site's {@code MSms} segment) adds to {@code latency}.
     */
    static Plan of(String path, Query q) {
        Route route = Route.of(path, q);
        boolean loop = "loop".equals(q.get("redirect"));
        int size = number(q, "size", -1);
        if (size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be at most " + MAX_SIZE + ": " + size);
        }
        return new Plan(
                q,
                route,
                latency(q.get("latency")) + route.latencyMs(),
                number(q, "knee", 0),
                number(q, "kneeStep", 0),
                hangFirst(q.get("hang")),
                number(q, "hangMs", 120_000),
                status(q, "status", 200),
                number(q, "fail", 0),
                throttled(q.get("throttle")),
                status(q, "failStatus", 503),
                headerValue(q, "retryAfter"),
                etag(q.get("etag")),
                lastModified(q.get("lastModified")),
                size,
                malformed(q.get("body")),
                headerValue(q, "type"),
                loop ? 0 : number(q, "redirect", 0),
                loop,
                headerValue(q, "location"),
                q.has("truncate") ? Reply.Framing.TRUNCATED
                        : q.has("chunked") ? Reply.Framing.CHUNKED : Reply.Framing.FIXED);
    }

    /**
     * How long to wait before answering.
     *
     * @param inFlightAtHost requests in flight for the same {@code Host} header, this one included
     */
    long delayMs(int inFlightAtHost) {
        return latencyMs + Math.max(0, inFlightAtHost - knee) * (long) kneeStep;
    }

    /**
     * The answer to a request for {@code path} with this query.
     *
     * @param authority  host and port the client addressed, for redirects that keep it
     * @param conditions the request's conditional headers
     */
    Reply reply(String path, String authority, Counters.Arrival arrival, Conditions conditions) {
        if (location != null) {
            return redirect(location);
        }
        String here = "http://" + authority + path + "?";
        if (redirectLoop) {
            return redirect(here + query);
        }
        if (redirects > 0) {
            return redirect(here + query.with("redirect", Integer.toString(redirects - 1)));
        }
        if (arrival.numberForUrl() <= fail || throttled) {
            return failure(failStatus);
        }
        if (status >= 400) {
            return failure(status);
        }
        Map<String, String> validators = status < 300 ? validators() : Map.of();
        if (!validators.isEmpty() && conditions.notModified(etag, lastModified)) {
            return answer(304, validators, new byte[0], Route.JSON);
        }
        Route.Content content = malformed ? Route.Content.json(Bodies.malformed())
                : size >= 0 ? Route.Content.json(Bodies.padded(size))
                : route.content(path, authority, arrival.number());
        if (content.status() != 200) {
            // The route has no such page: its answer (404), not the status the query asks for.
            return answer(content.status(), content.headers(), content.body(), Route.JSON);
        }
        Map<String, String> headers = new HashMap<>(content.headers());
        headers.putAll(validators);
        return answer(status, headers, content.body(), content.type());
    }

    private Map<String, String> validators() {
        Map<String, String> headers = new HashMap<>();
        if (etag != null) {
            headers.put("ETag", "\"" + etag + "\"");
        }
        if (lastModified != null) {
            headers.put("Last-Modified", Conditions.httpDate(lastModified));
        }
        return headers;
    }

    private Reply redirect(String target) {
        return new Reply(302, Map.of("Location", target), new byte[0], framing);
    }

    private Reply failure(int code) {
        return answer(code, retryAfter == null ? Map.of() : Map.of("Retry-After", retryAfter), Bodies.error(code),
                Route.JSON);
    }

    private Reply answer(int code, Map<String, String> headers, byte[] body, String routeType) {
        if (code == 204 || code == 304) {
            // These statuses carry no body, so there is nothing to frame either.
            return new Reply(code, headers, new byte[0], Reply.Framing.FIXED);
        }
        Map<String, String> all = new HashMap<>(headers);
        all.put("Content-Type", Objects.requireNonNullElse(type, routeType));
        return new Reply(code, all, body, framing);
    }

    private static long latency(String value) {
        if (value == null) {
            return 0;
        }
        Matcher m = LATENCY.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("latency must be MS or LO-HI: " + value);
        }
        long lo = Long.parseLong(m.group(1));
        long hi = m.group(2) == null ? lo : Long.parseLong(m.group(2));
        if (hi < lo) {
            throw new IllegalArgumentException("latency range must be LO-HI with LO <= HI: " + value);
        }
        return ThreadLocalRandom.current().nextLong(lo, hi + 1);
    }

    private static boolean throttled(String value) {
        if (value == null) {
            return false;
        }
        double p = PROBABILITY.matcher(value).matches() ? Double.parseDouble(value) : -1;
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("throttle must be a decimal 0..1: " + value);
        }
        // nextDouble() is below 1 and at least 0: 1 always throttles, 0 never.
        return ThreadLocalRandom.current().nextDouble() < p;
    }

    private static String etag(String value) {
        if (value != null && !ETAG.matcher(value).matches()) {
            throw new IllegalArgumentException("etag must be visible ASCII without '\"' or ',': " + value);
        }
        return value;
    }

    private static Instant lastModified(String value) {
        if (value == null) {
            return null;
        }
        if (!EPOCH_SECONDS.matcher(value).matches()) {
            throw new IllegalArgumentException("lastModified must be epoch seconds, at most 11 digits: " + value);
        }
        return Instant.ofEpochSecond(Long.parseLong(value));
    }

    /** {@code hang} alone hangs every request for the URL, {@code hang=K} its first K. */
    private static int hangFirst(String value) {
        if (value == null) {
            return 0;
        }
        if (value.isEmpty()) {
            return Integer.MAX_VALUE;
        }
        if (!NUMBER.matcher(value).matches()) {
            throw new IllegalArgumentException("hang must be empty or a non-negative integer: " + value);
        }
        return Integer.parseInt(value);
    }

    /** Whether this request hangs (the URL's {@code numberForUrl}-th, from 1). */
    boolean hangs(int numberForUrl) {
        return numberForUrl <= hangFirst;
    }

    private static int number(Query q, String name, int absent) {
        String value = q.get(name);
        if (value == null) {
            return absent;
        }
        if (!NUMBER.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " must be a non-negative integer: " + value);
        }
        return Integer.parseInt(value);
    }

    private static int status(Query q, String name, int absent) {
        int status = number(q, name, absent);
        // 1xx are interim answers, not something to end an exchange with.
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException(name + " must be 200..599: " + status);
        }
        return status;
    }

    private static String headerValue(Query q, String name) {
        String value = q.get(name);
        if (value != null && value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
            throw new IllegalArgumentException(name + " must not contain control characters");
        }
        return value;
    }

    private static boolean malformed(String body) {
        if (body != null && !body.equals("malformed")) {
            throw new IllegalArgumentException("body must be 'malformed': " + body);
        }
        return body != null;
    }
}
