package dev.sluice;

import dev.sluice.internal.input.UrlParser;
import dev.sluice.testkit.RecordingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 10: a URL's password is sent as Basic auth and never stored; over-long URLs are refused before any request. */
class HostileUrlsTest {
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("ann:s3cr:t".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;
    RecordingServer server;

    @BeforeEach
    void start() throws IOException {
        server = RecordingServer.start((request, exchange) -> {
            String to = switch (request.path()) {
                case "/same-origin" -> "/target";
                case "/other-origin" -> "http://localhost:" + port() + "/target"; // another host: another origin
                default -> null;
            };
            if (to != null) {
                exchange.getResponseHeaders().set("Location", to);
            }
            exchange.sendResponseHeaders(to != null ? 302 : 200, -1);
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int port() {
        return server.port();
    }

    /** Each request's path, Host and Authorization (empty string when absent). */
    private List<List<String>> received() {
        return server.requests().stream().map(r -> List.of(r.path(), r.header("Host"),
                r.header("Authorization") == null ? "" : r.header("Authorization"))).toList();
    }

    @Test
    void aPasswordIsSentAsBasicAuthStoredMaskedAndARerunSkipsTheUrl() throws Exception {
        String url = "http://ann:s3cr%3At@127.0.0.1:" + port() + "/private";
        Harness h = new Harness(dir);

        RunSummary first = h.run(Harness.config().build(), List.of(url));
        RunSummary again = h.run(Harness.config().build(), List.of(url));

        assertThat(first.ok()).isEqualTo(1);
        assertThat(received()).containsExactly(List.of("/private", "127.0.0.1:" + port(), BASIC));
        assertThat(h.results()).containsOnlyKeys("http://ann:***@127.0.0.1:" + port() + "/private");
        assertThat(again.skipped()).as("the same input finds its row").isEqualTo(1);
        assertThat(received()).hasSize(1);
        assertThat(databaseFiles()).doesNotContain("s3cr");
    }

    @Test
    void aRedirectKeepsTheBasicAuthOnItsOriginOnly() throws Exception {
        String base = "http://ann:s3cr%3At@127.0.0.1:" + port();

        new Harness(dir).run(Harness.config().build(), List.of(base + "/same-origin", base + "/other-origin"));

        Map<String, List<String>> authBySourceAndTarget = Map.of(
                "same origin", received().stream().filter(r -> r.get(1).startsWith("127.0.0.1")).map(r -> r.get(2)).toList(),
                "other origin", received().stream().filter(r -> r.get(1).startsWith("localhost")).map(r -> r.get(2)).toList());
        assertThat(authBySourceAndTarget.get("same origin")).as("/same-origin, its /target and /other-origin")
                .containsExactly(BASIC, BASIC, BASIC);
        assertThat(authBySourceAndTarget.get("other origin")).as("/target on localhost").containsExactly("");
    }

    @Test
    void aUrlOverTheLimitIsAnInvalidUrlNamingItAndNothingIsSent() throws Exception {
        String base = "http://127.0.0.1:" + port() + "/long?q=";
        String tooLong = base + "a".repeat(UrlParser.MAX_URL_BYTES + 1 - base.length());
        Harness h = new Harness(dir);

        RunSummary summary = h.run(Harness.config().build(), List.of(tooLong));

        assertThat(summary.failedByError()).containsExactly(Map.entry("invalid_url", 1L));
        Map<String, Object> row = h.result(tooLong);
        assertThat(row.get("error")).isEqualTo("invalid_url");
        assertThat(row.get("attempts")).isEqualTo(0);
        assertThat((String) row.get("detail")).isEqualTo("line 1 of input: longer than the limit of 8,192 bytes for a URL (8,193 bytes)");
        assertThat(received()).isEmpty();
    }

    /** The database and its write-ahead log, as text: whatever any table holds. */
    private String databaseFiles() throws IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }
}
