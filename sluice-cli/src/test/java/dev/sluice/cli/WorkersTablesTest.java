package dev.sluice.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.testkit.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three worker processes on one PostgreSQL queue extract JSON pages into a merged typed table with a child table
 * while the pages' keys change under them: from the middle on, pages bring new columns (top-level and in the child
 * rows), widen {@code score} from bigint to double, and from three quarters on a child column from bigint to json;
 * so the workers alter the tables concurrently. One worker is killed with SIGKILL after that has begun. The
 * survivors' tables equal those of one uninterrupted worker's run into another database: rows and child rows both
 * ways (EXCEPT, on the user columns and the provenance that does not depend on the database), the catalog's columns
 * and types, the rejects; no key twice, no child row without its parent, every URL one results row.
 *
 * <p>It found a worker that wrote with a catalog another had changed since: a bigint bound for a column widened to
 * jsonb meanwhile was refused on every try, and the worker stopped (exit 1). That race is pinned without processes by
 * {@code TypedTablesTest.aWorkerWritesAfterAnotherWidenedAColumnAsTheColumnIsNow}; here it shows only some runs.
 */
class WorkersTablesTest {
    static final TestPostgres pg = TestPostgres.shared();
    /** Pages, each a URL; from the middle of the queue on, their keys change. */
    private static final int PAGES = 1_500;
    /** Requests the origin has answered when the victim is killed: past the first schema changes, before the end. */
    private static final int KILL_AT = PAGES * 6 / 10;
    private static final List<String> TABLE = List.of("--jq", ".", "--table", "pages", "--write", "merge",
            "--primary-key", "id", "--no-progress");

    @TempDir
    Path dir;
    JsonPages origin;
    final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        origin = JsonPages.start();
    }

    @AfterEach
    void tearDown() {
        processes.forEach(Process::destroyForcibly);
        origin.close();
    }

    private Process sluice(String name, List<String> args) throws IOException {
        Process p = Cli.start(List.of("-Xmx256m"), dir.resolve(name + ".out"), dir.resolve(name + ".err"), args);
        processes.add(p);
        return p;
    }

    private String err(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".err"));
    }

    private void exitsZero(Process p, String name) throws Exception {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(name + " ends").isTrue();
        assertThat(p.exitValue()).as(name + ": " + err(name)).isZero();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void threeWorkersEvolvingATypedTableOneKilledEqualOneUninterruptedWorker() throws Exception {
        Path urls = Files.write(dir.resolve("urls.txt"), IntStream.range(0, PAGES).mapToObj(origin::url).toList());
        String db = pg.newDatabase();
        Cli.Result loaded = Cli.run("enqueue", urls.toString(), "--db", db);
        assertThat(loaded.exitCode()).as(loaded.err()).isZero();
        // the workers claim in the queue's order (the requests' identities'): the pages change in that order
        origin.order(rows(db, "SELECT url FROM queue ORDER BY id").stream().map(r -> r.get(0)).toList());

        String reference = pg.newDatabase();
        exitsZero(sluice("reference", concat(List.of("run", urls.toString(), "--db", reference, "-c", "16",
                "--per-host", "16"), TABLE)), "reference");
        assertThat(origin.requests()).isEqualTo(PAGES);
        origin.reset();

        List<String> worker = concat(List.of("worker", "--db", db, "-c", "8", "--per-host", "24", "--lease", "2s"), TABLE);
        Process victim = sluice("victim", worker);
        Process a = sluice("a", worker);
        Process b = sluice("b", worker);
        String victimLeases = "FROM queue WHERE state = 'leased' AND lease_owner LIKE '%:" + victim.pid() + ":%'";
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> !victim.isAlive()
                || origin.requests() >= KILL_AT && scalar(db, "SELECT count(*) " + victimLeases) > 0);
        assertThat(victim.isAlive()).as(err("victim")).isTrue();
        String columns = "SELECT table_name, column_name, data_type, declared FROM table_columns";
        List<List<String>> columnsAtKill = rows(db, columns);
        victim.destroyForcibly(); // SIGKILL, perhaps in the middle of a schema change
        assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
        List<Long> heldWhenKilled = longs(db, "SELECT id " + victimLeases); // read before its leases run out (2 s)
        assertThat(heldWhenKilled).as("leases the dead worker held").isNotEmpty();
        exitsZero(a, "a");
        exitsZero(b, "b");
        assertThat(origin.requests()).as("the kill came before the end").isGreaterThan(KILL_AT).isLessThan(2 * PAGES);

        // every URL one final row, the dead worker's leases finished by the others
        assertThat(scalar(db, "SELECT count(*) FROM results")).isEqualTo(PAGES);
        assertThat(scalar(db, "SELECT count(DISTINCT url) FROM results WHERE status = 'ok'")).isEqualTo(PAGES);
        assertThat(scalar(db, "SELECT count(*) FROM queue WHERE state = 'done'")).isEqualTo(PAGES);
        assertThat(longs(db, "SELECT id FROM queue WHERE claims > 1 AND state = 'done' AND finished_by NOT LIKE '%:"
                + victim.pid() + ":%'")).as("the dead worker's leases, taken over").containsAll(heldWhenKilled);

        // the schema: the same columns of the same types, made by the workers between them
        assertThat(rows(db, columns)).containsExactlyInAnyOrderElementsOf(rows(reference, columns))
                .contains(List.of("pages", "score", "double", "f"), List.of("pages__tags", "v", "json", "f"),
                        List.of("pages", "f_9", "text", "f"), List.of("pages__tags", "c_4", "bigint", "f"));
        assertThat(rows(db, columns)).as("columns made after the kill")
                .hasSizeGreaterThan(columnsAtKill.size());
        String tables = "SELECT table_name, parent_table, write_mode, primary_key FROM typed_tables";
        assertThat(rows(db, tables)).containsExactlyInAnyOrderElementsOf(rows(reference, tables));

        // the rows: equal both ways on what does not depend on the database (not _request, _fetched_at)
        String pages = "SELECT _row, _url, " + userColumns(db, "pages") + " FROM %s.pages";
        String tags = "SELECT _parent_row, _idx, _root, " + userColumns(db, "pages__tags") + " FROM %s.pages__tags";
        String rejects = "SELECT url, table_name, position, column_name, value, selector, reason FROM %s.rejects";
        copy(reference, db, pages, "pages");
        copy(reference, db, tags, "pages__tags");
        copy(reference, db, rejects, "rejects");
        for (String q : List.of(pages, tags, rejects)) {
            String mine = q.formatted("public");
            String theirs = q.formatted("ref");
            assertThat(rows(db, mine + " EXCEPT ALL " + theirs)).as(mine + ", not in the reference").isEmpty();
            assertThat(rows(db, theirs + " EXCEPT ALL " + mine)).as(mine + ", only in the reference").isEmpty();
        }
        int keyless = (int) IntStream.range(0, PAGES).filter(JsonPages::keyless).count();
        assertThat(scalar(db, "SELECT count(*) FROM pages")).isEqualTo(PAGES - keyless);
        assertThat(scalar(db, "SELECT count(*) FROM pages__tags"))
                .isEqualTo(scalar(reference, "SELECT count(*) FROM pages__tags"))
                .isEqualTo(IntStream.range(0, PAGES).filter(k -> !JsonPages.keyless(k)).map(JsonPages::tags).sum());
        assertThat(scalar(db, "SELECT count(*) FROM rejects")).isEqualTo(scalar(reference, "SELECT count(*) FROM rejects"))
                .isEqualTo(keyless);
        assertThat(scalar(db, "SELECT count(*) FROM (SELECT id FROM pages GROUP BY id HAVING count(*) > 1) d")).isZero();
        assertThat(scalar(db, "SELECT count(*) FROM (SELECT _root, _idx FROM pages__tags GROUP BY 1, 2 HAVING count(*) > 1) d"))
                .isZero();
        assertThat(scalar(db, "SELECT count(*) FROM pages__tags t WHERE NOT EXISTS (SELECT 1 FROM pages p"
                + " WHERE p._root = t._root AND p._row = t._parent_row AND p.id::text = t._root)")).as("orphans").isZero();
        // each row is the page its URL served, whichever worker stored it
        assertThat(scalar(db, "SELECT count(*) FROM pages WHERE _url <> '" + origin.url(0).replace("/p/0", "/p/")
                + "' || id OR name <> 'page ' || id")).isZero();

        String logs = err("a") + err("b");
        System.out.printf("WorkersTablesTest: %d requests, %d leases taken over, %d columns at the kill of %d;"
                + " deadlocks retried: %d%n",
                origin.requests(), heldWhenKilled.size(), columnsAtKill.size(), rows(db, columns).size(),
                logs.lines().filter(l -> l.contains("deadlock")).count());
    }

    /** The user columns of {@code table}, as the catalog lists them, quoted, comma-separated, in name order. */
    private static String userColumns(String db, String table) throws SQLException {
        return String.join(", ", rows(db, "SELECT column_name FROM table_columns WHERE table_name = '" + table
                + "' ORDER BY column_name").stream().map(r -> '"' + r.get(0) + '"').toList());
    }

    /**
     * The rows {@code query} (its {@code %s} the schema) gives in {@code from}'s public schema, copied to the table
     * {@code ref.NAME} in {@code to}, made with the columns and types the same query gives there.
     */
    private static void copy(String from, String to, String query, String name) throws SQLException, IOException {
        try (Connection source = pg.connect(from); Connection target = pg.connect(to); Statement st = target.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS ref");
            st.execute("CREATE TABLE ref." + name + " AS " + query.formatted("public") + " WITH NO DATA");
            ByteArrayOutputStream rows = new ByteArrayOutputStream();
            long sent = source.unwrap(PGConnection.class).getCopyAPI()
                    .copyOut("COPY (" + query.formatted("public") + ") TO STDOUT", rows);
            long received = target.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY ref." + name + " FROM STDIN",
                    new ByteArrayInputStream(rows.toByteArray()));
            assertThat(received).isEqualTo(sent);
        }
    }

    private static long scalar(String db, String sql) throws SQLException {
        try (Connection c = pg.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Long> longs(String db, String sql) throws SQLException {
        return rows(db, sql).stream().map(r -> Long.parseLong(r.get(0))).toList();
    }

    /** Each row as its values' text. */
    private static List<List<String>> rows(String db, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = pg.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * A loopback origin of JSON pages {@code /p/K}, whose keys depend on K's place in the queue: from the middle on,
     * new keys ({@code when}, a date, and one of {@code f_0}…{@code f_9}, each in its tenth of the second half), new
     * keys in the elements of {@code tags} ({@code c_0}…{@code c_4}, likewise in fifths) and a {@code score} that is
     * sometimes not whole; from three quarters on, each tag's {@code v} is a list (deeper than the child table: JSON)
     * where it was a number. A few pages have no {@code id}, the key. Answers after 10 to 30 ms; counts requests.
     */
    static final class JsonPages implements AutoCloseable {
        private final HttpServer server;
        private final AtomicInteger requests = new AtomicInteger();
        /** Each page's place in the queue. */
        private volatile Map<Integer, Integer> places = Map.of();

        private JsonPages(HttpServer server) {
            this.server = server;
            server.createContext("/p/", this::answer);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
        }

        static JsonPages start() throws IOException {
            return new JsonPages(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        }

        String url(int page) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/p/" + page;
        }

        int requests() {
            return requests.get();
        }

        /** The pages' URLs in the order they are queued: their content changes in that order. */
        void order(List<String> urls) {
            Map<Integer, Integer> at = new HashMap<>();
            for (int i = 0; i < urls.size(); i++) {
                at.put(page(urls.get(i)), i);
            }
            assertThat(at).hasSize(PAGES);
            places = at;
        }

        private static int page(String url) {
            return Integer.parseInt(url.substring(url.lastIndexOf("/p/") + "/p/".length()));
        }

        void reset() {
            requests.set(0);
        }

        static boolean keyless(int k) {
            return k % 97 == 13;
        }

        static int tags(int k) {
            return k % 10 == 5 ? 0 : k % 3 + 1;
        }

        /** Page {@code k}, at {@code q} in the queue. */
        static String body(int k, int q) {
            boolean late = q >= PAGES / 2;
            StringBuilder b = new StringBuilder("{");
            if (!keyless(k)) {
                b.append("\"id\":").append(k).append(',');
            }
            b.append("\"name\":\"page ").append(k).append('"');
            b.append(",\"score\":").append(late && k % 3 == 0 ? k + ".25" : Integer.toString(k));
            if (late) {
                b.append(",\"f_").append((q - PAGES / 2) * 10 / (PAGES / 2)).append("\":\"v").append(k).append('"');
                b.append(",\"when\":\"2026-01-").append(String.format("%02d", k % 28 + 1)).append('"');
            }
            b.append(",\"tags\":[");
            for (int i = 0; i < tags(k); i++) {
                b.append(i == 0 ? "" : ",").append("{\"t\":\"t").append(k).append('-').append(i).append("\",\"n\":").append(i);
                if (late) {
                    b.append(",\"c_").append(((q - PAGES / 2) * 5 / (PAGES / 2) + i) % 5).append("\":").append(i * k);
                }
                b.append(",\"v\":").append(q >= PAGES * 3 / 4 ? "[" + i + "," + k + "]" : Integer.toString(i)).append('}');
            }
            return b.append("]}").toString();
        }

        private void answer(HttpExchange exchange) throws IOException {
            requests.incrementAndGet();
            int k = page(exchange.getRequestURI().getPath());
            try {
                Thread.sleep(10 + k * 7919 % 21);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // closing
            }
            byte[] body = body(k, places.get(k)).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
