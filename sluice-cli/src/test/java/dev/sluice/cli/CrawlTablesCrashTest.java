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
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A crawl that extracts into a merged typed table with a child table, killed with SIGKILL at three random moments
 * and then run to the end: its tables equal those of a crawl never interrupted (EXCEPT both ways, child rows
 * included), with no row twice and no reject twice. A response's rows commit with its result, so none is lost.
 */
class CrawlTablesCrashTest {
    private static final Site SITE = Site.of(3_000, 17).withLatency(Duration.ofMillis(5));
    private static final List<String> TABLE = List.of("--table", "pages", "--write", "merge", "--primary-key", "page",
            "--extract", "page:bigint!=css:footer p::text | re:page (\\d+) | int",
            "--extract", "title=css:h1::text",
            "--extract", "sections[]=css:article h2::text");

    @TempDir
    Path dir;
    Origin origin;
    Path input;
    final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        origin = Origin.start();
        input = Files.write(dir.resolve("seed.txt"), List.of(origin.uri(SITE.root()).toString()));
    }

    @AfterEach
    void tearDown() {
        started.forEach(Process::destroyForcibly);
        origin.close();
    }

    private Process start(Path db, String name) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", input.toString(), "--follow-links", "--db", db.toString(),
                "-c", "32", "--per-host", "32", "--no-progress"));
        args.addAll(TABLE);
        Process p = Cli.start(List.of(), dir.resolve(name + ".out"), dir.resolve(name + ".err"), args);
        started.add(p);
        return p;
    }

    private void runToTheEnd(Path db, String name) throws Exception {
        Process p = start(db, name);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve(name + ".err"))).isZero();
    }

    @Test
    void killedThreeTimesThenResumedItsTablesEqualThoseOfARunNeverInterrupted() throws Exception {
        Path reference = dir.resolve("reference.db");
        runToTheEnd(reference, "reference");
        int pages = SITE.reachable().size();
        assertThat(Cli.scalar(reference, "SELECT count(*) FROM pages")).isEqualTo(pages);

        Path db = dir.resolve("killed.db");
        Random random = new Random();
        for (int kill = 1; kill <= 3; kill++) {
            long target = Cli.committed(db) + 100 + random.nextInt(pages / 8);
            Process p = start(db, "killed" + kill);
            await().atMost(Duration.ofSeconds(60)).until(() -> Cli.committed(db) >= target || !p.isAlive());
            p.destroyForcibly();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Cli.committed(db)).as("the kills came before the end").isLessThan(pages);
        runToTheEnd(db, "resumed");

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("ATTACH DATABASE '" + reference + "' AS ref");
            for (String[] q : new String[][] {
                    {"SELECT page, title, _url FROM main.pages", "SELECT page, title, _url FROM ref.pages"},
                    {"SELECT _root, _idx, value FROM main.pages__sections", "SELECT _root, _idx, value FROM ref.pages__sections"},
                    {"SELECT table_name, column_name, data_type FROM main.table_columns",
                            "SELECT table_name, column_name, data_type FROM ref.table_columns"}}) {
                assertThat(count(st, q[0] + " EXCEPT " + q[1])).as(q[0] + " not in the reference").isZero();
                assertThat(count(st, q[1] + " EXCEPT " + q[0])).as(q[1] + " not in the resumed").isZero();
            }
            for (String table : List.of("pages", "pages__sections", "rejects")) {
                assertThat(count(st, "SELECT * FROM main." + table)).as(table).isEqualTo(count(st, "SELECT * FROM ref." + table));
            }
            assertThat(count(st, "SELECT page FROM main.pages GROUP BY page HAVING count(*) > 1")).isZero();
            assertThat(count(st, "SELECT * FROM main.pages__sections")).isGreaterThanOrEqualTo(pages);
        }
    }

    private static long count(Statement st, String query) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM (" + query + ")")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
