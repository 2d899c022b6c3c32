package dev.sluice.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OriginTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private Origin origin;

    @BeforeEach
    void start() {
        origin = Origin.start();
    }

    @AfterEach
    void stop() {
        origin.close();
    }

    @AfterAll
    static void closeClient() {
        CLIENT.close();
    }

    @Test
    void answersSmallJsonObjectByDefault() throws Exception {
        HttpResponse<String> response = get("/item/7");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValueAsLong("Content-Length"))
                .hasValue(response.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(response.body())
                .startsWith("{\"path\":\"/item/7\",\"n\":1,")
                .contains("\"name\":\"item 7\"")
                .endsWith("}")
                .hasSizeBetween(150, 250);
    }

    @Test
    void answersRequestedStatusWithJsonError() throws Exception {
        HttpResponse<String> response = get("/x?status=404");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"error\":404}");
        assertThat(response.headers().firstValue("Retry-After")).isEmpty();
    }

    @Test
    void failsFirstRequestsPerUrlThenSucceeds() throws Exception {
        String url = "/x?fail=2";

        assertThat(Stream.of(get(url), get(url), get(url)).map(HttpResponse::statusCode)).containsExactly(503, 503, 200);
        assertThat(get("/x?fail=2&other").statusCode()).isEqualTo(503);
        assertThat(origin.requests(url)).isEqualTo(3);
        assertThat(origin.requests("/x?fail=2&other")).isEqualTo(1);
        assertThat(origin.requests()).isEqualTo(4);
    }

    @Test
    void addsRetryAfterToFailuresOnly() throws Exception {
        String url = "/x?fail=1&failStatus=429&retryAfter=1";

        HttpResponse<String> failure = get(url);
        HttpResponse<String> success = get(url);

        assertThat(failure.statusCode()).isEqualTo(429);
        assertThat(failure.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(success.statusCode()).isEqualTo(200);
        assertThat(success.headers().firstValue("Retry-After")).isEmpty();
    }

    @Test
    void throttlesWithFailStatusAndRetryAfter() throws Exception {
        HttpResponse<String> always = get("/x?throttle=1&failStatus=429&retryAfter=2");
        HttpResponse<String> never = get("/x?throttle=0&failStatus=429&retryAfter=2");

        assertThat(always.statusCode()).isEqualTo(429);
        assertThat(always.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(always.body()).isEqualTo("{\"error\":429}");
        assertThat(never.statusCode()).isEqualTo(200);
        assertThat(get("/x?throttle=1").statusCode()).isEqualTo(503);
    }

    @Test
    void throttlesAboutTheAskedShareOfRequests() throws Exception {
        int throttled = 0;
        for (int i = 0; i < 100; i++) {
            throttled += get("/half?throttle=0.5&failStatus=429").statusCode() == 429 ? 1 : 0;
        }

        // 6 standard deviations either side: a correct origin fails this less than once in a billion runs.
        assertThat(throttled).isBetween(20, 80);
        assertThat(origin.requests("/half?throttle=0.5&failStatus=429")).isEqualTo(100);
    }

    @Test
    void passesRetryAfterDateVerbatim() throws Exception {
        HttpResponse<String> response = get("/x?status=503&retryAfter=Wed%2C%2021%20Oct%202015%2007%3A28%3A00%20GMT");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("Wed, 21 Oct 2015 07:28:00 GMT");
    }

    @Test
    void waitsAtLeastTheRequestedLatency() throws Exception {
        long start = System.nanoTime();
        get("/x?latency=100");
        long fixed = System.nanoTime();
        get("/x?latency=50-80");
        long ranged = System.nanoTime();

        assertThat(Duration.ofNanos(fixed - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(Duration.ofNanos(ranged - fixed)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }

    @Test
    void servesBodiesOfExactSize() throws Exception {
        for (int size : new int[] {0, 5, 10, 12, 1000, 100_000}) {
            HttpResponse<byte[]> response = CLIENT.send(request("/x?size=" + size), BodyHandlers.ofByteArray());
            assertThat(response.body()).as("size=%d", size).hasSize(size);
        }
        assertThat(get("/x?size=20").body()).isEqualTo("{\"pad\":\"xxxxxxxxxx\"}");
    }

    @Test
    void servesMalformedJsonAsJson() throws Exception {
        HttpResponse<String> response = get("/x?body=malformed");

        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"unterminated\": [1, 2");
    }

    @Test
    void overridesContentType() throws Exception {
        assertThat(get("/x?type=text/html").headers().firstValue("Content-Type")).hasValue("text/html");
    }

    @Test
    void redirectsDownToZeroKeepingOtherParameters() throws Exception {
        HttpResponse<String> first = get("/r?a=1&redirect=2&b=x%20y");

        assertThat(first.statusCode()).isEqualTo(302);
        assertThat(first.headers().firstValue("Location")).hasValue(origin.uri("/r?a=1&redirect=1&b=x%20y").toString());

        HttpResponse<String> last;
        try (HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()) {
            last = following.send(request("/r?a=1&redirect=2&b=x%20y"), BodyHandlers.ofString());
        }
        assertThat(last.statusCode()).isEqualTo(200);
        assertThat(last.uri()).isEqualTo(origin.uri("/r?a=1&redirect=0&b=x%20y"));
        assertThat(origin.requests("/r?a=1&redirect=0&b=x%20y")).isEqualTo(1);
    }

    @Test
    void redirectLoopPointsAtItself() throws Exception {
        HttpResponse<String> response = CLIENT.send(
                HttpRequest.newBuilder(origin.uri("localhost", "/loop?redirect=loop")).build(), BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValue(origin.uri("localhost", "/loop?redirect=loop").toString());
    }

    @Test
    void redirectsToGivenLocationVerbatim() throws Exception {
        HttpResponse<String> response = get("/x?location=ftp%3A%2F%2Fexample.com%2Fx");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValue("ftp://example.com/x");
    }

    @Test
    void truncatedBodyFailsOrComesShort() {
        try {
            HttpResponse<byte[]> response = CLIENT.send(request("/x?truncate"), BodyHandlers.ofByteArray());
            assertThat(response.body()).hasSizeLessThan(1000);
        } catch (IOException | InterruptedException e) {
            assertThat(e).isInstanceOf(IOException.class);
        }
    }

    @Test
    void sendsChunkedBodyWithoutContentLength() throws Exception {
        HttpResponse<String> response = get("/item/3?chunked");

        assertThat(response.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();
        assertThat(response.body()).startsWith("{\"path\":\"/item/3\"").endsWith("}");
    }

    @Test
    void answersHeadWithLengthButNoBody() throws Exception {
        HttpResponse<String> response = CLIENT.send(
                HttpRequest.newBuilder(origin.uri("/x?size=42")).HEAD().build(), BodyHandlers.ofString());

        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(42);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void rejectsBadParameters() throws Exception {
        HttpResponse<String> response = get("/x?latency=soon");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("latency");
    }

    @Test
    void closesPromptlyWhileRequestsHang() throws Exception {
        CompletableFuture<HttpResponse<String>> hanging = CLIENT.sendAsync(request("/x?hang"), BodyHandlers.ofString());
        awaitUntil(() -> origin.inFlight() == 1);

        long start = System.nanoTime();
        origin.close();
        origin.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(origin.inFlight()).isZero();
        assertThatThrownBy(() -> hanging.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void hangEndsWithoutAnswerAfterHangMs() {
        assertThatThrownBy(() -> get("/x?hang&hangMs=50")).isInstanceOf(IOException.class);
    }

    @Test
    void countsConcurrentRequestsInFlight() {
        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, 10)
                .mapToObj(i -> CLIENT.sendAsync(request("/slow/" + i + "?latency=200"), BodyHandlers.ofString()))
                .toList();
        responses.forEach(CompletableFuture::join);

        assertThat(origin.maxInFlight()).isEqualTo(10);
        assertThat(origin.requests()).isEqualTo(10);
    }

    @Test
    void countsHighWaterMarkPerHostHeader() {
        Stream<CompletableFuture<HttpResponse<String>>> viaIp = IntStream.range(0, 3)
                .mapToObj(i -> CLIENT.sendAsync(request("/ip/" + i + "?latency=200"), BodyHandlers.ofString()));
        Stream<CompletableFuture<HttpResponse<String>>> viaName = IntStream.range(0, 2)
                .mapToObj(i -> CLIENT.sendAsync(
                        HttpRequest.newBuilder(origin.uri("localhost", "/name/" + i + "?latency=200")).build(),
                        BodyHandlers.ofString()));
        Stream.concat(viaIp, viaName).toList().forEach(CompletableFuture::join);

        assertThat(origin.maxInFlight("127.0.0.1:" + origin.port())).isEqualTo(3);
        assertThat(origin.maxInFlight("localhost:" + origin.port())).isEqualTo(2);
        assertThat(origin.maxInFlight("example.com:80")).isZero();
        assertThat(origin.maxInFlight()).isEqualTo(5);
    }

    @Test
    void delaysBeyondTheKneeByRequestsInFlightForTheSameHost() throws Exception {
        // Two requests held in flight for 127.0.0.1 until the origin closes.
        IntStream.range(0, 2).forEach(i -> CLIENT.sendAsync(request("/held/" + i + "?hang"), BodyHandlers.ofString()));
        awaitUntil(() -> origin.inFlight() == 2);

        long start = System.nanoTime();
        assertThat(get("/k?knee=2&kneeStep=300").statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

        // At the knee, or counted at another host, a minute's step would time the request out.
        assertThat(send(builder("/k?knee=3&kneeStep=60000")).statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(origin.uri("localhost", "/k?knee=1&kneeStep=60000"))).statusCode())
                .isEqualTo(200);
    }

    @Test
    void overloadAnswersEveryRequestWithItsStatusUntilSwitchedOff() throws Exception {
        origin.overload(503);

        HttpResponse<String> plain = get("/x");
        assertThat(plain.statusCode()).isEqualTo(503);
        assertThat(plain.body()).isEqualTo("{\"error\":503}");
        assertThat(send(builder("/x?hang&redirect=2")).statusCode()).isEqualTo(503);
        assertThat(get("/x?latency=soon").statusCode()).isEqualTo(400);
        assertThat(origin.requests()).isEqualTo(3);

        origin.overload(0);

        assertThat(get("/x").statusCode()).isEqualTo(200);
    }

    @Test
    void overloadKeepsTheLatency() throws Exception {
        origin.overload(429);

        long start = System.nanoTime();
        assertThat(get("/x?latency=200").statusCode()).isEqualTo(429);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void rejectsOverloadStatusesOtherThanFailures() {
        for (int status : new int[] {-1, 200, 399, 600}) {
            assertThatThrownBy(() -> origin.overload(status)).as("status %d", status)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("overload");
        }
    }

    @Test
    void robotsTxtIsMissingUntilSet() throws Exception {
        HttpResponse<String> missing = get("/robots.txt");

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEmpty();
    }

    @Test
    void servesTheRobotsTxtSet() throws Exception {
        origin.robots("User-agent: *\nDisallow: /private\n");

        HttpResponse<String> robots = get("/robots.txt");

        assertThat(robots.statusCode()).isEqualTo(200);
        assertThat(robots.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(robots.body()).isEqualTo("User-agent: *\nDisallow: /private\n");
    }

    @Test
    void answersRobotsTxtWithTheStatusSetLastCallWinning() throws Exception {
        origin.robots("User-agent: *\n");
        origin.robotsStatus(500);

        assertThat(get("/robots.txt").statusCode()).isEqualTo(500);
        assertThatThrownBy(() -> origin.robotsStatus(199)).isInstanceOf(IllegalArgumentException.class);

        origin.robots("");

        assertThat(get("/robots.txt").statusCode()).isEqualTo(200);
    }

    @Test
    void countsRobotsTxtRequestsApartAndServesThemWhenOverloaded() throws Exception {
        origin.robots("User-agent: *\n");
        // A request held in flight: robots.txt must be answered at once all the same.
        CLIENT.sendAsync(request("/held?hang"), BodyHandlers.ofString());
        awaitUntil(() -> origin.inFlight() == 1);
        origin.overload(503);

        assertThat(send(builder("/robots.txt?latency=60000&hang")).statusCode()).isEqualTo(200);
        assertThat(get("/robots.txt").statusCode()).isEqualTo(200);

        assertThat(origin.robotsRequests()).isEqualTo(2);
        assertThat(origin.requests()).isEqualTo(1);
        assertThat(origin.requests("/robots.txt")).isZero();
        assertThat(origin.arrivals()).hasSize(1);
        assertThat(origin.maxInFlight()).isEqualTo(1);

        origin.resetCounters();

        assertThat(origin.robotsRequests()).isZero();
    }

    @Test
    void carriesValidatorsOnSuccessesOnly() throws Exception {
        HttpResponse<String> ok = get("/x?etag=v1&lastModified=1445412480");
        HttpResponse<String> failed = get("/x?etag=v1&lastModified=1445412480&status=500");

        assertThat(ok.headers().firstValue("ETag")).hasValue("\"v1\"");
        assertThat(ok.headers().firstValue("Last-Modified")).hasValue("Wed, 21 Oct 2015 07:28:00 GMT");
        assertThat(failed.headers().firstValue("ETag")).isEmpty();
        assertThat(failed.headers().firstValue("Last-Modified")).isEmpty();
        assertThat(get("/x").headers().firstValue("ETag")).isEmpty();
    }

    @Test
    void answersNotModifiedToAMatchingIfNoneMatch() throws Exception {
        String url = "/doc?etag=v1&lastModified=1445412480";

        HttpResponse<String> response = conditional(url, "If-None-Match", "\"v0\", W/\"v1\"");

        assertThat(response.statusCode()).isEqualTo(304);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("ETag")).hasValue("\"v1\"");
        assertThat(response.headers().firstValue("Last-Modified")).hasValue("Wed, 21 Oct 2015 07:28:00 GMT");
        assertThat(conditional(url, "If-None-Match", "*").statusCode()).isEqualTo(304);
        assertThat(conditional(url, "If-None-Match", "\"v2\"").statusCode()).isEqualTo(200);
        assertThat(origin.notModified()).isEqualTo(2);
        assertThat(origin.requests(url)).isEqualTo(3);
    }

    @Test
    void answersNotModifiedToAnIfModifiedSinceNotEarlier() throws Exception {
        String url = "/doc?lastModified=1445412480";

        assertThat(conditional(url, "If-Modified-Since", "Wed, 21 Oct 2015 07:28:00 GMT").statusCode()).isEqualTo(304);
        assertThat(conditional(url, "If-Modified-Since", "Wed, 21 Oct 2015 07:27:59 GMT").statusCode()).isEqualTo(200);
        assertThat(origin.notModified()).isEqualTo(1);
    }

    @Test
    void ignoresConditionalHeadersWithoutValidatorsOrOnFailures() throws Exception {
        assertThat(conditional("/x", "If-None-Match", "*").statusCode()).isEqualTo(200);
        assertThat(conditional("/x?etag=v1&fail=1", "If-None-Match", "\"v1\"").statusCode()).isEqualTo(503);
        assertThat(conditional("/x?etag=v1&status=302", "If-None-Match", "\"v1\"").statusCode()).isEqualTo(302);
        assertThat(origin.notModified()).isZero();
    }

    @Test
    void recordsTheConditionalHeadersOfEachUrlsLastRequest() throws Exception {
        String url = "/doc?etag=v1";
        conditional(url, "If-None-Match", "\"v1\"");

        assertThat(origin.lastRequestHeader(url, "if-none-match")).hasValue("\"v1\"");
        assertThat(origin.lastRequestHeader(url, "If-Modified-Since")).isEmpty();
        assertThat(origin.lastRequestHeader("/other", "If-None-Match")).isEmpty();
        assertThatThrownBy(() -> origin.lastRequestHeader(url, "Accept")).isInstanceOf(IllegalArgumentException.class);

        get(url);

        assertThat(origin.lastRequestHeader(url, "If-None-Match")).isEmpty();
    }

    @Test
    void joinsRepeatedIfNoneMatchLinesAndResetsWithTheCounters() throws Exception {
        String url = "/doc?etag=v1";
        HttpRequest twoLines = builder(url).header("If-None-Match", "\"v0\"").header("If-None-Match", "\"v1\"").build();

        assertThat(CLIENT.send(twoLines, BodyHandlers.ofString()).statusCode()).isEqualTo(304);
        assertThat(origin.lastRequestHeader(url, "If-None-Match")).hasValue("\"v0\", \"v1\"");

        origin.resetCounters();

        assertThat(origin.notModified()).isZero();
        assertThat(origin.lastRequestHeader(url, "If-None-Match")).isEmpty();
    }

    @Test
    void recordsArrivalsInOrderAndResets() throws Exception {
        get("/a?fail=1");
        get("/a?fail=1");
        get("/b");

        assertThat(origin.arrivals("/a?fail=1")).hasSize(2).isSorted();
        assertThat(origin.arrivals("/never")).isEmpty();
        assertThat(origin.maxInFlight()).isEqualTo(1);

        awaitUntil(() -> origin.inFlight() == 0);
        origin.resetCounters();

        assertThat(origin.requests()).isZero();
        assertThat(origin.requests("/a?fail=1")).isZero();
        assertThat(origin.arrivals("/a?fail=1")).isEmpty();
        assertThat(origin.maxInFlight()).isZero();
        assertThat(get("/a?fail=1").statusCode()).isEqualTo(503);
    }

    @Test
    void recordsArrivalsOfAllUrlsInOneOrder() throws Exception {
        get("/a");
        get("/b?status=500");
        CLIENT.send(HttpRequest.newBuilder(origin.uri("localhost", "/a")).build(), BodyHandlers.ofString());

        List<Instant> all = origin.arrivals();
        assertThat(all).hasSize(3).isSorted();
        assertThat(all).containsExactly(
                origin.arrivals("/a").get(0), origin.arrivals("/b?status=500").get(0), origin.arrivals("/a").get(1));

        awaitUntil(() -> origin.inFlight() == 0);
        origin.resetCounters();

        assertThat(origin.arrivals()).isEmpty();
    }

    @Test
    void buildsUrisForEitherName() {
        assertThat(origin.uri("/x?y=1")).hasToString("http://127.0.0.1:" + origin.port() + "/x?y=1");
        assertThat(origin.uri("localhost", "/x")).hasToString("http://localhost:" + origin.port() + "/x");
        assertThatThrownBy(() -> origin.uri("x")).isInstanceOf(IllegalArgumentException.class);
    }

    private HttpRequest request(String pathAndQuery) {
        return HttpRequest.newBuilder(origin.uri(pathAndQuery)).build();
    }

    private HttpRequest.Builder builder(String pathAndQuery) {
        return HttpRequest.newBuilder(origin.uri(pathAndQuery));
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return CLIENT.send(request(pathAndQuery), BodyHandlers.ofString());
    }

    private HttpResponse<String> conditional(String pathAndQuery, String header, String value)
            throws IOException, InterruptedException {
        return CLIENT.send(builder(pathAndQuery).header(header, value).build(), BodyHandlers.ofString());
    }

    /** Sends with a 5 s timeout, for answers that must come without a delay asked for. */
    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return CLIENT.send(request.timeout(Duration.ofSeconds(5)).build(), BodyHandlers.ofString());
    }

    /** Polls the origin's own counters; used only where no completion signal exists. */
    private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 5 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
