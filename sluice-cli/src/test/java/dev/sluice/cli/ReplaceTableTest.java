package dev.sluice.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.testkit.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code --write replace}: a job makes its table anew. The first job loads items 0–29; the second, items 10–49,
 * is held at the origin before its last ten items: by then its rows are in the staged table, and the table is the
 * first job's, whole, as a reader polling it throughout sees; when the job is done the table holds items 10–49
 * exactly (0–9 gone), with its child table, and nothing staged is left. Killed with SIGKILL at that point instead,
 * the table stays the first job's; the same command again fetches only what the killed job had not stored, and puts
 * the same table in place.
 */
class ReplaceTableTest {
    static final TestPostgres pg = TestPostgres.shared();
    /** Items at or past this wait at the origin until it is opened. */
    private static final int GATED = 40;

    @TempDir
    Path dir;
    Items origin;

    @BeforeEach
    void setUp() throws IOException {
        origin = Items.start();
    }

    @AfterEach
    void tearDown() {
        origin.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aReplaceJobPutsItsTableInPlaceWholeWhenItIsDone(String kind) throws Exception {
        String db = database(kind);
        loadFirstJob(db);

        List<String> observed = new CopyOnWriteArrayList<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        Thread reader = Thread.ofPlatform().start(() -> {
            try (Connection c = connect(kind, db)) {
                while (polling.get()) {
                    observed.add(itemsSeen(c));
                }
            } catch (SQLException e) {
                observed.add("error: " + e.getMessage());
            }
        });
        Process second = sluice("second", job(db, 10, 50));
        heldAtTheGate(kind, db);
        assertThat(itemsSeen(kind, db)).as("the first job's table, whole").isEqualTo(FIRST);
        assertThat(Cli.run("status", "--db", db).out()).contains("table items").doesNotContain("_staged");

        origin.open();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as(Files.readString(dir.resolve("second.err"))).isZero();
        polling.set(false);
        reader.join();

        assertThat(itemsSeen(kind, db)).isEqualTo(SECOND);
        assertThat(observed).as("what a reader saw throughout").isNotEmpty().containsOnly(FIRST, SECOND).contains(FIRST, SECOND);
        assertThat(origin.requests()).as("each item of the second job fetched once").isEqualTo(40);
        theTablesAreTheSecondJobsAlone(kind, db);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aReplaceJobKilledLeavesTheTableAsItWasAndRunAgainFinishesWhatItBegan(String kind) throws Exception {
        String db = database(kind);
        loadFirstJob(db);

        Process killed = sluice("killed", job(db, 10, 50));
        heldAtTheGate(kind, db);
        killed.destroyForcibly(); // SIGKILL
        assertThat(killed.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(itemsSeen(kind, db)).as("the first job's table, whole").isEqualTo(FIRST);

        origin.open();
        origin.reset();
        Cli.Result again = Cli.run(job(db, 10, 50).toArray(String[]::new));
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(origin.requests()).as("only what the killed run had not stored").isEqualTo(50 - GATED);
        assertThat(itemsSeen(kind, db)).isEqualTo(SECOND);
        theTablesAreTheSecondJobsAlone(kind, db);
    }

    @Test
    void whatReplaceDoesNotGoWithIsAUsageErrorSayingWhy() {
        String table = "--table=items";
        Cli.Result retry = Cli.run("run", "-", "--db", dir.resolve("u.db").toString(), "--jq", ".", table, "--write", "replace",
                "--retry-failed");
        assertThat(retry.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(retry.err()).contains("--write replace fetches every request again; --retry-failed fetches only the failed ones");

        Cli.Result worker = Cli.run("worker", "--db", pg.newDatabase(), "--jq", ".", table, "--write", "replace");
        assertThat(worker.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(worker.err()).contains("--write replace is for run");

        Cli.Result tooLong = Cli.run("run", "-", "--db", dir.resolve("u.db").toString(), "--jq", ".", "--table", "t".repeat(56),
                "--write", "replace");
        assertThat(tooLong.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(tooLong.err()).contains("at most 55 characters").contains("_staged_" + "t".repeat(56));
        assertThat(dir.resolve("u.db")).doesNotExist();
    }

    private static final String FIRST = "30 items 0-29, 60 tags";
    private static final String SECOND = "40 items 10-49, 80 tags";

    private String database(String kind) {
        return kind.equals("sqlite") ? dir.resolve("items.db").toString() : pg.newDatabase();
    }

    private void loadFirstJob(String db) {
        Cli.Result first = Cli.run(job(db, 0, 30).toArray(String[]::new));
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(origin.requests()).isEqualTo(30);
        origin.reset();
        origin.hold();
    }

    /** Waits until the job has stored every item before the gate and the rest wait there. */
    private void heldAtTheGate(String kind, String db) {
        await().atMost(Duration.ofSeconds(30)).until(() -> origin.waiting() == 50 - GATED
                && scalar(kind, db, "SELECT count(*) FROM _staged_items") == GATED - 10);
    }

    private List<String> job(String db, int from, int to) {
        Path input = dir.resolve("items-" + from + "-" + to + ".txt");
        try {
            Files.write(input, IntStream.range(from, to).mapToObj(origin::url).toList());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return List.of("run", input.toString(), "--db", db, "--jq", ".", "--table", "items", "--write", "replace",
                "--primary-key", "id", "-c", "16", "--per-host", "16", "--no-progress"); // the gated ten leave slots to the others
    }

    private Process sluice(String name, List<String> args) throws IOException {
        return Cli.start(List.of("-Xmx256m"), dir.resolve(name + ".out"), dir.resolve(name + ".err"), args);
    }

    private void theTablesAreTheSecondJobsAlone(String kind, String db) throws SQLException {
        assertThat(scalar(kind, db, "SELECT count(*) FROM typed_tables WHERE table_name LIKE '%staged%'")).isZero();
        assertThat(scalar(kind, db, "SELECT count(*) FROM table_columns WHERE table_name LIKE '%staged%'")).isZero();
        assertThat(scalar(kind, db, "SELECT count(*) FROM items__tags t WHERE NOT EXISTS (SELECT 1 FROM items i "
                + "WHERE i._root = t._root AND i._row = t._parent_row)")).as("orphan tags").isZero();
        String tables = kind.equals("sqlite") ? "SELECT count(*) FROM sqlite_master WHERE name LIKE '%staged%'"
                : "SELECT count(*) FROM pg_class WHERE relname LIKE '%staged%'";
        assertThat(scalar(kind, db, tables)).as("staged tables or indexes left").isZero();
    }

    private String itemsSeen(String kind, String db) throws SQLException {
        try (Connection c = connect(kind, db)) {
            return itemsSeen(c);
        }
    }

    /** The items and their tags as one statement sees them (one snapshot). */
    private static String itemsSeen(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM items), "
                + "(SELECT min(id) FROM items), (SELECT max(id) FROM items), (SELECT count(*) FROM items__tags)")) {
            rs.next();
            return rs.getLong(1) + " items " + rs.getLong(2) + "-" + rs.getLong(3) + ", " + rs.getLong(4) + " tags";
        }
    }

    private long scalar(String kind, String db, String sql) throws SQLException {
        try (Connection c = connect(kind, db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection connect(String kind, String db) throws SQLException {
        return kind.equals("sqlite") ? DriverManager.getConnection("jdbc:sqlite:" + db) : pg.connect(db);
    }

    /** JSON items {@code /item/K} with two tags each; once held, those from {@link #GATED} on wait until {@link #open}. */
    static final class Items implements AutoCloseable {
        private final HttpServer server;
        private final int port;
        private volatile CountDownLatch gate = new CountDownLatch(0);
        private final AtomicInteger waiting = new AtomicInteger();
        private final AtomicInteger requests = new AtomicInteger();

        private Items(HttpServer server) {
            this.server = server;
            this.port = server.getAddress().getPort();
            server.createContext("/item/", this::answer);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
        }

        static Items start() throws IOException {
            return new Items(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        }

        String url(int k) {
            return "http://127.0.0.1:" + port + "/item/" + k;
        }

        void hold() {
            gate = new CountDownLatch(1);
        }

        void open() {
            gate.countDown();
        }

        void reset() {
            requests.set(0);
        }

        int waiting() {
            return waiting.get();
        }

        int requests() {
            return requests.get();
        }

        private void answer(HttpExchange exchange) throws IOException {
            requests.incrementAndGet();
            String path = exchange.getRequestURI().getPath();
            int k = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
            CountDownLatch held = gate;
            if (k >= GATED && held.getCount() > 0) {
                waiting.incrementAndGet();
                try {
                    held.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } finally {
                    waiting.decrementAndGet();
                }
            }
            byte[] body = ("{\"id\":" + k + ",\"name\":\"item " + k + "\",\"tags\":[\"t" + k + "a\",\"t" + k + "b\"]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("ETag", "\"" + k + "\""); // a replace job reads every body again anyway
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }

        @Override
        public void close() {
            gate.countDown();
            server.stop(0);
        }
    }
}
