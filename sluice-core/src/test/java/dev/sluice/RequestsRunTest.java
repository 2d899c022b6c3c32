package dev.sluice;

import dev.sluice.DiscoveryOptions;
import dev.sluice.spi.InputFormat;
import dev.sluice.spi.InputRequests;
import dev.sluice.origin.Origin;
import dev.sluice.origin.Received;
import dev.sluice.internal.process.JqProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests, not just URLs: methods, bodies and headers reach the server; identity is method, canonical URL and body. */
class RequestsRunTest {
    @TempDir
    Path dir;
    Origin origin;
    Harness h;

    @BeforeEach
    void setUp() {
        origin = Origin.start();
        h = new Harness(dir);
    }

    @AfterEach
    void tearDown() {
        origin.close();
    }

    private String url(String pathAndQuery) {
        return origin.uri(pathAndQuery).toString();
    }

    private RunSummary run(InputRequests input, List<String> lines) throws Exception {
        return h.run(Harness.config().input(input).build(), lines);
    }

    private static InputRequests jsonl() {
        return new InputRequests(InputFormat.AUTO, InputRequests.Defaults.NONE);
    }

    @Test
    void aPostWithAJsonBodyReachesTheServerIntact() throws Exception {
        String body = "{\"q\":\"caf\\u00e9 \\\"quoted\\\"\",\"n\":[1,2.5,null],\"nested\":{\"ok\":true}}";
        RunSummary summary = run(jsonl(), List.of(
                "{\"url\": \"" + url("/search?x=1") + "\", \"method\": \"POST\", \"body\": " + body + "}",
                "{\"url\": \"" + url("/typed") + "\", \"method\": \"PUT\", \"headers\": {\"Content-Type\": \"application/vnd.api+json\"}, "
                        + "\"body\": \"[]\"}"));

        assertThat(summary.ok()).isEqualTo(2);
        List<Received> got = origin.received("/search?x=1");
        assertThat(got).hasSize(1);
        assertThat(got.get(0).method()).isEqualTo("POST");
        assertThat(got.get(0).contentType()).startsWith("application/json");
        // The body as its JSON text: what Jackson writes of the value, the same JSON whatever the spacing of the line.
        assertThat(got.get(0).bodyText()).isEqualTo("{\"q\":\"café \\\"quoted\\\"\",\"n\":[1,2.5,null],\"nested\":{\"ok\":true}}");
        // A request's own header goes as it is, in place of the default.
        assertThat(origin.received("/typed")).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("PUT");
            assertThat(r.contentType()).isEqualTo("application/vnd.api+json");
            assertThat(r.bodyText()).isEqualTo("[]");
        });

        Map<String, Object> row = h.query("SELECT request, method, url, status FROM results WHERE method = 'POST'").get(0);
        assertThat(row).containsEntry("method", "POST").containsEntry("url", url("/search?x=1")).containsEntry("status", "ok");
        assertThat(row.get("request")).isEqualTo(Request.identity("POST", url("/search?x=1"),
                got.get(0).bodyText().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void twoPostsWithDifferentBodiesToOneUrlAreTwoRequestsAndARepeatedOneIsOne() throws Exception {
        String target = url("/graphql");
        RunSummary summary = run(jsonl(), List.of(
                "{\"url\": \"" + target + "\", \"method\": \"POST\", \"body\": {\"query\": \"a\"}}",
                "{\"url\": \"" + target + "\", \"method\": \"POST\", \"body\": {\"query\": \"b\"}}",
                "{\"url\": \"" + target + "\", \"method\": \"post\", \"body\": {\"query\": \"a\"}}", // the first again
                target)); // a GET of the same URL: a third request

        assertThat(summary.ok()).isEqualTo(3);
        assertThat(origin.received("/graphql")).extracting(r -> r.method() + " " + r.bodyText())
                .containsExactlyInAnyOrder("POST {\"query\":\"a\"}", "POST {\"query\":\"b\"}", "GET ");
        assertThat(h.query("SELECT count(DISTINCT request) AS n FROM results WHERE url = '" + target + "'").get(0).get("n"))
                .isEqualTo(3);
    }

    @Test
    void methodAndDataAreDefaultsThatARequestObjectOverrides() throws Exception {
        InputRequests posts = new InputRequests(InputFormat.AUTO,
                new InputRequests.Defaults("POST", "a=1&b=2".getBytes(StandardCharsets.UTF_8)));
        run(posts, List.of(url("/form"), "{\"url\": \"" + url("/own") + "\", \"body\": \"x=9\"}",
                "{\"url\": \"" + url("/get") + "\", \"method\": \"GET\"}"));

        assertThat(origin.received("/form")).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.contentType()).startsWith("application/x-www-form-urlencoded");
            assertThat(r.bodyText()).isEqualTo("a=1&b=2");
        });
        assertThat(origin.received("/own")).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.bodyText()).isEqualTo("x=9");
        });
        // A GET with the default body: sent as the user asked (some search APIs take one).
        assertThat(origin.received("/get")).singleElement().satisfies(r -> assertThat(r.method()).isEqualTo("GET"));
    }

    @Test
    void aLineThatIsNotARequestIsStoredAsInvalidNamingItsLineAndTheRunGoesOn() throws Exception {
        RunSummary summary = run(jsonl(), List.of(
                "{\"url\": \"" + url("/fine") + "\"}",
                "{\"url\": \"" + url("/x") + "\", \"method\": \"GET\"",            // not JSON (unterminated)
                "{\"method\": \"POST\"}",                                            // no url
                "{\"url\": \"" + url("/y") + "\", \"method\": \"PO ST\"}",          // not a method
                "{\"url\": \"" + url("/z") + "\", \"headers\": {\"A\": [1]}}",      // a header that is not a string
                "{\"url\": \"" + url("/w") + "\", \"bdy\": 1}",                     // a typo
                "{\"url\": \"ftp://example.com/\"}"));                              // not http(s)

        assertThat(summary.ok()).isEqualTo(1);
        List<Map<String, Object>> failed = h.query("SELECT error, detail FROM results WHERE status = 'failed' ORDER BY detail");
        assertThat(failed).hasSize(6).allSatisfy(r -> assertThat(r.get("error")).isEqualTo("invalid_url"));
        assertThat(failed).extracting(r -> (String) r.get("detail")).satisfiesExactly(
                d -> assertThat(d).startsWith("line 2 of ").contains("not JSON"),
                d -> assertThat(d).startsWith("line 3 of ").contains("needs \"url\""),
                d -> assertThat(d).startsWith("line 4 of ").contains("'PO ST' is not an HTTP method"),
                d -> assertThat(d).startsWith("line 5 of ").contains("header \"A\" must be a string"),
                d -> assertThat(d).startsWith("line 6 of ").contains("unknown member \"bdy\""),
                d -> assertThat(d).startsWith("line 7 of ").contains("scheme 'ftp'"));
        assertThat(origin.requests()).isEqualTo(1);
    }

    @Test
    void oneRequestWrittenInSeveralCanonicallyEqualWaysIsFetchedOnce() throws Exception {
        String plain = url("/same");
        String upper = plain.replace("http://", "HTTP://");
        run(jsonl(), List.of(plain, upper, plain + "#fragment", "{\"url\": \"" + plain + "#other\"}"));

        assertThat(origin.requests("/same")).isEqualTo(1);
        assertThat(h.query("SELECT url FROM results")).extracting(r -> r.get("url")).containsExactly(plain);
    }

    @Test
    void aFollowRuleMayEmitPostRequestsWithBodies() throws Exception {
        // The origin's answer has "items": [1, 2, 3]; each becomes a POST of its own body.
        Sluice.Builder b = Sluice.builder().config(Harness.config().build())
                .discovery(DiscoveryOptions.builder()
                        .follow(".items[] | {url: \"/detail\", method: \"POST\", headers: {\"X-Item\": \"\\(.)\"}, body: {id: .}}")
                        .build());
        RunSummary summary = h.run(b, List.of(url("/list")));

        assertThat(summary.ok()).isEqualTo(4);
        assertThat(origin.received("/detail")).extracting(r -> r.method() + " " + r.bodyText())
                .containsExactlyInAnyOrder("POST {\"id\":1}", "POST {\"id\":2}", "POST {\"id\":3}");
        List<Map<String, Object>> rows = h.query("SELECT q.method, q.headers, q.rule, q.parent, p.url AS parent_url "
                + "FROM queue q JOIN queue p ON p.request = q.parent ORDER BY q.id");
        assertThat(rows).hasSize(3).allSatisfy(r -> {
            assertThat(r).containsEntry("method", "POST").containsEntry("rule", "follow").containsEntry("parent_url", url("/list"));
            assertThat((String) r.get("headers")).startsWith("{\"X-Item\":");
        });
    }

    @Test
    void aPaginatedPostAsksForEachNextPageWithTheSameBody() throws Exception {
        Sluice.Builder b = Sluice.builder().config(Harness.config().input(jsonl()).build())
                .processor(JqProcessor.compile(".items[]"))
                .discovery(DiscoveryOptions.builder().paginate("cursor:.next_cursor=cursor").build());
        RunSummary summary = h.run(b, List.of("{\"url\": \"" + url("/api/cursor?pages=4&per=2") + "\", \"method\": \"POST\", "
                + "\"body\": {\"filter\": \"red\"}}"));

        assertThat(summary.failed()).isZero();
        assertThat(h.query("SELECT count(*) AS n FROM records").get(0).get("n")).isEqualTo(8);
        assertThat(h.query("SELECT method, body FROM queue ORDER BY id")).hasSize(4).allSatisfy(r -> {
            assertThat(r.get("method")).isEqualTo("POST");
            assertThat(new String((byte[]) r.get("body"), StandardCharsets.UTF_8)).isEqualTo("{\"filter\":\"red\"}");
        });
        assertThat(origin.requestCounts().entrySet()).allSatisfy(e -> assertThat(e.getValue()).isEqualTo(1));
    }

    /** A method Jetty does not know is sent as it is, and a transport failure of one is an ordinary, retried failure. */
    @Test
    void anUnknownMethodIsSentAndItsFailuresAreTyped() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        RunSummary summary = h.run(Harness.config().input(jsonl()).retries(1).build(), List.of(
                "{\"url\": \"" + url("/purge-me") + "\", \"method\": \"PURGE\"}",
                "{\"url\": \"http://127.0.0.1:" + closed + "/x\", \"method\": \"PURGE\"}"));

        assertThat(origin.received("/purge-me")).singleElement().satisfies(r -> assertThat(r.method()).isEqualTo("PURGE"));
        assertThat(summary.ok()).isEqualTo(1);
        assertThat(h.query("SELECT error, attempts FROM results WHERE status = 'failed'")).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("error", "connect").containsEntry("attempts", 2));
    }

    @Test
    void aPostRedirectedBy302ContinuesAsAGetWithoutItsBody() throws Exception {
        run(jsonl(), List.of("{\"url\": \"" + url("/moved?location=/landing") + "\", \"method\": \"POST\", \"body\": {\"a\": 1}}"));

        assertThat(origin.received("/moved?location=/landing")).singleElement()
                .satisfies(r -> assertThat(r.method()).isEqualTo("POST"));
        assertThat(origin.received("/landing")).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.body()).isEmpty();
        });
    }
}
