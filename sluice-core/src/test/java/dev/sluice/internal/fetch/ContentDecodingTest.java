package dev.sluice.internal.fetch;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bodies sent with a Content-Encoding come out decoded, and the body limit applies to the decoded bytes:
 * a decompression bomb fails {@code too_large} after reading only as much as it takes to pass the limit.
 */
class ContentDecodingTest {
    private static final byte[] TEXT = "Sluice decodes br bodies. ".repeat(40).getBytes(StandardCharsets.US_ASCII);
    /** TEXT as br: {@code node -e "process.stdout.write(require('zlib').brotliCompressSync('Sluice decodes br bodies. '.repeat(40)).toString('base64'))"}. */
    private static final byte[] TEXT_BR = Base64.getDecoder().decode("Gw8E+I3UVndzJEU1xeY2tq5jdYfqaAVF0WGkANh+K3A0zoELjjtXAA==");
    /** 64 MiB of zeros as br, 106 bytes: {@code require('zlib').brotliCompressSync(Buffer.alloc(64 << 20))}. */
    private static final byte[] ZEROS_64MIB_BR = Base64.getDecoder().decode(
            "y///P/gnAOKxQCD3/o///3/wTwDEYRGA7v0f////4J8AiMMCAN37P/7//8E/ARCHBQC693/8//+DfwIgDgsAdO//+P//B/8EQBwW"
                    + "AOje//H//w/+CYA4LADQvf/L//8//BMAcVgAoHv/Bw==");

    private final Loopback server = new Loopback();
    private final List<HttpFetcher> fetchers = new ArrayList<>();

    @AfterEach
    void close() {
        fetchers.forEach(HttpFetcher::close);
        server.close();
    }

    private HttpFetcher fetcher(long maxBodyBytes, Duration timeout) {
        HttpFetcher fetcher = new HttpFetcher(SluiceConfig.builder().maxBodyBytes(maxBodyBytes).timeout(timeout).build(),
                Clock.systemUTC());
        fetchers.add(fetcher);
        return fetcher;
    }

    /** {@code path} fetched by a new fetcher with that body limit. */
    private Attempt fetch(String path, long maxBodyBytes) throws InterruptedException {
        return fetcher(maxBodyBytes, Duration.ofSeconds(5)).fetch(server.uri(path));
    }

    /** Serves {@code body} at {@code path} with that Content-Encoding, all at once with its Content-Length. */
    private void serve(String path, int status, String contentEncoding, byte[] body) {
        server.handle(path, exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=us-ascii");
            exchange.getResponseHeaders().set("Content-Encoding", contentEncoding);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        });
    }

    @Test
    void everyCodingAskedForByDefaultIsOneThatIsDecoded() throws Exception {
        assertThat(ContentCoding.parse(SluiceConfig.DEFAULT_ACCEPT_ENCODING)).containsExactly(ContentCoding.values());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "x-gzip", "deflate", "deflate (raw)", "br", "deflate, gzip", "identity"})
    void eachCodingIsDecoded(String coding) throws Exception {
        serve("/text", 200, coding.replace(" (raw)", ""), encoded(coding, TEXT));

        Attempt attempt = fetch("/text", 1 << 20);

        assertThat(attempt).isInstanceOfSatisfying(Attempt.Success.class, s -> {
            assertThat(s.body()).isEqualTo(TEXT);
            assertThat(s.contentType()).isEqualTo("text/plain; charset=us-ascii");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "br"})
    void bodiesArrivingInSmallPiecesAreDecodedAlike(String coding) throws Exception {
        byte[] body = encoded(coding, TEXT);
        server.handle("/drip", exchange -> {
            exchange.getResponseHeaders().set("Content-Encoding", coding);
            exchange.sendResponseHeaders(200, 0); // chunked
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < body.length; i += 5) {
                out.write(body, i, Math.min(5, body.length - i));
                out.flush();
            }
        });

        assertThat(fetch("/drip", 1 << 20)).isInstanceOfSatisfying(Attempt.Success.class, s -> assertThat(s.body()).isEqualTo(TEXT));
    }

    @Test
    void theLimitIsOnTheDecodedSize() throws Exception {
        byte[] gzip = encoded("gzip", TEXT);
        assertThat(gzip.length).isLessThan(TEXT.length / 4);
        serve("/text", 200, "gzip", gzip);

        assertThat(fetch("/text", TEXT.length)).isInstanceOf(Attempt.Success.class);
        Attempt tooLarge = fetch("/text", TEXT.length - 1);

        assertThat(tooLarge).isInstanceOfSatisfying(Attempt.Failure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.TOO_LARGE);
            assertThat(f.retryable()).isFalse();
            assertThat(f.detail()).contains("once decoded (gzip)");
        });
    }

    @Test
    void aGzipBombFailsTooLargeWithoutBeingReadToTheEnd() throws Exception {
        // 6,400 gzip members of 16 MiB of zeros each: 100 MiB on the wire, 100 GiB decoded. More than the
        // loopback socket buffers hold, so the server can only finish sending if the client reads it all.
        byte[] member = gzip(new byte[16 << 20]);
        int members = 6_400;
        AtomicBoolean sentAll = new AtomicBoolean();
        CompletableFuture<Void> served = new CompletableFuture<>();
        server.handle("/bomb", exchange -> {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, (long) member.length * members);
            try {
                for (int i = 0; i < members; i++) {
                    exchange.getResponseBody().write(member);
                }
                sentAll.set(true);
            } catch (IOException aborted) {
                // the client hung up: what this test wants
            } finally {
                served.complete(null);
            }
        });

        Attempt attempt = fetch("/bomb", 1 << 20);

        assertThat(attempt).isInstanceOfSatisfying(Attempt.Failure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.TOO_LARGE);
            assertThat(f.detail()).isEqualTo("body exceeds the maximum body size of 1048576 bytes once decoded (gzip)");
        });
        served.get(10, TimeUnit.SECONDS);
        assertThat(sentAll).isFalse();
    }

    @Test
    void aBrotliBombFailsTooLarge() throws Exception {
        serve("/bomb", 200, "br", ZEROS_64MIB_BR);

        assertThat(fetch("/bomb", 1 << 20)).isInstanceOfSatisfying(Attempt.Failure.class,
                f -> assertThat(f.kind()).isEqualTo(ErrorKind.TOO_LARGE));
    }

    @Test
    void anUnknownCodingIsAFinalIoFailure() throws Exception {
        serve("/zstd", 200, "zstd", TEXT);

        assertThat(fetch("/zstd", 1 << 20)).isInstanceOfSatisfying(Attempt.Failure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.IO);
            assertThat(f.retryable()).isFalse();
            assertThat(f.detail()).isEqualTo("Content-Encoding 'zstd' is not one Sluice decodes (gzip, deflate, br)");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "deflate", "br"})
    void dataNotInTheCodingNamedIsAFinalIoFailure(String coding) throws Exception {
        byte[] broken = encoded(coding, TEXT);
        broken[broken.length / 2] ^= 0x55;
        broken = Arrays.copyOf(broken, broken.length - 3);
        serve("/broken", 200, coding, broken);

        assertThat(fetch("/broken", 1 << 20)).isInstanceOfSatisfying(Attempt.Failure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.IO);
            assertThat(f.retryable()).isFalse();
            assertThat(f.detail()).startsWith("cannot decode the body (Content-Encoding " + coding + "): ");
        });
    }

    @Test
    void anErrorStatusIsReportedWithoutDecodingItsBody() throws Exception {
        serve("/down", 503, "gzip", "not gzip at all".getBytes(StandardCharsets.US_ASCII));

        assertThat(fetch("/down", 1 << 20)).isInstanceOfSatisfying(Attempt.Failure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.HTTP);
            assertThat(f.httpStatus()).isEqualTo(503);
        });
    }

    @Test
    void connectionsAreKeptAliveAfterEncodedBodies() throws Exception {
        serve("/gzip", 200, "gzip", encoded("gzip", TEXT));
        serve("/br", 200, "br", TEXT_BR);

        HttpFetcher fetcher = fetcher(1 << 20, Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            for (String path : List.of("/gzip", "/br")) {
                assertThat(fetcher.fetch(server.uri(path))).isInstanceOf(Attempt.Success.class);
            }
        }

        assertThat(server.connections()).isEqualTo(1);
    }

    /** Serves /stall: half of a gzip body, then nothing until {@code release}. */
    private void stallHalfway(CountDownLatch halfSent, CountDownLatch release) throws Exception {
        byte[] gzip = encoded("gzip", TEXT);
        server.handle("/stall", exchange -> {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, gzip.length);
            exchange.getResponseBody().write(gzip, 0, gzip.length / 2);
            exchange.getResponseBody().flush();
            halfSent.countDown();
            await(release);
        });
    }

    @Test
    void aBodyThatStopsArrivingTimesOutAsAnyOther() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        stallHalfway(new CountDownLatch(1), release);
        HttpFetcher fetcher = fetcher(1 << 20, Duration.ofMillis(300));
        try {
            assertThat(fetcher.fetch(server.uri("/stall"))).isInstanceOfSatisfying(Attempt.Failure.class, f -> {
                assertThat(f.kind()).isEqualTo(ErrorKind.TIMEOUT);
                assertThat(f.retryable()).isTrue();
            });
        } finally {
            release.countDown();
        }
    }

    @Test
    void anInterruptEndsAFetchWhileAnEncodedBodyArrives() throws Exception {
        CountDownLatch halfSent = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        stallHalfway(halfSent, release);
        HttpFetcher fetcher = fetcher(1 << 20, Duration.ofSeconds(30));
        URI uri = server.uri("/stall");
        CompletableFuture<Attempt> result = new CompletableFuture<>();
        Thread fetching = Thread.ofVirtual().start(() -> {
            try {
                result.complete(fetcher.fetch(uri));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            assertThat(halfSent.await(10, TimeUnit.SECONDS)).isTrue();
            fetching.interrupt();

            assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(InterruptedException.class);
        } finally {
            release.countDown();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code text} in a coding or a list of them (applied in order); "deflate (raw)" is deflate without the zlib wrapper. */
    private static byte[] encoded(String coding, byte[] text) throws IOException {
        byte[] data = text;
        for (String c : coding.split(",")) {
            data = switch (c.strip()) {
                case "gzip", "x-gzip" -> gzip(data);
                case "deflate" -> deflate(data, false);
                case "deflate (raw)" -> deflate(data, true);
                case "br" -> {
                    assertThat(data).as("only TEXT has a br form here").isEqualTo(TEXT);
                    yield TEXT_BR.clone();
                }
                case "identity" -> data;
                default -> throw new IllegalArgumentException(c);
            };
        }
        return data;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] data, boolean raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
        try (DeflaterOutputStream d = new DeflaterOutputStream(out, deflater)) {
            d.write(data);
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }
}
