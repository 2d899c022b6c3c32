package dev.sluice;

import dev.sluice.origin.Origin;
import dev.sluice.internal.process.JqProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** End-to-end library runs against a real loopback origin, checked row by row in SQLite. */
class PipelineTest {
    static Origin origin;

    @TempDir
    Path dir;

    @BeforeAll
    static void startOrigin() {
        origin = Origin.start();
    }

    @AfterAll
    static void stopOrigin() {
        origin.close();
    }

    private String url(String pathAndQuery) {
        return origin.uri(pathAndQuery).toString();
    }

    @Test
    void fetchesProcessesAndStoresEveryUrl() throws Exception {
        List<String> urls = IntStream.range(0, 40).mapToObj(i -> url("/basic/" + i)).toList();
        Harness h = new Harness(dir);

        RunSummary summary = h.run(Harness.config().concurrency(8).build(), urls);

        assertThat(summary.ok()).isEqualTo(40);
        Map<String, Map<String, Object>> rows = h.results();
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(urls);
        byte[] body = get(urls.get(3));
        Map<String, Object> row = rows.get(urls.get(3));
        assertThat(row.get("status")).isEqualTo("ok");
        assertThat(row.get("http_status")).isEqualTo(200);
        assertThat(row.get("attempts")).isEqualTo(1);
        assertThat(row.get("error")).isNull();
        assertThat(((Number) row.get("bytes")).longValue()).isEqualTo(body.length);
        assertThat((String) row.get("content_type")).startsWith("application/json");
        // The origin's body carries a request counter, so compare the digest of the shape, not the bytes.
        assertThat((String) row.get("sha256")).matches("[0-9a-f]{64}");
        assertThat((String) row.get("fetched_at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    }

    @Test
    void sha256IsTheDigestOfTheStoredBody() throws Exception {
        String u = url("/digest?size=3000");
        Harness h = new Harness(dir);

        h.run(Harness.config().storeBodies(true).build(), List.of(u));

        byte[] stored = (byte[]) h.query("SELECT body FROM bodies").get(0).get("body");
        assertThat(stored).hasSize(3000);
        assertThat(h.result(u).get("sha256"))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored)));
    }

    @Test
    void transientFailuresAreRetriedUntilSuccess() throws Exception {
        String u = url("/flaky?fail=2&failStatus=503");
        Harness h = new Harness(dir);

        h.run(Harness.config().build(), List.of(u));

        Map<String, Object> row = h.result(u);
        assertThat(row.get("status")).isEqualTo("ok");
        assertThat(row.get("attempts")).isEqualTo(3);
        assertThat(origin.requests("/flaky?fail=2&failStatus=503")).isEqualTo(3);
    }

    @Test
    void notFoundIsFinalAtOnce() throws Exception {
        String u = url("/missing?status=404");
        Harness h = new Harness(dir);

        RunSummary summary = h.run(Harness.config().build(), List.of(u));

        Map<String, Object> row = h.result(u);
        assertThat(row.get("status")).isEqualTo("failed");
        assertThat(row.get("error")).isEqualTo("http");
        assertThat(row.get("http_status")).isEqualTo(404);
        assertThat(row.get("attempts")).isEqualTo(1);
        assertThat(origin.requests("/missing?status=404")).isEqualTo(1);
        assertThat(summary.failedByError()).containsEntry("http", 1L);
    }

    @Test
    void persistentServerErrorsFailAfterAllRetries() throws Exception {
        String u = url("/down?status=502");
        Harness h = new Harness(dir);

        h.run(Harness.config().retries(2).build(), List.of(u));

        assertThat(h.result(u)).containsEntry("error", "http").containsEntry("http_status", 502).containsEntry("attempts", 3);
    }

    @Test
    void retryAfterIsWaitedOut() throws Exception {
        String pq = "/throttled?fail=1&failStatus=429&retryAfter=1";
        Harness h = new Harness(dir);

        h.run(Harness.config().build(), List.of(url(pq)));

        assertThat(h.result(url(pq))).containsEntry("status", "ok").containsEntry("attempts", 2);
        var arrivals = origin.arrivals(pq);
        assertThat(arrivals).hasSize(2);
        assertThat(Duration.between(arrivals.get(0), arrivals.get(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aHangingServerTimesOutWithinTheBoundAndIsRetried() throws Exception {
        String pq = "/hang?hang";
        Harness h = new Harness(dir);
        long start = System.nanoTime();

        h.run(Harness.config().timeout(Duration.ofMillis(300)).retries(1).build(), List.of(url(pq)));

        long tookMs = (System.nanoTime() - start) / 1_000_000;
        Map<String, Object> row = h.result(url(pq));
        assertThat(row).containsEntry("status", "failed").containsEntry("error", "timeout").containsEntry("attempts", 2);
        assertThat(origin.requests(pq)).isEqualTo(2);
        // two attempts of 300 ms and one back-off of at most 50 ms, plus start-up: far below the server's 120 s hang
        assertThat(tookMs).isLessThan(5_000);
        assertThat(((Number) row.get("elapsed_ms")).longValue()).isGreaterThanOrEqualTo(600);
    }

    @Test
    void truncatedBodiesAreRetriedThenFailAsIo() throws Exception {
        String pq = "/cut?truncate";
        Harness h = new Harness(dir);

        h.run(Harness.config().retries(1).build(), List.of(url(pq)));

        assertThat(h.result(url(pq))).containsEntry("error", "io").containsEntry("attempts", 2);
    }

    @Test
    void connectionRefusedIsAConnectError() throws Exception {
        int closedPort;
        try (var s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String u = "http://127.0.0.1:" + closedPort + "/nothing";
        Harness h = new Harness(dir);

        h.run(Harness.config().retries(1).build(), List.of(u));

        assertThat(h.result(u)).containsEntry("error", "connect").containsEntry("attempts", 2);
    }

    @Test
    void oversizedBodiesFailAsTooLarge() throws Exception {
        String declared = url("/big?size=5000");
        String chunked = url("/big?size=5000&chunked");
        String fits = url("/small?size=1000");
        Harness h = new Harness(dir);

        h.run(Harness.config().maxBodyBytes(1024).build(), List.of(declared, chunked, fits));

        assertThat(h.result(declared)).containsEntry("error", "too_large").containsEntry("attempts", 1);
        assertThat(h.result(chunked)).containsEntry("error", "too_large").containsEntry("attempts", 1);
        assertThat(h.result(fits)).containsEntry("status", "ok").containsEntry("bytes", 1000);
    }

    @Test
    void redirectsAreFollowedUpToTheLimit() throws Exception {
        String three = url("/r?redirect=3");
        String loop = url("/loop?redirect=loop");
        String ftp = url("/away?location=ftp%3A%2F%2Fexample.com%2Fx");
        String noHost = url("/nohost?location=http%3A%2F%2F%2Fx");
        String badPort = url("/badport?location=http%3A%2F%2F127.0.0.1%3A99999%2Fx");
        Harness h = new Harness(dir);

        h.run(Harness.config().build(), List.of(three, loop, ftp, noHost, badPort));

        assertThat(h.result(noHost)).containsEntry("error", "redirects").containsEntry("attempts", 1);
        assertThat(h.result(badPort)).containsEntry("error", "redirects");
        assertThat((String) h.result(badPort).get("detail")).contains("port 99999 is out of range");
        assertThat(h.result(three)).containsEntry("status", "ok");
        assertThat(h.result(loop)).containsEntry("error", "redirects").containsEntry("attempts", 1);
        assertThat(origin.requests("/loop?redirect=loop")).isEqualTo(6); // the first request and 5 redirects
        assertThat(h.result(ftp)).containsEntry("error", "redirects");
        assertThat((String) h.result(ftp).get("detail")).contains("ftp://example.com/x");
    }

    @Test
    void invalidLinesBecomeFailedRowsAndTheRunGoesOn() throws Exception {
        String good = url("/fine");
        Harness h = new Harness(dir);

        h.run(Harness.config().build(), List.of("not a url", good, "ftp://example.com/file", "/relative/path"));

        Map<String, Map<String, Object>> rows = h.results();
        assertThat(rows).hasSize(4);
        assertThat(rows.get(good)).containsEntry("status", "ok");
        assertThat(rows.get("not a url")).containsEntry("error", "invalid_url").containsEntry("attempts", 0);
        assertThat((String) rows.get("not a url").get("detail")).startsWith("line 1 of input");
        assertThat((String) rows.get("ftp://example.com/file").get("detail")).startsWith("line 3 of input").contains("ftp");
        assertThat(rows.get("/relative/path")).containsEntry("error", "invalid_url");
    }

    @Test
    void duplicateUrlsAreFetchedOnce() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 30; i++) {
                lines.add(url("/dup/" + i + "?latency=20"));
            }
        }
        Harness h = new Harness(dir);

        RunSummary summary = h.run(Harness.config().concurrency(10).build(), lines);

        assertThat(h.results()).hasSize(30);
        assertThat(summary.duplicates()).isEqualTo(60);
        for (int i = 0; i < 30; i++) {
            assertThat(origin.requests("/dup/" + i + "?latency=20")).as("requests for /dup/" + i).isEqualTo(1);
        }
    }

    @Test
    void jqRecordsAreStoredInOrder() throws Exception {
        String u = url("/items/9");
        Harness h = new Harness(dir);

        h.run(Harness.config().build(), JqProcessor.compile(".items[] | {v: .}"), List.of(u));

        assertThat(h.query("SELECT seq, data FROM records ORDER BY seq"))
                .extracting(r -> r.get("data"))
                .containsExactly("{\"v\":1}", "{\"v\":2}", "{\"v\":3}");
    }

    @Test
    void malformedJsonWithJqFailsAsProcess() throws Exception {
        String u = url("/bad?body=malformed");
        Harness h = new Harness(dir);

        h.run(Harness.config().build(), JqProcessor.compile("."), List.of(u));

        Map<String, Object> row = h.result(u);
        assertThat(row).containsEntry("status", "failed").containsEntry("error", "process").containsEntry("http_status", 200);
        assertThat((String) row.get("detail")).contains("not JSON");
        assertThat(row.get("sha256")).isNotNull();
        assertThat(h.query("SELECT * FROM records")).isEmpty();
    }

    @Test
    void aThrowingProcessorBecomesAFailedRow() throws Exception {
        List<String> urls = IntStream.range(0, 10).mapToObj(i -> url("/boom/" + i)).toList();
        Processor explosive = body -> {
            if (body.url().endsWith("/3")) {
                throw new IllegalStateException("kaboom on " + body.url());
            }
            if (body.url().endsWith("/5")) {
                throw new AssertionError("not even an Exception");
            }
            if (body.url().endsWith("/7")) {
                return java.util.Arrays.asList("{}", null); // a broken processor: a null record
            }
            return List.of("{}");
        };
        Harness h = new Harness(dir);

        RunSummary summary = h.run(Harness.config().build(), explosive, urls);

        assertThat(summary.ok()).isEqualTo(7);
        assertThat(h.result(urls.get(7))).containsEntry("error", "process").containsEntry("detail", "the processor returned a null record");
        assertThat(h.result(urls.get(3))).containsEntry("error", "process").containsEntry("detail", "kaboom on " + urls.get(3));
        assertThat(h.result(urls.get(5))).containsEntry("error", "process").containsEntry("detail", "not even an Exception");
    }

    @Test
    void processingRunsOnTheCpuPoolNotOnFetchThreads() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Processor spy = body -> {
            Thread t = Thread.currentThread();
            seen.add((t.isVirtual() ? "virtual:" : "platform:") + t.getName());
            return List.of();
        };
        Harness h = new Harness(dir);

        h.run(Harness.config().concurrency(10).processThreads(2).build(), spy,
                IntStream.range(0, 50).mapToObj(i -> url("/cpu/" + i)).toList());

        assertThat(seen).isNotEmpty().allMatch(s -> s.startsWith("platform:sluice-process-"));
    }

    private static byte[] get(String url) throws Exception {
        try (HttpClient c = HttpClient.newHttpClient()) {
            return c.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        }
    }
}
