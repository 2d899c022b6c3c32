package dev.sluice.cli;

import dev.sluice.origin.Origin;
import dev.sluice.origin.Site;
import dev.sluice.testkit.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice extract}: a table rebuilt from the bodies a crawl kept, with other fields, equals the table a fresh
 * crawl with those fields stores, in SQLite and in PostgreSQL; what it cannot read is rejected, not lost; without
 * stored bodies nothing is changed.
 */
class ExtractCommandTest {
    private static final Site SITE = Site.of(250, 11);
    /** The crawl's first fields. */
    private static final List<String> FIRST = List.of("--table", "pages", "--extract", "title=css:h1::text");
    /** The fields the table is rebuilt with: a required, declared key, a text column and a child table. */
    private static final List<String> LATER = List.of("--table", "pages",
            "--extract", "page:bigint!=css:footer p::text | re:page (\\d+) | int",
            "--extract", "heading=css:h1::text",
            "--extract", "sections[]=css:article h2::text");
    private static final String PAGES = "SELECT _request, _row, _url, _fetched_at, page, heading FROM pages";
    private static final String SECTIONS = "SELECT _request, _row, _parent_row, _idx, value FROM pages__sections";
    private static final String COLUMNS = "SELECT table_name, column_name, data_type, declared FROM table_columns";

    @TempDir
    Path dir;
    Origin origin;
    String seed;

    @BeforeEach
    void setUp() throws Exception {
        origin = Origin.start();
        seed = Files.write(dir.resolve("seed.txt"), List.of(origin.uri(SITE.root()).toString())).toString();
    }

    @AfterEach
    void tearDown() {
        origin.close();
    }

    private void crawl(String db, List<String> table, String... more) {
        List<String> args = new ArrayList<>(List.of("run", seed, "--follow-links", "--db", db, "-c", "16", "--per-host", "16",
                "--no-progress"));
        args.addAll(List.of(more));
        args.addAll(table);
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    private static Cli.Result extract(String db, List<String> table) {
        List<String> args = new ArrayList<>(List.of("extract", "--db", db));
        args.addAll(table);
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void aTableRebuiltFromStoredBodiesEqualsAFreshCrawlsInSqlite() throws Exception {
        String kept = dir.resolve("kept.db").toString();
        String fresh = dir.resolve("fresh.db").toString();
        crawl(kept, FIRST, "--store-body");
        crawl(fresh, LATER);

        Cli.Result r = extract(kept, LATER);

        assertThat(r.exitCode()).as(r.err()).isZero();
        long pages = Cli.scalar(Path.of(kept), "SELECT count(*) FROM results WHERE status = 'ok'");
        assertThat(r.out()).contains("Rebuilt pages from " + pages + " stored bodies").contains("table pages__sections");
        try (Connection k = sqlite(kept); Connection f = sqlite(fresh)) {
            assertSameTables(k, f);
            assertThat(rows(k, "SELECT count(*) FROM pages p JOIN results r ON r.request = p._request "
                    + "WHERE r.fetched_at <> p._fetched_at")).containsExactly(List.of("0"));
        }
    }

    @Test
    void aTableRebuiltFromStoredBodiesEqualsAFreshCrawlsInPostgres() throws Exception {
        TestPostgres pg = TestPostgres.shared();
        String kept = pg.newDatabase();
        String fresh = pg.newDatabase();
        crawl(kept, FIRST, "--store-body");
        crawl(fresh, LATER);

        Cli.Result r = extract(kept, LATER);

        assertThat(r.exitCode()).as(r.err()).isZero();
        try (Connection k = pg.connect(kept); Connection f = pg.connect(fresh)) {
            assertSameTables(k, f);
        }
    }

    @Test
    void bodiesTheFieldsCannotReadAreRejectedOneEachAndTheRestOfTheTableIsMade() throws Exception {
        String kept = dir.resolve("kept.db").toString();
        crawl(kept, FIRST, "--store-body");
        long pages = Cli.scalar(Path.of(kept), "SELECT count(*) FROM results WHERE status = 'ok'");

        Cli.Result r = extract(kept, List.of("--table", "items", "--jq", ".items[]"));

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains(pages + " not readable");
        assertThat(Cli.scalar(Path.of(kept), "SELECT count(*) FROM rejects WHERE table_name = 'items' AND column_name IS NULL "
                + "AND reason LIKE 'body not readable: %'")).isEqualTo(pages);
        assertThat(Cli.scalar(Path.of(kept), "SELECT count(*) FROM items")).isZero();
        assertThat(Cli.scalar(Path.of(kept), "SELECT count(*) FROM pages")).as("the other table").isEqualTo(pages);
    }

    @Test
    void withoutStoredBodiesNothingIsChanged() throws Exception {
        String db = dir.resolve("plain.db").toString();
        crawl(db, FIRST);
        long before = Cli.scalar(Path.of(db), "SELECT count(*) FROM pages");

        Cli.Result r = extract(db, LATER);

        assertThat(r.exitCode()).isEqualTo(ExitCode.FATAL);
        assertThat(r.err()).contains("--store-body").contains("left as it is");
        assertThat(Cli.scalar(Path.of(db), "SELECT count(*) FROM pages")).isEqualTo(before);
        assertThat(Cli.scalar(Path.of(db), "SELECT count(*) FROM table_columns WHERE column_name = 'title'")).isOne();
    }

    @Test
    void aTableNamedButNoFieldsIsAUsageError() {
        Cli.Result r = Cli.run("extract", "--db", dir.resolve("none.db").toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("--table NAME");
    }

    private static void assertSameTables(Connection rebuilt, Connection fresh) throws SQLException {
        Set<List<String>> pages = rows(rebuilt, PAGES.replace(", _fetched_at", ""));
        assertThat(pages).hasSize(SITE.reachable().size()).isEqualTo(rows(fresh, PAGES.replace(", _fetched_at", "")));
        assertThat(rows(rebuilt, SECTIONS)).isNotEmpty().isEqualTo(rows(fresh, SECTIONS));
        assertThat(rows(rebuilt, COLUMNS)).isEqualTo(rows(fresh, COLUMNS))
                .noneMatch(c -> c.get(1).equals("title"));
        assertThat(rows(rebuilt, "SELECT count(*) FROM rejects")).isEqualTo(rows(fresh, "SELECT count(*) FROM rejects"));
    }

    private static Connection sqlite(String file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    /** The rows {@code sql} returns, each as its values' text. */
    private static Set<List<String>> rows(Connection c, String sql) throws SQLException {
        Set<List<String>> rows = new HashSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(String.valueOf(rs.getObject(i)));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
