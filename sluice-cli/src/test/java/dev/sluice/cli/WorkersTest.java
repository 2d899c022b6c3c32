package dev.sluice.cli;

import dev.sluice.origin.Origin;
import dev.sluice.origin.Site;
import dev.sluice.internal.store.postgres.PgDatabase;
import dev.sluice.internal.store.postgres.PgFrontier;
import dev.sluice.testkit.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several worker processes on one PostgreSQL queue, as users run them: real processes, a real server.
 * Whatever happens to a worker or to the database, every URL ends with exactly one final row.
 */
class WorkersTest {
    static final TestPostgres shared = TestPostgres.shared();

    @TempDir
    Path dir;
    Origin origin;
    final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void setUp() {
        origin = Origin.start();
    }

    @AfterEach
    void tearDown() {
        processes.forEach(Process::destroyForcibly);
        origin.close();
    }

    private Path input(int urls, String query) throws Exception {
        List<String> lines = IntStream.range(0, urls).mapToObj(i -> origin.uri("/w/" + i + "?" + query).toString()).toList();
        return Files.write(dir.resolve("urls-" + urls + ".txt"), lines);
    }

    /** A {@code sluice} process; its output goes to files named after {@code name}. */
    private Process sluice(String name, String... args) throws Exception {
        Process p = Cli.start(List.of("-Xmx256m"), dir.resolve(name + ".out"), dir.resolve(name + ".err"), List.of(args));
        processes.add(p);
        return p;
    }

    private String err(String name) throws Exception {
        return Files.readString(dir.resolve(name + ".err"));
    }

    private static long scalar(TestPostgres pg, String db, String sql) {
        try (Connection c = pg.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1; // e.g. while the server restarts
        }
    }

    private static List<Long> ids(TestPostgres pg, String db, String sql) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = pg.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    @Test
    void threeWorkersOneKilledWithSigkillEveryUrlExactlyOneFinalRow() throws Exception {
        int urls = 3_000;
        String db = shared.newDatabase();
        Cli.Result loaded = Cli.run("enqueue", input(urls, "latency=60-120").toString(), "--db", db);
        assertThat(loaded.exitCode()).as(loaded.err()).isZero();
        assertThat(loaded.out()).contains("3,000 new");

        String[] worker = {"worker", "--db", db, "-c", "16", "--per-host", "16", "--lease", "2s", "--jq", ".items[]", "--no-progress"};
        Process victim = sluice("victim", worker);
        Process a = sluice("a", worker);
        Process b = sluice("b", worker);
        String victimLeases = "FROM queue WHERE state = 'leased' AND lease_owner LIKE '%:" + victim.pid() + ":%'";
        await().atMost(Duration.ofSeconds(60)).until(() -> scalar(shared, db, "SELECT count(*) FROM results") >= 500
                && scalar(shared, db, "SELECT count(*) " + victimLeases) > 0);
        victim.destroyForcibly(); // SIGKILL: no release, no last words
        assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
        // What it holds is read once it is gone: until then it was still finishing some of its leases. Read at once,
        // before its last heartbeat's 2 s run out (one reaped in between would only be missing from the list).
        List<Long> heldWhenKilled = ids(shared, db, "SELECT id " + victimLeases);
        assertThat(heldWhenKilled).as("leases the dead worker held").isNotEmpty();

        assertThat(a.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(b.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(a.exitValue()).as(err("a")).isZero();
        assertThat(b.exitValue()).as(err("b")).isZero();

        assertThat(scalar(shared, db, "SELECT count(*) FROM results")).isEqualTo(urls);
        assertThat(scalar(shared, db, "SELECT count(*) FROM results WHERE status = 'ok'")).isEqualTo(urls);
        assertThat(scalar(shared, db, "SELECT count(*) FROM queue WHERE state = 'done'")).isEqualTo(urls);
        // every stored ok row has its three records (the body's items [1,2,3]), never a part of them, never twice
        assertThat(scalar(shared, db, "SELECT count(*) FROM records")).isEqualTo(3L * urls);
        // each lease the dead worker held was taken over: claimed a second time, finished by a live worker
        List<Long> takenOver = ids(shared, db, "SELECT id FROM queue WHERE claims > 1 AND state = 'done'"
                + " AND finished_by NOT LIKE '%:" + victim.pid() + ":%'");
        assertThat(takenOver).as("rows finished by a live worker under a second claim").containsAll(heldWhenKilled);
        assertThat(scalar(shared, db, "SELECT count(*) FROM queue WHERE claims > 1 AND finished_by LIKE '%:" + victim.pid() + ":%'")).isZero();
        assertThat(err("a") + err("b")).contains("returned to the queue");
    }

    /**
     * A crawl shared by three workers, one killed: what each response discovered joins the queue with its row, so
     * the survivors finish the site with every reachable page exactly once, whoever fetched it.
     */
    @Test
    void threeWorkersCrawlASiteOneKilledEveryReachablePageExactlyOnce() throws Exception {
        Site site = Site.of(3_000, 5).withLatency(Duration.ofMillis(20));
        int pages = site.reachable().size();
        String db = shared.newDatabase();
        Path seed = Files.write(dir.resolve("seed.txt"), List.of(origin.uri(site.root()).toString()));
        assertThat(Cli.run("enqueue", seed.toString(), "--db", db).exitCode()).isZero();

        String[] worker = {"worker", "--db", db, "-c", "16", "--per-host", "16", "--lease", "2s", "--follow-links", "--no-progress"};
        Process victim = sluice("victim", worker);
        Process a = sluice("a", worker);
        Process b = sluice("b", worker);
        String victimLeases = "SELECT count(*) FROM queue WHERE state = 'leased' AND lease_owner LIKE '%:" + victim.pid() + ":%'";
        await().atMost(Duration.ofSeconds(60)).until(() -> scalar(shared, db, "SELECT count(*) FROM results") >= 300
                && scalar(shared, db, victimLeases) > 0);
        victim.destroyForcibly();
        assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(a.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(b.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(a.exitValue()).as(err("a")).isZero();
        assertThat(b.exitValue()).as(err("b")).isZero();

        assertThat(scalar(shared, db, "SELECT count(*) FROM results")).isEqualTo(pages);
        assertThat(scalar(shared, db, "SELECT count(*) FROM results WHERE status = 'ok'")).isEqualTo(pages);
        assertThat(scalar(shared, db, "SELECT count(*) FROM queue")).isEqualTo(pages);
        assertThat(scalar(shared, db, "SELECT count(*) FROM queue WHERE state = 'done'")).isEqualTo(pages);
        assertThat(scalar(shared, db, "SELECT count(*) FROM queue WHERE rule = 'link' AND parent IS NOT NULL")).isEqualTo(pages - 1);
        Set<String> fetched = origin.requestCounts().keySet();
        assertThat(fetched).containsExactlyInAnyOrderElementsOf(site.reachable().keySet());
    }

    @Test
    void statusShowsTheQueueByStateAndEachWorkersLeases() throws Exception {
        String db = shared.newDatabase();
        assertThat(Cli.run("enqueue", input(10, "latency=5").toString(), "--db", db).exitCode()).isZero();
        try (PgDatabase pg = PgDatabase.open(db, 2, Map.of());
             PgFrontier queue = PgFrontier.join(pg, Duration.ofSeconds(30))) {
            assertThat(queue.claim(4)).hasSize(4);

            Cli.Result status = Cli.run("status", "--db", db);

            assertThat(status.exitCode()).as(status.err()).isZero();
            assertThat(status.out()).contains("queue: 10 URLs").contains("queued  6").contains("leased  4")
                    .contains("oldest lease taken").contains(queue.workerId()).contains("4 leased");
        }
    }

    @Test
    void perHostTwoHoldsAcrossThreeWorkersCountedAtTheServer() throws Exception {
        int urls = 240;
        String db = shared.newDatabase();
        assertThat(Cli.run("enqueue", input(urls, "latency=40").toString(), "--db", db).exitCode()).isZero();

        String[] worker = {"worker", "--db", db, "-c", "16", "--per-host", "2", "--lease", "2s", "--no-progress"};
        List<Process> workers = List.of(sluice("w1", worker), sluice("w2", worker), sluice("w3", worker));
        for (Process w : workers) {
            assertThat(w.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(w.exitValue()).isZero();
        }

        assertThat(scalar(shared, db, "SELECT count(*) FROM results WHERE status = 'ok'")).isEqualTo(urls);
        assertThat(origin.requests()).isEqualTo(urls);
        assertThat(origin.maxInFlight()).isEqualTo(2); // reached, never exceeded, across all workers
        // more than one worker sent to the host: the cap was shared, not won by one process alone
        assertThat(scalar(shared, db, "SELECT count(DISTINCT finished_by) FROM queue")).isGreaterThan(1);
    }

    @Test
    void perHostRateHoldsAcrossThreeWorkersCountedAtTheServer() throws Exception {
        int urls = 201; // more than one worker takes at once (64): each worker gets some
        String db = shared.newDatabase();
        assertThat(Cli.run("enqueue", input(urls, "latency=5").toString(), "--db", db).exitCode()).isZero();

        String[] worker = {"worker", "--db", db, "-c", "16", "--per-host-rate", "50", "--lease", "2s", "--no-progress"};
        List<Process> workers = List.of(sluice("r1", worker), sluice("r2", worker), sluice("r3", worker));
        for (Process w : workers) {
            assertThat(w.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(w.exitValue()).isZero();
        }

        List<java.time.Instant> arrivals = origin.arrivals().stream().sorted().toList();
        assertThat(arrivals).hasSize(urls);
        double seconds = Duration.between(arrivals.get(0), arrivals.get(urls - 1)).toNanos() / 1e9;
        assertThat((urls - 1) / seconds).as("requests per second at the server").isLessThanOrEqualTo(50 * 1.1);
        assertThat(scalar(shared, db, "SELECT count(DISTINCT finished_by) FROM queue")).isGreaterThan(1);
    }

    @Test
    void aPostgresRestartDuringARunIsSurvivedAndEveryUrlIsStoredOnce() throws Exception {
        int urls = 1_500;
        try (TestPostgres own = TestPostgres.startOwn()) {
            String db = own.newDatabase();
            Process run = sluice("run", "run", input(urls, "latency=20-40").toString(), "--db", db, "-c", "8",
                    "--per-host", "8", "--jq", ".items[]", "--no-progress");
            await().atMost(Duration.ofSeconds(60)).until(() -> !run.isAlive() || scalar(own, db, "SELECT count(*) FROM results") >= 200);
            assertThat(run.isAlive()).as(err("run")).isTrue();
            own.stop(); // fast shutdown: every connection is cut
            Thread.sleep(2_000); // the outage: the worker must ride it out; nothing here waits on the worker
            own.start();

            assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(run.exitValue()).as(err("run")).isZero();
            assertThat(err("run")).contains("trying again");
            assertThat(scalar(own, db, "SELECT count(*) FROM results WHERE status = 'ok'")).isEqualTo(urls);
            assertThat(scalar(own, db, "SELECT count(*) FROM queue WHERE state = 'done'")).isEqualTo(urls);
            assertThat(scalar(own, db, "SELECT count(*) FROM records")).isEqualTo(3L * urls);
        }
    }

    @Test
    void anOutageLongerThanTheLimitStopsTheWorkerWithOneLineAndItsUrlsReturnToTheQueue() throws Exception {
        int urls = 800;
        try (TestPostgres own = TestPostgres.startOwn()) {
            String db = own.newDatabase();
            assertThat(Cli.run("enqueue", input(urls, "latency=20-40").toString(), "--db", db).exitCode()).isZero();
            Process first = sluice("first", "worker", "--db", db, "-c", "8", "--per-host", "8", "--lease", "2s",
                    "--db-outage", "3s", "--no-progress");
            await().atMost(Duration.ofSeconds(60)).until(() -> !first.isAlive() || scalar(own, db, "SELECT count(*) FROM results") >= 100);
            own.stop();
            assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).isEqualTo(ExitCode.FATAL);
            String last = err("first").strip().lines().reduce((a, b) -> b).orElse("");
            assertThat(last).startsWith("sluice: ").contains("longer than the outage limit of 3 s").doesNotContain("\tat ");

            own.start();
            Process second = sluice("second", "worker", "--db", db, "-c", "8", "--per-host", "8", "--lease", "2s", "--no-progress");
            assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).as(err("second")).isZero();
            assertThat(scalar(own, db, "SELECT count(*) FROM results WHERE status = 'ok'")).isEqualTo(urls);
            assertThat(scalar(own, db, "SELECT count(*) FROM queue WHERE state = 'done'")).isEqualTo(urls);
            assertThat(scalar(own, db, "SELECT count(*) FROM queue WHERE claims > 1")).isPositive(); // the first one's, taken over
        }
    }
}
