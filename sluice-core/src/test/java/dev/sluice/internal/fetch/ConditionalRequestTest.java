package dev.sluice.internal.fetch;

import dev.sluice.Validators;
import com.sun.net.httpserver.HttpExchange;
import dev.sluice.ErrorKind;
import dev.sluice.SluiceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditional refetch: a Success carries the validators it came with; validators given to a fetch go
 * out as If-None-Match / If-Modified-Since on its first request only, and a 304 answer to them is
 * NotModified.
 */
class ConditionalRequestTest {
    private static final String ETAG = "W/\"v2\"";
    private static final String LAST_MODIFIED = "Tue, 01 Jul 2025 10:00:00 GMT";
    private static final byte[] BODY = "{\"version\":2}".getBytes(StandardCharsets.US_ASCII);

    /** One request as the server saw it: its path and its conditional headers (absent ones left out). */
    record Seen(String path, Map<String, String> conditions) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Loopback server = new Loopback()
            .handle("/doc", this::doc)
            .handle("/moved", exchange -> {
                note(exchange);
                exchange.getResponseHeaders().set("Location", "/doc");
                exchange.sendResponseHeaders(301, -1);
            })
            .handle("/plain", exchange -> {
                note(exchange);
                exchange.sendResponseHeaders(200, BODY.length);
                exchange.getResponseBody().write(BODY);
            })
            .handle("/always304", exchange -> {
                note(exchange);
                exchange.sendResponseHeaders(304, -1);
            });
    private final HttpFetcher fetcher = new HttpFetcher(SluiceConfig.builder().build(), Clock.systemUTC());

    @AfterEach
    void close() {
        fetcher.close();
        server.close();
    }

    /** Version 2 of a document: 304 when either validator the client sent matches it, as RFC 9110 §13.2.2 orders. */
    private void doc(HttpExchange exchange) throws IOException {
        note(exchange);
        String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
        String ifModifiedSince = exchange.getRequestHeaders().getFirst("If-Modified-Since");
        boolean unchanged = ifNoneMatch != null ? ifNoneMatch.equals(ETAG) : LAST_MODIFIED.equals(ifModifiedSince);
        exchange.getResponseHeaders().set("ETag", ETAG);
        exchange.getResponseHeaders().set("Last-Modified", LAST_MODIFIED);
        if (unchanged) {
            exchange.sendResponseHeaders(304, -1);
        } else {
            exchange.sendResponseHeaders(200, BODY.length);
            exchange.getResponseBody().write(BODY);
        }
    }

    private void note(HttpExchange exchange) {
        Map<String, String> conditions = new TreeMap<>();
        for (String name : List.of("If-None-Match", "If-Modified-Since")) {
            String value = exchange.getRequestHeaders().getFirst(name);
            if (value != null) {
                conditions.put(name, value);
            }
        }
        seen.add(new Seen(exchange.getRequestURI().getPath(), conditions));
    }

    @Test
    void aSuccessCarriesItsValidatorsRawAndNullWhenAbsent() throws Exception {
        Attempt doc = fetcher.fetch(server.uri("/doc"));
        Attempt plain = fetcher.fetch(server.uri("/plain"));

        assertThat(doc).isInstanceOfSatisfying(Attempt.Success.class, s -> {
            assertThat(s.etag()).isEqualTo(ETAG);
            assertThat(s.lastModified()).isEqualTo(LAST_MODIFIED);
        });
        assertThat(plain).isInstanceOfSatisfying(Attempt.Success.class, s -> {
            assertThat(s.etag()).isNull();
            assertThat(s.lastModified()).isNull();
        });
        assertThat(seen).extracting(Seen::conditions).containsOnly(Map.of());
    }

    @Test
    void validatorsThatStillMatchGiveNotModified() throws Exception {
        URI uri = server.uri("/doc");

        Attempt attempt = fetcher.fetch(uri, new Validators(ETAG, LAST_MODIFIED));

        assertThat(attempt).isEqualTo(new Attempt.NotModified(uri));
        assertThat(seen).containsExactly(new Seen("/doc", Map.of("If-None-Match", ETAG, "If-Modified-Since", LAST_MODIFIED)));
    }

    @Test
    void onlyTheValidatorsGivenAreSent() throws Exception {
        URI uri = server.uri("/doc");

        assertThat(fetcher.fetch(uri, new Validators(null, LAST_MODIFIED))).isEqualTo(new Attempt.NotModified(uri));
        assertThat(fetcher.fetch(uri, new Validators(ETAG, null))).isEqualTo(new Attempt.NotModified(uri));

        assertThat(seen).containsExactly(
                new Seen("/doc", Map.of("If-Modified-Since", LAST_MODIFIED)),
                new Seen("/doc", Map.of("If-None-Match", ETAG)));
    }

    @Test
    void aChangedResourceIsASuccessWithItsNewValidators() throws Exception {
        Attempt attempt = fetcher.fetch(server.uri("/doc"), new Validators("W/\"v1\"", null));

        assertThat(attempt).isInstanceOfSatisfying(Attempt.Success.class, s -> {
            assertThat(s.body()).isEqualTo(BODY);
            assertThat(s.etag()).isEqualTo(ETAG);
        });
    }

    @Test
    void validatorsAreNotSentOnARedirectHop() throws Exception {
        Attempt attempt = fetcher.fetch(server.uri("/moved"), new Validators(ETAG, LAST_MODIFIED));

        // /doc would have answered 304 to them: the redirect target gets an unconditional request
        assertThat(attempt).isInstanceOfSatisfying(Attempt.Success.class,
                s -> assertThat(s.finalUri()).isEqualTo(server.uri("/doc")));
        assertThat(seen).containsExactly(
                new Seen("/moved", Map.of("If-None-Match", ETAG, "If-Modified-Since", LAST_MODIFIED)),
                new Seen("/doc", Map.of()));
    }

    @Test
    void a304ToAnUnconditionalRequestIsAFinalHttpFailure() throws Exception {
        assertThat(fetcher.fetch(server.uri("/always304"))).isInstanceOfSatisfying(Attempt.Failure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.HTTP);
            assertThat(f.httpStatus()).isEqualTo(304);
            assertThat(f.retryable()).isFalse();
        });
        assertThat(fetcher.fetch(server.uri("/always304"), Validators.NONE)).isInstanceOf(Attempt.Failure.class);
    }
}
