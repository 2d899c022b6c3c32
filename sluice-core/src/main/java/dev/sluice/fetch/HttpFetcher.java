package dev.sluice.fetch;

import dev.sluice.Validators;
import dev.sluice.ErrorKind;
import dev.sluice.SluiceConfig;
import dev.sluice.input.UrlParser;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One attempt at a URL: a GET with redirects followed by hand (so each hop is checked), the whole
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

    /** Fetches {@code uri} once (following redirects); blocks until done or the timeout. */
    public Attempt fetch(URI uri) throws InterruptedException {
        return fetch(uri, Validators.NONE);
    }

    /**
     * Fetches {@code uri} once (following redirects), as a conditional request when {@code validators}
     * has any: a 304 answer is {@link Attempt.NotModified}. They go with the first request only (see
     * {@link Validators} for why). Blocks until done or the timeout.
     */
    public Attempt fetch(URI uri, Validators validators) throws InterruptedException {
        return fetch(uri, validators, null);
    }

    /**
     * As {@link #fetch(URI, Validators)}, sending {@code authorization} (an {@code Authorization} value, or null)
     * on every hop that stays on {@code uri}'s origin: a redirect elsewhere does not get it, as with curl
     * without {@code --location-trusted}. A user's {@code Authorization} header replaces it.
     */
    public Attempt fetch(URI uri, Validators validators, String authorization) throws InterruptedException {
        Objects.requireNonNull(validators, "validators");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        URI current = uri;
        for (int hop = 0; ; hop++) {
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remaining <= 0) {
                return Failures.timeout(timeoutMillis);
            }
            Validators sent = hop == 0 ? validators : Validators.NONE;
            BodyCollector.Collected got;
            try {
                got = exchange(current, deadline, sent, UrlParser.sameOrigin(current, uri) ? authorization : null,
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
                continue;
            }
            if (status == 304 && sent.conditional()) {
                return new Attempt.NotModified(current);
            }
            if (status >= 200 && status < 300) {
                HttpFields received = response.getHeaders();
                return new Attempt.Success(status, received.get(HttpHeader.CONTENT_TYPE), got.body(), current,
                        received.get(HttpHeader.ETAG), received.get(HttpHeader.LAST_MODIFIED), links(received));
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
    private BodyCollector.Collected exchange(URI uri, long deadline, Validators validators, String authorization,
                                             boolean onNewConnection)
            throws InterruptedException, ExecutionException {
        long timeoutMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        HttpClient client = clients.forUri(uri);
        Request request = client.newRequest(uri)
                .method(HttpMethod.GET)
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .headers(h -> {
                    if (authorization != null) {
                        h.put(HttpHeader.AUTHORIZATION, authorization);
                    }
                    headers.forEach(h::put);
                    if (validators.etag() != null) {
                        h.put(HttpHeader.IF_NONE_MATCH, validators.etag());
                    }
                    if (validators.lastModified() != null) {
                        h.put(HttpHeader.IF_MODIFIED_SINCE, validators.lastModified());
                    }
                });
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
                return exchange(uri, deadline, validators, authorization, /* onNewConnection= */ true);
            }
            throw e;
        } catch (InterruptedException e) {
            request.abort(new CancellationException("fetch cancelled"));
            throw e;
        }
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
