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
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --retry-failed} and {@code --refetch} on a crawl: the pages the crawl discovered have no input line, yet they
 * are fetched again as the input's are, each once, in SQLite and PostgreSQL alike; with PostgreSQL also by workers
 * after {@code enqueue}. The site: {@code /} links {@code /a} and {@code /b}, {@code /a} links {@code /c}, which
 * links {@code /d}; {@code /c} fails (500) until it is mended. Every page has an ETag and answers a matching
 * {@code If-None-Match} with 304, so a refetched page whose body is not read again still has its links fetched again.
 */
class ResumeCrawlTest {
    static final TestPostgres pg = TestPostgres.shared();
    private static final Map<String, List<String>> LINKS = Map.of("/", List.of("/a", "/b"), "/a", List.of("/c"),
            "/b", List.of(), "/c", List.of("/d"), "/d", List.of());

    @TempDir
    Path dir;
    Site site;

    @BeforeEach
    void setUp() throws IOException {
        site = Site.start();
    }

    @AfterEach
    void tearDown() {
        site.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aCrawlRunAgainWithRetryFailedOrRefetchFetchesItsDiscoveredPagesAgainEachOnce(String kind) throws Exception {
        String db = kind.equals("sqlite") ? dir.resolve("crawl.db").toString() : pg.newDatabase();
        Path seed = Files.writeString(dir.resolve("seed.txt"), site.url("/") + "\n");
        List<String> crawl = List.of("run", seed.toString(), "--db", db, "--follow-links", "--retries", "0", "--no-progress");

        run(crawl);
        assertThat(site.requests()).isEqualTo(Map.of("/", 1, "/a", 1, "/b", 1, "/c", 1));
        assertThat(statuses(kind, db)).isEqualTo(Map.of("/", "ok", "/a", "ok", "/b", "ok", "/c", "failed"));

        site.mend();
        run(concat(crawl, "--retry-failed"));
        assertThat(site.requests()).as("the failed page, then what it links").isEqualTo(Map.of("/c", 1, "/d", 1));
        assertThat(statuses(kind, db)).containsOnlyKeys(LINKS.keySet()).allSatisfy((path, status) -> assertThat(status).isEqualTo("ok"));

        run(concat(crawl, "--refetch"));
        assertThat(site.requests()).as("every page of the crawl, once").isEqualTo(Map.of("/", 1, "/a", 1, "/b", 1, "/c", 1, "/d", 1));
        assertThat(site.notModified()).as("each asked whether it changed, none read again").isEqualTo(5);

        run(crawl);
        assertThat(site.requests()).as("a plain run again: nothing due").isEmpty();
    }

    @Test
    void workersFetchTheDiscoveredPagesAgainAfterAnEnqueueWithRefetch() throws Exception {
        String db = pg.newDatabase();
        site.mend();
        Path seed = Files.writeString(dir.resolve("seed.txt"), site.url("/") + "\n");
        run(List.of("run", seed.toString(), "--db", db, "--follow-links", "--no-progress"));
        assertThat(site.requests()).hasSize(5);

        run(List.of("enqueue", seed.toString(), "--db", db, "--refetch"));
        run(List.of("worker", "--db", db, "--follow-links", "--no-progress"));
        assertThat(site.requests()).isEqualTo(Map.of("/", 1, "/a", 1, "/b", 1, "/c", 1, "/d", 1));
    }

    private static List<String> concat(List<String> args, String more) {
        List<String> all = new java.util.ArrayList<>(args);
        all.add(more);
        return all;
    }

    /** Runs the command; the requests the site counts are those of this command only. */
    private void run(List<String> args) {
        site.reset();
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isIn(ExitCode.OK, ExitCode.FAILURES);
    }

    /** Each stored page's status, by path. */
    private Map<String, String> statuses(String kind, String db) throws Exception {
        Map<String, String> statuses = new TreeMap<>();
        try (Connection c = kind.equals("sqlite") ? DriverManager.getConnection("jdbc:sqlite:" + db) : pg.connect(db);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT url, status FROM results")) {
            while (rs.next()) {
                statuses.put(rs.getString(1).substring(site.url("").length()), rs.getString(2));
            }
        }
        return statuses;
    }

    /** The site on loopback, counting the requests of each path and the 304s it answers. */
    static final class Site implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
        private final AtomicInteger notModified = new AtomicInteger();
        private final Set<String> broken = ConcurrentHashMap.newKeySet();

        private Site(HttpServer server) {
            this.server = server;
            broken.add("/c");
            server.createContext("/", this::answer);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
        }

        static Site start() throws IOException {
            return new Site(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        void mend() {
            broken.clear();
        }

        void reset() {
            requests.clear();
            notModified.set(0);
        }

        Map<String, Integer> requests() {
            Map<String, Integer> counts = new TreeMap<>();
            requests.forEach((path, n) -> counts.put(path, n.get()));
            return counts;
        }

        int notModified() {
            return notModified.get();
        }

        private void answer(HttpExchange exchange) throws IOException {
            String path = exchange.getRequestURI().getPath();
            List<String> links = LINKS.get(path);
            if (links == null) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            if (broken.contains(path)) {
                exchange.sendResponseHeaders(500, -1);
                exchange.close();
                return;
            }
            String etag = "\"v1" + path.replace('/', '-') + "\"";
            exchange.getResponseHeaders().set("ETag", etag);
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                notModified.incrementAndGet();
                exchange.sendResponseHeaders(304, -1);
                exchange.close();
                return;
            }
            StringBuilder html = new StringBuilder("<!doctype html><title>").append(path).append("</title>");
            links.forEach(link -> html.append("<a href=\"").append(link).append("\">").append(link).append("</a>"));
            byte[] body = html.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
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
