package dev.sluice.cli;

import dev.sluice.origin.Origin;
import dev.sluice.origin.Site;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A crawl killed with SIGKILL at three random moments, then run again to the end: every page the site's links
 * reach is stored exactly once, and none whose row was committed before a kill was fetched again (the origin
 * counts each URL's requests). A response's discoveries commit with its row, so none is lost either.
 */
class CrawlCrashTest {
    private static final Site SITE = Site.of(5_000, 11).withLatency(Duration.ofMillis(5));

    @TempDir
    Path dir;
    Origin origin;
    Path db;
    Path input;
    final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        origin = Origin.start();
        db = dir.resolve("crawl.db");
        input = Files.write(dir.resolve("seed.txt"), List.of(origin.uri(SITE.root()).toString()));
    }

    @AfterEach
    void tearDown() {
        started.forEach(Process::destroyForcibly);
        origin.close();
    }

    private Process start() throws Exception {
        Process p = Cli.start(List.of(), dir.resolve("out.txt"), dir.resolve("err.txt"), List.of("run", input.toString(),
                "--follow-links", "--db", db.toString(), "-c", "32", "--per-host", "32", "--no-progress"));
        started.add(p);
        return p;
    }

    private long rows() {
        return Cli.committed(db);
    }

    private Set<String> storedPaths() throws Exception {
        Set<String> paths = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT url FROM results")) {
            while (rs.next()) {
                paths.add(java.net.URI.create(rs.getString(1)).getRawPath());
            }
        }
        return paths;
    }

    @Test
    void killedThreeTimesAtRandomThenRunAgainStoresEveryReachablePageOnceAndFetchesNoStoredOneAgain() throws Exception {
        int pages = SITE.reachable().size();
        Random random = new Random();
        Map<String, Integer> countsAtCommit = new HashMap<>();
        for (int kill = 1; kill <= 3; kill++) {
            long target = rows() + 200 + random.nextInt(pages / 8); // three kills stay well before the end
            Process p = start();
            await().atMost(Duration.ofSeconds(60)).until(() -> rows() >= target || !p.isAlive());
            p.destroyForcibly(); // SIGKILL, at whatever it is doing
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            Map<String, Integer> counts = origin.requestCounts();
            for (String path : storedPaths()) { // committed before this kill: its count now is final
                countsAtCommit.putIfAbsent(path, counts.get(path));
            }
        }
        assertThat(rows()).as("the kills came before the end").isLessThan(pages);

        Process last = start();
        assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();

        assertThat(storedPaths()).containsExactlyInAnyOrderElementsOf(SITE.reachable().keySet());
        assertThat(Cli.scalar(db, "SELECT count(*) FROM results")).isEqualTo(pages);
        assertThat(Cli.scalar(db, "SELECT count(*) FROM results WHERE status = 'ok'")).isEqualTo(pages);
        assertThat(Cli.scalar(db, "SELECT count(*) FROM queue WHERE state = 'queued'")).isZero();
        Map<String, Integer> counts = origin.requestCounts();
        countsAtCommit.forEach((path, count) ->
                assertThat(counts.get(path)).as("requests of %s, stored before a kill", path).isEqualTo(count));
        assertThat(SITE.unreachable()).allSatisfy(path -> assertThat(counts).doesNotContainKey(path));
    }
}
