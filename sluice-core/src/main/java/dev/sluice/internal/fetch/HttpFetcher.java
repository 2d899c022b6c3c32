package dev.sluice.internal.fetch;

import dev.sluice.ErrorKind;
import dev.sluice.Request;
import dev.sluice.SluiceConfig;
import dev.sluice.Validators;
import dev.sluice.internal.input.UrlParser;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One attempt at a request: its method, headers and body, with redirects followed by hand (so each hop is checked), the whole
 * attempt bounded by one deadline, the body bounded in size after decoding. Returns a typed
 * {@link Attempt}; never throws for an HTTP or network problem.
 *
 * <p>Protocols: https negotiates HTTP/2 by ALPN when the server offers it (then one connection per
 * host, or a few when many requests start at once, carries them all as concurrent streams), HTTP/1.1
 * otherwise; plain http is always HTTP/1.1, over kept-alive connections pooled per host. Bodies: every
 * request asks for gzip, deflate and br (unless the user's headers say otherwise), and the fetch thread
 * decodes them ({@link BodyDecoder}).
 *
 * <p>Threading: {@link #fetch} blocks its caller, which should be a virtual thread (a fetch thread),
 * and decodes encoded bodies on it; Jetty's own I/O runs on a small pool of platform threads
 * ({@code sluice-http}), where the selectors also run our non-blocking response listener, and one
 * scheduler thread ({@link JettyClients}), all stopped by {@link #close()}. Thread-safe.
 */
public final class HttpFetcher implements AutoCloseable {
    private static final int[] REDIRECTS = {301, 302, 303, 307, 308};

    private final JettyClients clients;
    /** Every request's headers, made once: Jetty then copies references, not names it must look up. */
    private final List<HttpField> headers;
    /** Whether {@code -H} names a Content-Type: then a request with a body gets no default one. */
    private final boolean contentTypeGiven;
    private final long timeoutMillis;
    private final long maxBodyBytes;
    private final int maxRedirects;
    private final Clock clock;

    /** A fetcher whose https connections trust the JDK's default trust store, loaded on the first one. */
    public HttpFetcher(SluiceConfig config, Clock clock) {
        this(config, clock, new LazyTls());
    }

    /**
     * A fetcher whose https connections use {@code tls}: its trust managers decide which servers are
     * trusted, its key managers what client certificate is shown. Host names are still verified.
     */
    public HttpFetcher(SluiceConfig config, Clock clock, SSLContext tls) {
        this(config, clock, given(tls));
    }

    private HttpFetcher(SluiceConfig config, Clock clock, SslContextFactory.Client tls) {
        this.headers = config.effectiveHeaders().stream().map(h -> new HttpField(h.name(), h.value())).toList();
        this.contentTypeGiven = config.hasHeader("content-type");
        this.timeoutMillis = config.timeout().toMillis();
        this.maxBodyBytes = config.maxBodyBytes();
        this.maxRedirects = config.maxRedirects();
        this.clock = clock;
        this.clients = new JettyClients(config, tls);
    }

    private static SslContextFactory.Client given(SSLContext tls) {
        SslContextFactory.Client factory = new SslContextFactory.Client();
        factory.setSslContext(Objects.requireNonNull(tls, "tls"));
        return factory;
    }

    /** Fetches {@code uri} once with a GET (following redirects); blocks until done or the timeout. */
    public Attempt fetch(URI uri) throws InterruptedException {
        return fetch(uri, Validators.NONE);
    }

    /**
     * Fetches {@code uri} once with a GET (following redirects), as a conditional request when {@code validators}
     * has any: a 304 answer is {@link Attempt.NotModified}. Blocks until done or the timeout.
     */
    public Attempt fetch(URI uri, Validators validators) throws InterruptedException {
        return fetch(Request.get(uri.toString()), uri, validators, null);
    }

    /**
     * Sends {@code request} to {@code uri} (its URL as fetched: ASCII host, no user information) once, following
     * redirects, with the request's own headers after (so in place of) the {@code -H} ones, and its body. A 303, and
     * a 301 or 302 to a POST, continue as a GET without the body, as browsers and curl do; 307 and 308 repeat the
     * request. A GET with {@code validators} is conditional: a 304 answer is {@link Attempt.NotModified}; they go
     * with the first hop only (see {@link Validators} for why). {@code authorization} (an {@code Authorization}
     * value, or null) goes on every hop that stays on {@code uri}'s origin: a redirect elsewhere does not get it, as
     * with curl without {@code --location-trusted}; a user's {@code Authorization} header replaces it. Blocks until
     * done or the timeout.
     */
    public Attempt fetch(Request request, URI uri, Validators validators, String authorization) throws InterruptedException {
        Objects.requireNonNull(validators, "validators");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        URI current = uri;
        Hop hop0 = new Hop(request.method(), request.headers(), request.body());
        if (!hop0.method().equals(Request.GET) && !hop0.method().equals("HEAD")) {
            validators = Validators.NONE; // a stored result of a POST is not what If-None-Match asks about
        }
        Hop sending = hop0;
        for (int hop = 0; ; hop++) {
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remaining <= 0) {
                return Failures.timeout(timeoutMillis);
            }
            Validators sent = hop == 0 ? validators : Validators.NONE;
            BodyCollector.Collected got;
            try {
                got = exchange(current, sending, deadline, sent, UrlParser.sameOrigin(current, uri) ? authorization : null,
                        /* onNewConnection= */ false);
            } catch (ExecutionException e) {
                return Failures.classify(e.getCause(), timeoutMillis);
            }
            Response response = got.response();
            int status = response.getStatus();
            String location = response.getHeaders().get(HttpHeader.LOCATION);
            if (isRedirect(status) && location != null) {
                if (hop >= maxRedirects) {
                    return new Attempt.Failure(ErrorKind.REDIRECTS,
                            "more than " + maxRedirects + " redirects (last to " + location + ")", status, false, null);
                }
                try {
                    current = UrlParser.parse(current.resolve(location.trim()).toString()).uri();
                } catch (IllegalArgumentException | UrlParser.InvalidUrlException e) {
                    return new Attempt.Failure(ErrorKind.REDIRECTS, "redirect to " + location + ": " + e.getMessage(), status, false, null);
                }
                sending = sending.redirectedBy(status);
                continue;
            }
            if (status == 304 && sent.conditional()) {
                return new Attempt.NotModified(current);
            }
            if (status >= 200 && status < 300) {
                HttpFields received = response.getHeaders();
                return new Attempt.Success(status, received.get(HttpHeader.CONTENT_TYPE), got.body(), current,
                        received.get(HttpHeader.ETAG), received.get(HttpHeader.LAST_MODIFIED), links(received),
                        new ResponseHeaders(received));
            }
            return Failures.status(status, response.getReason(),
                    RetryAfter.parse(response.getHeaders().get(HttpHeader.RETRY_AFTER), clock));
        }
    }

    /** The values of the response's Link headers; the shared empty list when there are none (most responses). */
    private static java.util.List<String> links(HttpFields received) {
        return received.contains(HttpHeader.LINK) ? java.util.List.copyOf(received.getValuesList(HttpHeader.LINK))
                : java.util.List.of();
    }

    /**
     * One request and its whole (decoded) body, by {@code deadline} (a {@link System#nanoTime()}), with
     * {@code authorization} (or none, null). A request that died on a reused connection before any byte of its
     * answer is sent again, once, on a new connection ({@link StaleConnections}): the server closed an idle
     * connection as the request went out, and never read it.
     */
    private BodyCollector.Collected exchange(URI uri, Hop hop, long deadline, Validators validators, String authorization,
                                             boolean onNewConnection)
            throws InterruptedException, ExecutionException {
        long timeoutMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        HttpClient client = clients.forUri(uri);
        org.eclipse.jetty.client.Request request = client.newRequest(uri)
                .method(hop.method())
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .headers(h -> {
                    if (authorization != null) {
                        h.put(HttpHeader.AUTHORIZATION, authorization);
                    }
                    headers.forEach(h::put);
                    hop.headers().forEach(h::put);
                    if (validators.etag() != null) {
                        h.put(HttpHeader.IF_NONE_MATCH, validators.etag());
                    }
                    if (validators.lastModified() != null) {
                        h.put(HttpHeader.IF_MODIFIED_SINCE, validators.lastModified());
                    }
                });
        if (hop.body() != null) {
            // The request's own Content-Type, else -H's, else what the body looks like.
            request.body(new BytesRequestContent(contentTypeGiven || hop.hasContentType() ? null : defaultContentType(hop.body()),
                    hop.body()));
        }
        BodyCollector collector = new BodyCollector(maxBodyBytes);
        if (onNewConnection) {
            StaleConnections.sendOnNewConnection(client, request, collector, deadline);
        } else {
            StaleConnections.watch(request);
            request.send(collector);
        }
        try {
            // Untimed: Jetty's total timeout (set above) ends the exchange. A timed wait here would cost a
            // timer entry per request in the virtual-thread scheduler: 10 % of throughput, measured.
            return switch (collector.done().get()) {
                case BodyCollector.Collected whole -> whole;
                case BodyCollector.Encoded encoded -> {
                    BodyCollector.Collected decoded = BodyDecoder.read(encoded, maxBodyBytes);
                    collector.awaitEnd();
                    yield decoded;
                }
            };
        } catch (ExecutionException e) {
            request.abort(e.getCause()); // a no-op unless decoding gave up on a body still arriving
            if (!onNewConnection && StaleConnections.diedUnanswered(request, e.getCause())) {
                return exchange(uri, hop, deadline, validators, authorization, /* onNewConnection= */ true);
            }
            throw e;
        } catch (InterruptedException e) {
            request.abort(new CancellationException("fetch cancelled"));
            throw e;
        }
    }

    /** What one hop sends: the request's method, own headers and body, or a GET without them after a 303. */
    private record Hop(String method, Map<String, String> headers, byte[] body) {
        /** What the next hop sends after a redirect with {@code status}. */
        Hop redirectedBy(int status) {
            boolean toGet = status == 303 && !method.equals("HEAD") || (status == 301 || status == 302) && method.equals("POST");
            if (!toGet) {
                return this;
            }
            Map<String, String> kept = new LinkedHashMap<>(headers);
            kept.keySet().removeIf(name -> name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("Content-Length"));
            return new Hop(Request.GET, kept, null);
        }

        boolean hasContentType() {
            return headers.keySet().stream().anyMatch(name -> name.equalsIgnoreCase("Content-Type"));
        }
    }

    /**
     * The Content-Type of a body no header types: JSON when it starts like a JSON object or array (a JSON Lines
     * {@code body} that is one, or {@code --data '{…}'}), else a form, as curl's {@code --data} sends.
     */
    static String defaultContentType(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '{' || b == '[' ? "application/json" : "application/x-www-form-urlencoded";
            }
        }
        return "application/x-www-form-urlencoded";
    }

    private static boolean isRedirect(int status) {
        for (int r : REDIRECTS) {
            if (r == status) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        clients.close();
    }
}
