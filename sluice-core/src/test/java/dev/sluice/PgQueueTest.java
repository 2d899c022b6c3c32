package dev.sluice;

import dev.sluice.spi.Frontier;
import dev.sluice.spi.InputRequests;

import dev.sluice.internal.input.LineSource;
import dev.sluice.origin.Origin;
import dev.sluice.internal.store.postgres.PgDatabase;
import dev.sluice.internal.store.InputLoader;
import dev.sluice.internal.store.postgres.PgEnqueue;
import dev.sluice.internal.store.postgres.PgFrontier;
import dev.sluice.internal.store.postgres.PgStore;
import dev.sluice.testkit.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The work queue in a real PostgreSQL: loading, claiming under leases, finishing, taking over. */
class PgQueueTest {
    static final TestPostgres pg = TestPostgres.shared();
    String url;
    PgDatabase db;
    Origin origin;

    @BeforeEach
    void setUp() throws Exception {
        url = pg.newDatabase();
        db = PgDatabase.open(url, 4, Map.of());
        origin = Origin.start();
    }

    @AfterEach
    void tearDown() {
        db.close();
        origin.close();
    }

    private List<String> urls(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> origin.uri("/page/" + i).toString()).toList();
    }

    private long count(String sql) throws SQLException {
        try (Connection c = pg.connect(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void overlappingLoadsAtTheSameTimeAddEachUrlOnce() throws Exception {
        List<String> a = new ArrayList<>(urls(0, 12_000));
        a.add("not a url");
        List<String> b = new ArrayList<>(urls(6_000, 18_000));
        b.add("not a url");
        InputLoader enqueue = PgEnqueue.loader(db, InputRequests.urls(), ResumeMode.SKIP_DONE, Clock.systemUTC(), Duration.ofSeconds(10));

        CompletableFuture<Frontier.Loaded> first = CompletableFuture.supplyAsync(() -> load(enqueue, a));
        CompletableFuture<Frontier.Loaded> second = CompletableFuture.supplyAsync(() -> load(enqueue, b));
        Frontier.Loaded s1 = first.join();
        Frontier.Loaded s2 = second.join();

        assertThat(s1.queued() + s2.queued()).isEqualTo(18_000);
        assertThat(s1.skipped() + s2.skipped()).isEqualTo(6_000);
        assertThat(s1.invalid() + s2.invalid()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM queue WHERE state = 'queued'")).isEqualTo(18_000);
        assertThat(count("SELECT count(*) FROM results WHERE error = 'invalid_url'")).isEqualTo(1);

        Frontier.Loaded again = load(enqueue, a);
        assertThat(again.queued()).isZero();
        assertThat(again.skipped()).isEqualTo(12_000);
        assertThat(count("SELECT count(*) FROM queue")).isEqualTo(18_001);
    }

    /** JSON Lines requests through the shared queue: each POST's body reaches the server; two bodies are two requests. */
    @Test
    void postRequestsWithBodiesGoThroughTheQueueIntact() throws Exception {
        String target = origin.uri("/pg-post").toString();
        List<String> lines = List.of(
                "{\"url\": \"" + target + "\", \"method\": \"POST\", \"headers\": {\"Content-Type\": \"application/json\"}, \"body\": {\"q\": 1}}",
                "{\"url\": \"" + target + "\", \"method\": \"POST\", \"body\": {\"q\": 2}}",
                "{\"url\": \"" + target + "\", \"method\": \"POST\", \"body\": {\"q\": 1}}",
                "{\"url\": \"" + target + "\", \"body\": \"not posted\", \"bad\": 1}");
        Frontier.Loaded loaded = PgEnqueue.loader(db, new InputRequests(dev.sluice.spi.InputFormat.JSONL, InputRequests.Defaults.NONE),
                ResumeMode.SKIP_DONE, Clock.systemUTC(), Duration.ofSeconds(10)).load(LineSource.ofLines(lines));
        assertThat(loaded.queued()).isEqualTo(2);
        assertThat(loaded.invalid()).isEqualTo(1);

        try (Sluice sluice = Sluice.builder().config(Harness.config().build()).build();
             PgFrontier queue = PgFrontier.join(db, Duration.ofSeconds(30))) {
            sluice.work(queue, () -> false);
        }

        assertThat(origin.received("/pg-post")).extracting(r -> r.method() + " " + r.bodyText())
                .containsExactlyInAnyOrder("POST {\"q\":1}", "POST {\"q\":2}");
        assertThat(count("SELECT count(*) FROM results WHERE method = 'POST' AND status = 'ok'")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM queue WHERE headers ->> 'Content-Type' = 'application/json' AND body IS NOT NULL"))
                .isEqualTo(1);
    }

    @Test
    void aUrlWithAPasswordIsNotQueuedButFailedWithItsPasswordMasked() throws Exception {
        String secret = origin.uri("/page/1").toString().replace("http://", "http://ann:s3cret@");
        String masked = secret.replace("s3cret", "***");

        Frontier.Loaded s = load(PgEnqueue.loader(db, InputRequests.urls(), ResumeMode.SKIP_DONE, Clock.systemUTC(), Duration.ofSeconds(10)), List.of(secret));

        assertThat(s.queued()).isZero();
        assertThat(s.invalid()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM queue WHERE state = 'failed' AND url = '" + masked + "'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM results WHERE error = 'invalid_url' AND url = '" + masked + "' "
                + "AND detail LIKE '%cannot be queued%'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM queue WHERE url LIKE '%s3cret%'")
                + count("SELECT count(*) FROM results WHERE url || detail LIKE '%s3cret%'")).isZero();
    }

    private static Frontier.Loaded load(InputLoader enqueue, List<String> lines) {
        try {
            return enqueue.load(LineSource.ofLines(lines));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aWorkerDrainsTheQueueIntoResultsAndFinishesEachUrlInTheSameTransaction() throws Exception {
        PgEnqueue.loader(db, InputRequests.urls(), ResumeMode.SKIP_DONE, Clock.systemUTC(), Duration.ofSeconds(10)).load(LineSource.ofLines(urls(0, 300)));
        RunSummary summary;
        String worker;
        try (Sluice sluice = Sluice.builder().config(Harness.config().concurrency(16).build()).build();
             PgFrontier queue = PgFrontier.join(db, Duration.ofSeconds(30))) {
            worker = queue.workerId();
            summary = sluice.work(queue, () -> false);
        }
        assertThat(summary.ok()).isEqualTo(300);
        assertThat(count("SELECT count(*) FROM results WHERE status = 'ok'")).isEqualTo(300);
        assertThat(count("SELECT count(*) FROM queue WHERE state = 'done' AND finished_by = '" + worker + "'")).isEqualTo(300);
        assertThat(origin.requests()).isEqualTo(300);
    }

    @Test
    void aDeadWorkersLeasesAreTakenOverOnceTheyExpireAndItsLateResultsAreNotStored() throws Exception {
        PgEnqueue.loader(db, InputRequests.urls(), ResumeMode.SKIP_DONE, Clock.systemUTC(), Duration.ofSeconds(10)).load(LineSource.ofLines(urls(0, 50)));
        PgFrontier dead = PgFrontier.join(db, Duration.ofMillis(600));
        List<Frontier.Claim> held = dead.claim(10);
        assertThat(held).hasSize(10);
        dead.close(); // its heartbeat stops: the leases are no longer renewed, nor given back

        try (Sluice sluice = Sluice.builder().config(Harness.config().concurrency(8).build()).build();
             PgFrontier alive = PgFrontier.join(db, Duration.ofMillis(600))) {
            RunSummary summary = sluice.work(alive, () -> false); // waits for the dead worker's leases to expire
            assertThat(summary.ok()).isEqualTo(50);
        }
        assertThat(count("SELECT count(*) FROM queue WHERE state = 'done'")).isEqualTo(50);
        assertThat(count("SELECT count(*) FROM queue WHERE claims = 2")).isEqualTo(10);

        RequestResult late = RequestResult.failed(held.get(0).request(), ErrorKind.TIMEOUT, "late", null, 1, 1, java.time.Instant.now());
        assertThat(dead.complete(List.of(late))).isEmpty();
        assertThat(count("SELECT count(*) FROM results WHERE status = 'failed'")).isZero();
    }

    @Test
    void theStoreKeepsTheSameSchemaWithJsonbRecords() throws Exception {
        try (Sluice sluice = Sluice.builder().config(Harness.config().build())
                .processor(dev.sluice.internal.process.JqProcessor.compile("{n: .items | length}")).build();
             PgStore store = PgStore.open(url, Map.of())) {
            RunSummary s = sluice.run(store, LineSource.ofLines(List.of(origin.uri("/page/1").toString(),
                    origin.uri("/x?status=404").toString())));
            assertThat(s.ok()).isEqualTo(1);
            assertThat(store.counts().byError()).containsEntry("http", 1L);
            List<RequestResult> scanned = new ArrayList<>();
            store.scan(null, scanned::add);
            assertThat(scanned).extracting(RequestResult::url).containsExactly(origin.uri("/page/1").toString(),
                    origin.uri("/x?status=404").toString());
        }
        assertThat(count("SELECT count(*) FROM records WHERE jsonb_typeof(data -> 'n') = 'number'")).isEqualTo(1);
    }

    @Test
    void retryFailedQueuesAgainOnlyTheFailedOnesAndTheyAreFetchedAgain() throws Exception {
        List<String> lines = List.of(origin.uri("/page/1").toString(), origin.uri("/gone?status=404").toString());
        PgEnqueue.loader(db, InputRequests.urls(), ResumeMode.SKIP_DONE, Clock.systemUTC(), Duration.ofSeconds(10)).load(LineSource.ofLines(lines));
        work();
        assertThat(count("SELECT count(*) FROM queue WHERE state = 'failed'")).isEqualTo(1);

        Frontier.Loaded again = PgEnqueue.loader(db, InputRequests.urls(), ResumeMode.RETRY_FAILED, Clock.systemUTC(), Duration.ofSeconds(10))
                .load(LineSource.ofLines(lines));
        assertThat(again.requeued()).isEqualTo(1);
        assertThat(again.skipped()).isEqualTo(1);
        work();

        assertThat(origin.requests("/gone?status=404")).isEqualTo(2);
        assertThat(origin.requests("/page/1")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM results")).isEqualTo(2);
    }

    private void work() throws Exception {
        try (Sluice sluice = Sluice.builder().config(Harness.config().build()).build();
             PgFrontier queue = PgFrontier.join(db, Duration.ofSeconds(30))) {
            sluice.work(queue, () -> false);
        }
    }
}
