package dev.sluice;

import dev.sluice.spi.Store;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.internal.input.LineSource;
import dev.sluice.origin.Origin;
import dev.sluice.internal.store.postgres.PgDatabase;
import dev.sluice.internal.store.postgres.PgEnqueue;
import dev.sluice.internal.store.postgres.PgFrontier;
import dev.sluice.internal.store.postgres.PgStore;
import dev.sluice.internal.store.sqlite.SqliteStore;
import dev.sluice.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Runs are recorded (table runs): start, command, configuration, end, summary; each result says which run stored it. */
class RunsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aRunIsRecordedWithItsMaskedCommandItsConfigurationAndASummaryThatMatchesItsRows() throws Exception {
        Harness h = new Harness(dir);
        try (Origin origin = Origin.start()) {
            List<String> urls = new ArrayList<>(IntStream.range(0, 40).mapToObj(i -> origin.uri("/r/" + i).toString()).toList());
            urls.add(origin.uri("/gone?status=410").toString());
            urls.add("not a url");
            RunSummary summary = h.run(Sluice.builder()
                    .config(Harness.config().concurrency(7).headers(List.of(SluiceConfig.Header.parse("Authorization: Bearer s3cr3t"),
                            SluiceConfig.Header.parse("X-Trace: shown"))).build())
                    .command("sluice", List.of("run", "-H", "Authorization: Bearer s3cr3t", "-H", "X-Trace: shown", "urls.txt")), urls);

            List<Map<String, Object>> runs = h.query("SELECT * FROM runs");
            assertThat(runs).hasSize(1);
            Map<String, Object> run = runs.getFirst();
            assertThat(run.get("state")).isEqualTo("done");
            assertThat(run.get("command")).isEqualTo("sluice run -H 'Authorization: ***' -H 'X-Trace: shown' urls.txt");
            JsonNode config = JSON.readTree((String) run.get("config"));
            assertThat(config.get("concurrency").asInt()).isEqualTo(7);
            assertThat(config.get("headers").toString()).contains("Authorization: ***", "X-Trace: shown");
            assertThat(run.toString()).doesNotContain("s3cr3t");
            assertThat(((Number) run.get("ok")).longValue()).isEqualTo(summary.ok()).isEqualTo(40);
            assertThat(((Number) run.get("failed")).longValue()).isEqualTo(summary.failed()).isEqualTo(2);
            assertThat(JSON.readTree((String) run.get("failed_by_error")).toString()).isEqualTo("{\"http\":1,\"invalid_url\":1}");
            assertThat(run.get("ended_at")).isNotNull();
            // every row stored by the run, the invalid line's too, says so
            assertThat(h.query("SELECT run || ':' || count(*) AS n FROM results GROUP BY run")).extracting(r -> r.get("n"))
                    .containsExactly(run.get("id") + ":42");
        }
    }

    /**
     * What requests met, per host and second (run_hosts, run_latency, run_retries, run_seconds, run_events), agrees
     * with the run's summary, with the server's own counts and with the rows stored: a host answering 429 to
     * everything is held back, one failing each URL's first request is retried for http_503, one that refuses
     * connections is found down.
     */
    @Test
    void whatRequestsMetPerHostAndSecondAgreesWithTheSummaryTheServerAndTheRows() throws Exception {
        Harness h = new Harness(dir);
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (Origin origin = Origin.start()) {
            String throttled = "127.0.0.1:" + origin.port();
            String flaky = "localhost:" + origin.port();
            String down = "127.0.0.1:" + closedPort;
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                urls.add(origin.uri("/t/" + i + "?throttle=1&failStatus=429").toString());
                urls.add(origin.uri("localhost", "/f/" + i + "?fail=1").toString());
                urls.add("http://" + down + "/d/" + i);
            }
            RunSummary summary = h.run(Harness.config().retries(2).breakerFailures(3).concurrency(6).build(), urls);

            Map<String, Map<String, Object>> hosts = new java.util.HashMap<>();
            for (Map<String, Object> row : h.query("SELECT * FROM run_hosts")) {
                hosts.put((String) row.get("host"), row);
            }
            assertThat(hosts).containsOnlyKeys(throttled, flaky, down);
            assertThat(sum(h, "SELECT sum(requests) FROM run_hosts")).isEqualTo(summary.requests());
            assertThat(sum(h, "SELECT sum(retries) FROM run_hosts")).isEqualTo(summary.retries());
            assertThat(sum(h, "SELECT sum(requests) FROM run_seconds")).isEqualTo(summary.requests());
            assertThat(sum(h, "SELECT sum(retries) FROM run_seconds")).isEqualTo(summary.retries());
            assertThat(number(hosts.get(throttled), "requests") + number(hosts.get(flaky), "requests"))
                    .as("requests the server saw").isEqualTo(origin.requests());
            assertThat(number(hosts.get(throttled), "status_429")).isEqualTo(30); // 10 URLs, 3 attempts each, all 429
            assertThat(number(hosts.get(throttled), "failed")).isEqualTo(10);
            assertThat(number(hosts.get(throttled), "held_back_ms")).isPositive();
            assertThat(number(hosts.get(flaky), "status_503")).isEqualTo(10);
            assertThat(number(hosts.get(flaky), "fetched")).isEqualTo(10);
            assertThat(number(hosts.get(down), "breaker_opens")).isPositive();
            assertThat(number(hosts.get(down), "failed")).isEqualTo(10);
            assertThat(h.query("SELECT reason, n FROM run_retries WHERE host = '" + flaky + "'"))
                    .containsExactly(Map.of("reason", "http_503", "n", 10));
            // every URL once in its host's latency histogram
            for (String host : hosts.keySet()) {
                Map<String, Object> row = hosts.get(host);
                assertThat(sum(h, "SELECT sum(n) FROM run_latency WHERE host = '" + host + "'")).as(host)
                        .isEqualTo(number(row, "fetched") + number(row, "failed"));
            }
            assertThat(h.query("SELECT DISTINCT host || ' ' || kind AS e FROM run_events")).extracting(r -> r.get("e"))
                    .contains(throttled + " held_back", down + " breaker_open");
            assertThat(sum(h, "SELECT count(*) FROM results WHERE status = 'failed'")).isEqualTo(20);
        }
    }

    private static long sum(Harness h, String sql) throws Exception {
        return ((Number) h.query(sql).getFirst().values().iterator().next()).longValue();
    }

    private static long number(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }

    @Test
    void eachRunHasItsOwnRowAndTheRowsItStoredAStoppedOneReadsInterrupted() throws Exception {
        Harness h = new Harness(dir);
        try (Origin origin = Origin.start(); Store store = SqliteStore.open(h.db());
             Sluice sluice = Sluice.builder().config(Harness.config().concurrency(5).build()).build()) {
            List<String> urls = IntStream.range(0, 300).mapToObj(i -> origin.uri("/s/" + i + "?latency=100").toString()).toList();
            CompletableFuture<RunSummary> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return sluice.run(store, LineSource.ofLines(urls));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> origin.requests() >= 20);
            sluice.stop();
            RunSummary stopped = first.get();
            RunSummary rest = sluice.run(store, LineSource.ofLines(urls));

            List<RunRecord> runs = store.runs(10);
            assertThat(runs).extracting(RunRecord::state).containsExactly(RunState.DONE, RunState.INTERRUPTED);
            assertThat(runs.get(1).summary().ok()).isEqualTo(stopped.ok());
            assertThat(runs.get(0).summary().ok()).isEqualTo(rest.ok());
            assertThat(h.query("SELECT run || ':' || count(*) AS n FROM results GROUP BY run ORDER BY run")).extracting(r -> r.get("n"))
                    .containsExactly(runs.get(1).id() + ":" + stopped.ok(), runs.get(0).id() + ":" + rest.ok());
            assertThat(stopped.ok() + rest.ok()).isEqualTo(300);
        }
    }

    @Test
    void aRunLeftRunningByAProcessThatDiedIsLost() throws Exception {
        Harness h = new Harness(dir);
        try (Origin origin = Origin.start()) {
            h.run(Harness.config().build(), List.of(origin.uri("/a").toString()));
            // As a killed process leaves it: running, never ended; pid 2^22 + 1 is above Linux's pid_max, so no process has it.
            String host = java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            h.execute("INSERT INTO runs (worker, config, started_at, seen_at) VALUES ('" + host + ":4194305:beef', '{}', "
                    + "'2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z')");
            try (Store store = SqliteStore.openForReading(h.db())) {
                assertThat(store.runs(10)).extracting(RunRecord::state).containsExactly(RunState.LOST, RunState.DONE);
            }
            h.run(Harness.config().build(), List.of(origin.uri("/b").toString()));
            assertThat(h.query("SELECT state FROM runs ORDER BY id")).extracting(r -> r.get("state"))
                    .containsExactly("done", "lost", "done"); // the next run on the file marks it so
        }
    }

    @Test
    void aRunWhoseInputFailsIsFatalWithTheReason() throws Exception {
        Harness h = new Harness(dir);
        try (Store store = SqliteStore.open(h.db()); Sluice sluice = Sluice.builder().build()) {
            InputSource broken = Harness.failingInput("disk on fire");
            try {
                sluice.run(store, broken);
            } catch (IOException expected) {
                // the run's caller is told too
            }
            RunRecord run = store.runs(1).getFirst();
            assertThat(run.state()).isEqualTo(RunState.FATAL);
            assertThat(run.message()).isEqualTo("cannot read the input: disk on fire");
        }
    }

    /** Three workers on one queue: three runs, each with the rows it stored; one whose heartbeat stopped reads lost. */
    @Test
    void eachPostgresWorkerRecordsItsRunAndADeadOneIsLost() throws Exception {
        TestPostgres pg = TestPostgres.shared();
        String url = pg.newDatabase();
        try (Origin origin = Origin.start(); PgDatabase db = PgDatabase.open(url, 8, Map.of())) {
            List<String> urls = IntStream.range(0, 600).mapToObj(i -> origin.uri("/w/" + i + "?latency=5").toString()).toList();
            PgEnqueue.loader(db, dev.sluice.spi.InputRequests.urls(), ResumeMode.SKIP_DONE, Clock.systemUTC(), Duration.ofSeconds(10))
                    .load(LineSource.ofLines(urls));
            List<CompletableFuture<RunSummary>> workers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                workers.add(CompletableFuture.supplyAsync(() -> {
                    try (Sluice sluice = Sluice.builder().config(Harness.config().concurrency(4).build()).build();
                         PgFrontier queue = PgFrontier.join(db, Duration.ofSeconds(30))) {
                        return sluice.work(queue, () -> false);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            long ok = 0;
            for (CompletableFuture<RunSummary> w : workers) {
                ok += w.get().ok();
            }
            assertThat(ok).isEqualTo(600);

            try (Connection c = pg.connect(url); Statement st = c.createStatement()) {
                st.execute("INSERT INTO runs (worker, config, started_at, seen_at, alive_until) "
                        + "VALUES ('elsewhere:1:dead', '{}', now() - interval '1 hour', now() - interval '1 hour', now() - interval '59 minutes')");
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM results r JOIN runs u ON u.id = r.run WHERE u.state = 'done'")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("rows stored by a recorded run").isEqualTo(600);
                }
            }
            List<RunRecord> runs = PgStore.on(db).runs(10);
            assertThat(runs).extracting(RunRecord::state)
                    .containsExactly(RunState.LOST, RunState.DONE, RunState.DONE, RunState.DONE);
            assertThat(runs.subList(1, 4)).extracting(RunRecord::worker).doesNotHaveDuplicates();
            assertThat(runs.subList(1, 4).stream().mapToLong(r -> r.summary().ok()).sum()).isEqualTo(600);
        }
    }
}
