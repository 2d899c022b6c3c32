package dev.sluice.cli;

import dev.sluice.RunSummary;
import dev.sluice.Sluice;
import dev.sluice.spi.InputRequests;
import dev.sluice.internal.input.LineSource;
import dev.sluice.origin.Origin;
import dev.sluice.internal.store.postgres.PgDatabase;
import dev.sluice.internal.store.postgres.PgEnqueue;
import dev.sluice.internal.store.postgres.PgFrontier;
import dev.sluice.internal.store.postgres.PgStore;
import dev.sluice.spi.RunReport;
import dev.sluice.testkit.TestPostgres;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sluice report}: the numbers it shows are the database's, it opens in a real browser (Debian's Chromium,
 * headless, a fresh profile, no network) without a console error and with its charts drawn, it keeps secrets out,
 * and a PostgreSQL job of three workers shows each worker's run.
 */
class ReportTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    /** A run of the built-in origin with faults: 503s retried, a host answering 429 to all, a refused one, timeouts, 404s. */
    private Path faultyRun(Origin origin) throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            urls.add(origin.uri("/ok/" + i + "?latency=5-60").toString());
        }
        for (int i = 0; i < 20; i++) {
            urls.add(origin.uri("/flaky/" + i + "?fail=1").toString());
            urls.add("http://127.0.0.1:" + closedPort + "/down/" + i);
            urls.add(origin.uri("/missing/" + i + "?status=404").toString());
        }
        // A host answering 429 to everything is held back as a whole, one request a Retry-After (1 s) apart: 3 URLs suffice.
        for (int i = 0; i < 3; i++) {
            urls.add(origin.uri("localhost", "/busy/" + i + "?throttle=1&failStatus=429&retryAfter=1").toString());
        }
        for (int i = 0; i < 3; i++) {
            urls.add(origin.uri("/hang/" + i + "?hang").toString());
        }
        urls.add(origin.uri("/private").toString().replace("http://", "http://ann:s3cr3t-pw@")); // a URL password
        Path in = Files.write(dir.resolve("urls.txt"), urls, StandardCharsets.UTF_8);
        Path db = dir.resolve("faults.db");
        Cli.Result run = Cli.run("run", in.toString(), "--db", db.toString(), "-c", "16", "--retries", "2", "--timeout", "500ms",
                "--breaker", "3", "-H", "Authorization: Bearer s3cr3t-token", "--no-progress", "-v");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.FAILURES);
        assertThat(run.out() + run.err()).as("the logs (-v) and the summary").doesNotContain("s3cr3t");
        return db;
    }

    @Test
    void theReportShowsWhatTheDatabaseHoldsOpensInChromiumWithoutErrorsAndDrawsItsCharts() throws Exception {
        Path db;
        try (Origin origin = Origin.start()) {
            db = faultyRun(origin);
        }
        Path html = dir.resolve("report.html");
        Cli.Result report = Cli.run("report", "--db", db.toString(), "-o", html.toString());
        assertThat(report.exitCode()).as(report.err()).isZero();
        String text = Files.readString(html);
        assertThat(text).doesNotContain("s3cr3t").contains("Authorization: ***");
        assertThat(Cli.scalar(db, "SELECT count(*) FROM runs WHERE command || config LIKE '%s3cr3t%'")).isZero();
        assertThat(text).doesNotContain("<script src", "<link ", "url(http", "@import"); // nothing to fetch: it opens offline

        Document page = Jsoup.parse(text);
        assertThat(tile(page, "stored")).isEqualTo(Cli.scalar(db, "SELECT count(*) FROM results"));
        assertThat(tile(page, "ok")).isEqualTo(Cli.scalar(db, "SELECT count(*) FROM results WHERE status = 'ok'"));
        assertThat(tile(page, "failed")).isEqualTo(Cli.scalar(db, "SELECT count(*) FROM results WHERE status = 'failed'"));
        assertThat(tile(page, "requests")).isEqualTo(Cli.scalar(db, "SELECT sum(requests) FROM run_hosts"));
        assertThat(tile(page, "retries")).isEqualTo(Cli.scalar(db, "SELECT sum(retries) FROM run_hosts"));
        assertThat(tile(page, "requests")).isEqualTo(Cli.scalar(db, "SELECT requests FROM runs"));
        long n = Cli.scalar(db, "SELECT count(*) FROM results WHERE attempts > 0");
        for (int p : new int[] {50, 95, 99}) {
            long rank = (long) Math.ceil(p / 100.0 * n) - 1;
            long expected = Cli.scalar(db, "SELECT elapsed_ms FROM results WHERE attempts > 0 ORDER BY elapsed_ms LIMIT 1 OFFSET " + rank);
            assertThat(page.getElementById("latency-percentiles").text()).contains("p" + p + " " + expected + " ms");
        }
        // the hosts table: one row per run_hosts row, with its numbers
        List<Map<String, Object>> hosts = query(db, "SELECT host, requests, failed, status_429 FROM run_hosts ORDER BY host");
        Map<String, Element> rows = new java.util.TreeMap<>();
        for (Element tr : page.select("#hosts-table tbody tr")) {
            rows.put(tr.child(0).text(), tr);
        }
        assertThat(rows.keySet()).containsExactlyElementsOf(hosts.stream().map(h -> (String) h.get("host")).toList());
        for (Map<String, Object> h : hosts) {
            Element tr = rows.get((String) h.get("host"));
            assertThat(tr.child(1).attr("data-v")).isEqualTo(h.get("requests").toString());
            assertThat(tr.child(4).attr("data-v")).isEqualTo(h.get("failed").toString());
            assertThat(tr.child(5).attr("data-v")).isEqualTo(h.get("status_429").toString());
        }
        assertThat(page.select("#failed tbody tr")).hasSize((int) Math.min(100, Cli.scalar(db, "SELECT count(*) FROM results WHERE status = 'failed'")));
        assertThat(page.select("#events tbody tr").eachText()).anyMatch(t -> t.contains("held back")).anyMatch(t -> t.contains("down"));
        assertThat(text.length()).isLessThan(2_000_000);

        inChromium(html);
    }

    /** Opens the report headless: no console error, four charts each drawn with many pixels, a screenshot that shows them. */
    private void inChromium(Path html) throws Exception {
        assertThat(CHROMIUM).as("Debian's chromium (bin/test installs it: apt-get install chromium chromium-driver)").isExecutable();
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver (bin/test installs it)").isExecutable();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1200,2400",
                "--user-data-dir=" + Files.createDirectory(dir.resolve("chromium-profile")),
                // no network at all: any name the page tried to reach would fail (it must not need one)
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            driver.get(html.toUri().toString());
            await().atMost(Duration.ofSeconds(20)).until(() -> driver.findElements(org.openqa.selenium.By.cssSelector(".uplot canvas")).size() >= 4);
            List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
            assertThat(errors).as("console errors and warnings").isEmpty();
            @SuppressWarnings("unchecked")
            List<Long> painted = (List<Long>) driver.executeScript("""
                    return Array.from(document.querySelectorAll('.uplot canvas')).map(function (c) {
                      var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
                      for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; }
                      return n;
                    });""");
            assertThat(painted).as("painted pixels per chart").hasSize(4).allMatch(p -> p > 2_000);
            byte[] png = driver.getScreenshotAs(OutputType.BYTES);
            Files.write(Path.of("target", "report-screenshot.png"), png);
            BufferedImage shot = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(greenish(shot)).as("pixels in the charts' green (ok)").isGreaterThan(2_000);
        } finally {
            driver.quit();
        }
    }

    /** Pixels near the charts' green for ok (#2f9e44 and its fills). */
    private static long greenish(BufferedImage img) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
                if (g > r + 40 && g > b + 30) {
                    n++;
                }
            }
        }
        return n;
    }

    /** While a run writes to its SQLite file, the report reads it: the run shows as running, with what it committed. */
    @Test
    void aReportOfARunStillGoingShowsItRunningWithWhatItCommitted() throws Exception {
        Path db = dir.resolve("live.db");
        try (Origin origin = Origin.start();
             dev.sluice.internal.store.sqlite.SqliteStore store = dev.sluice.internal.store.sqlite.SqliteStore.open(db);
             Sluice sluice = Sluice.builder().config(dev.sluice.SluiceConfig.builder().concurrency(4)
                     .writeBatchDelay(Duration.ofMillis(20)).build()).build()) {
            List<String> urls = IntStream.range(0, 2_000).mapToObj(i -> origin.uri("/live/" + i + "?latency=50").toString()).toList();
            CompletableFuture<RunSummary> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return sluice.run(store, LineSource.ofLines(urls));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> Cli.committed(db) >= 40);
            Path html = dir.resolve("live.html");
            Cli.Result report = Cli.run("report", "--db", db.toString(), "-o", html.toString());
            long committedAfter = Cli.committed(db);
            sluice.stop();
            run.get();

            assertThat(report.exitCode()).as(report.err()).isZero();
            Document page = Jsoup.parse(Files.readString(html));
            assertThat(page.selectFirst("h1 .state").text()).isEqualTo("running");
            assertThat(tile(page, "stored")).isBetween(40L, committedAfter);
        }
    }

    /** A PostgreSQL job of three workers: the report (of the latest run, by default) shows each worker's run. */
    @Test
    void theReportOfAPostgresJobOfThreeWorkersShowsEachWorkersRun() throws Exception {
        TestPostgres pg = TestPostgres.shared();
        String url = pg.newDatabase();
        try (Origin origin = Origin.start(); PgDatabase db = PgDatabase.open(url, 8, Map.of())) {
            List<String> urls = IntStream.range(0, 900).mapToObj(i -> origin.uri("/w/" + i + "?latency=20").toString()).toList();
            PgEnqueue.loader(db, InputRequests.urls(), dev.sluice.ResumeMode.SKIP_DONE, Clock.systemUTC(), Duration.ofSeconds(10))
                    .load(LineSource.ofLines(urls));
            List<CompletableFuture<RunSummary>> workers = new ArrayList<>();
            java.util.concurrent.ExecutorService three = java.util.concurrent.Executors.newFixedThreadPool(3);
            for (int i = 0; i < 3; i++) {
                workers.add(CompletableFuture.supplyAsync(() -> {
                    try (Sluice sluice = Sluice.builder().config(dev.sluice.SluiceConfig.builder().concurrency(4).build())
                            .command("sluice", List.of("worker", "--db", url)).build();
                         PgFrontier queue = PgFrontier.join(db, Duration.ofSeconds(30))) {
                        return sluice.work(queue, () -> false);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, three));
            }
            long ok = 0;
            for (CompletableFuture<RunSummary> w : workers) {
                ok += w.get().ok();
            }
            three.shutdown();

            RunReport report = PgStore.on(db).report(new RunReport.Selection.Latest());
            assertThat(report.runs()).hasSize(3);
            assertThat(report.totals().ok()).isEqualTo(ok).isEqualTo(900);
            Document page = Jsoup.parse(ReportPage.render(report, List.of(), db.location(), Instant.now()));
            assertThat(page.select("#runs tbody tr")).hasSize(3);
            assertThat(page.select("#runs tbody tr").eachText()).allMatch(t -> t.contains("done"));
            assertThat(tile(page, "stored")).isEqualTo(900);
        }
    }

    @Test
    void theReportShowsEachTypedTablesColumnsWithTheirCoverageAndRejectsAsTheDatabaseCountsThem() throws Exception {
        Path db = dir.resolve("tables.db");
        try (Origin origin = Origin.start()) {
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                urls.add(origin.uri("/demo/item/" + i).toString());
            }
            Path in = Files.write(dir.resolve("items.txt"), urls, StandardCharsets.UTF_8);
            Cli.Result run = Cli.run("run", in.toString(), "--db", db.toString(), "--no-progress", "--table", "items",
                    "--extract", "name=jq:.name", "--extract", "price:bigint=jq:if .n % 3 == 0 then .price else .n end", "--extract", "colour=jq:.colour",
                    "--extract", "tags[]=jq:.tags[]");
            assertThat(run.exitCode()).as(run.err()).isZero();
        }
        Cli.Result report = Cli.run("report", "--db", db.toString(), "-o", "-");
        assertThat(report.exitCode()).as(report.err()).isZero();

        Document page = Jsoup.parse(report.out());
        long rows = Cli.scalar(db, "SELECT count(*) FROM items");
        assertThat(rows).isEqualTo(60);
        long rejected = Cli.scalar(db, "SELECT count(*) FROM rejects WHERE table_name = 'items' AND column_name = 'price'");
        assertThat(rejected).as("the prices that are not whole, one in three").isPositive().isLessThan(rows);
        Map<String, List<String>> columns = new LinkedHashMap<>();
        for (Element tr : page.select("table.typed-table[data-table=items] tbody tr")) {
            columns.put(tr.child(0).text(), tr.children().stream().skip(1).map(Element::text).toList());
        }
        assertThat(columns.keySet()).as("colour never had a value: a column null so far is not made").containsExactlyInAnyOrder("name", "price");
        assertThat(columns.get("name")).containsExactly("text", "inferred", "100.0%", "");
        long priced = Cli.scalar(db, "SELECT count(price) FROM items");
        assertThat(columns.get("price")).containsExactly("bigint", "declared",
                String.format(Locale.ROOT, "%.1f%%", 100.0 * priced / rows), Long.toString(rejected));
        assertThat(page.select("table.typed-table[data-table=items__tags] tbody tr").eachText())
                .singleElement().asString().startsWith("value text inferred 100.0%");
    }

    private static long tile(Document page, String label) {
        return Long.parseLong(page.selectFirst("[data-tile=" + label + "] b").text().replace(",", ""));
    }

    private static List<Map<String, Object>> query(Path db, String sql) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new java.util.LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
