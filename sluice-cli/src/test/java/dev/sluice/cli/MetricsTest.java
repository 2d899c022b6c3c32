package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.internal.metrics.SluiceMetrics;
import dev.sluice.origin.Origin;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code --metrics-port}: {@code /metrics} in Prometheus's text format, read by the Prometheus project's own parser
 * (its Python client's, Debian's python3-prometheus-client: Prometheus's Java client has none), agrees with the rows
 * the run stored and with the server's counts, and keeps per-host series within their bound with 10,000 hosts.
 */
class MetricsTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Sample(String name, Map<String, String> labels, double value) {
    }

    /** GET {@code /metrics} and parse it with prometheus_client's text parser; a line it cannot parse fails the test. */
    private static List<Sample> scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(PYTHON).as("Debian's python3 with python3-prometheus-client (bin/test installs it)").isExecutable();
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", """
                import json, sys
                from prometheus_client.parser import text_string_to_metric_families
                for family in text_string_to_metric_families(sys.stdin.read()):
                    for s in family.samples:
                        print(json.dumps({"name": s.name, "labels": s.labels, "value": s.value}))
                """).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(r.body().getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("the parser's output: " + out).isZero();
        List<Sample> samples = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            Map<String, String> labels = new HashMap<>();
            n.get("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            samples.add(new Sample(n.get("name").asText(), labels, n.get("value").asDouble()));
        }
        return samples;
    }

    private static double sum(List<Sample> samples, String name, Map<String, String> where) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(where.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void theCountersAgreeWithTheStoredRowsAndTheServer() throws Exception {
        int metricsPort = freePort();
        int closedPort = freePort();
        try (Origin origin = Origin.start()) {
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                urls.add(origin.uri("/m/" + i).toString());
            }
            for (int i = 0; i < 10; i++) {
                urls.add(origin.uri("/flaky/" + i + "?fail=1").toString());
                urls.add(origin.uri("/missing/" + i + "?status=404").toString());
                urls.add("http://127.0.0.1:" + closedPort + "/down/" + i);
            }
            urls.add(origin.uri("/last?latency=4000").toString()); // keeps the run going while /metrics is read
            Path in = Files.write(dir.resolve("urls.txt"), urls, StandardCharsets.UTF_8);
            Path db = dir.resolve("m.db");
            CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> Cli.run("run", in.toString(), "--db", db.toString(),
                    "-c", "8", "--retries", "1", "--breaker", "3", "--metrics-port", Integer.toString(metricsPort), "--no-progress", "-q"));
            await().atMost(Duration.ofSeconds(30)).until(() -> Cli.committed(db) == urls.size() - 1);

            List<Sample> m = scrape(metricsPort);
            long stored = Cli.scalar(db, "SELECT count(*) FROM results");
            assertThat(sum(m, "sluice_results_total", Map.of())).isEqualTo(stored).isEqualTo(urls.size() - 1);
            assertThat(sum(m, "sluice_results_total", Map.of("status", "ok"))).isEqualTo(Cli.scalar(db, "SELECT count(*) FROM results WHERE status = 'ok'"));
            for (String error : List.of("http", "connect", "host_down")) {
                assertThat(sum(m, "sluice_results_total", Map.of("error", error))).as(error)
                        .isEqualTo(Cli.scalar(db, "SELECT count(*) FROM results WHERE error = '" + error + "'"));
            }
            assertThat(sum(m, "sluice_url_latency_seconds_count", Map.of()))
                    .isEqualTo(Cli.scalar(db, "SELECT count(*) FROM results WHERE attempts > 0"));
            assertThat(sum(m, "sluice_retries_total", Map.of("reason", "http_503"))).isEqualTo(10);
            String host = "127.0.0.1:" + origin.port();
            // A host is named once it has surely sent 10 requests; what it sent before is in other, with the refused host's.
            long refused = Cli.scalar(db, "SELECT sum(attempts) FROM results WHERE url LIKE '%:" + closedPort + "/%'");
            assertThat(sum(m, "sluice_host_requests_total", Map.of("host", host)) + sum(m, "sluice_host_requests_total", Map.of("host", "other")))
                    .as("the server's count and the refused attempts").isEqualTo(origin.requests() + refused);
            assertThat(sum(m, "sluice_host_requests_total", Map.of("host", host))).isGreaterThanOrEqualTo(origin.requests() - 9);
            assertThat(sum(m, "sluice_requests_total", Map.of())).isEqualTo(sum(m, "sluice_host_requests_total", Map.of()));
            assertThat(sum(m, "sluice_host_breaker_openings_total", Map.of())).isEqualTo(1);
            assertThat(sum(m, "sluice_in_flight_requests", Map.of())).isBetween(0.0, 1.0);
            assertThat(sum(m, "sluice_writer_batch_rows_count", Map.of())).isPositive();
            assertThat(m).extracting(Sample::name).contains("sluice_cpu_queue_bodies", "sluice_writer_queue_results", "sluice_window_urls");

            assertThat(run.get().exitCode()).isEqualTo(ExitCode.FAILURES);
            assertThat(run.get().err()).doesNotContain("cannot serve metrics");
        }
    }

    @Test
    void tenThousandHostsKeepTheirSeriesWithinTheBoundAndTheBusiestByName() throws Exception {
        SluiceMetrics metrics = new SluiceMetrics(50);
        long sent = 0;
        for (int round = 0; round < 20; round++) {
            for (int h = 0; h < 10_000; h++) {
                if (round == 0 || h < 5) { // 5 busy hosts among 10,000 that send once
                    metrics.sent("host-" + h + ".example", false);
                    metrics.fetched("host-" + h + ".example", false, 10);
                    sent++;
                }
            }
        }
        metrics.limitChanged("host-0.example", 7); // named: shown
        metrics.limitChanged("host-9999.example", 3); // not named: not kept
        int port = freePort();
        try (HTTPServer served = new MetricsEndpoint("127.0.0.1", port).start(metrics.registry())) {
            List<Sample> m = scrape(port);
            assertThat(m.stream().filter(s -> s.name().equals("sluice_host_concurrency_limit")).toList())
                    .containsExactly(new Sample("sluice_host_concurrency_limit", Map.of("host", "host-0.example"), 7));
            for (String name : List.of("sluice_host_requests_total", "sluice_host_failures_total")) {
                Set<String> hosts = new HashSet<>();
                m.stream().filter(s -> s.name().equals(name)).forEach(s -> hosts.add(s.labels().get("host")));
                assertThat(hosts).as(name).hasSizeLessThanOrEqualTo(51).contains("other")
                        .contains("host-0.example", "host-1.example", "host-2.example", "host-3.example", "host-4.example");
            }
            assertThat(sum(m, "sluice_host_requests_total", Map.of())).isEqualTo(sent);
            assertThat(sum(m, "sluice_requests_total", Map.of())).isEqualTo(sent);
        }
    }

    @Test
    void aPortInUseIsOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path in = Files.write(dir.resolve("one.txt"), List.of("http://127.0.0.1:9/x"), StandardCharsets.UTF_8);
            Cli.Result r = Cli.run("run", in.toString(), "--db", dir.resolve("p.db").toString(), "--metrics-port",
                    Integer.toString(taken.getLocalPort()), "--no-progress", "-q");
            assertThat(r.exitCode()).isEqualTo(ExitCode.FATAL);
            assertThat(r.err()).contains("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort()).doesNotContain("Exception", "\tat ");
        }
    }
}
