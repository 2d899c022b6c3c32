package dev.sluice.cli;

import dev.sluice.testkit.RecordingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Job files: {@code check} offline with every mistake where it stands, {@code run JOB} as its command line, secrets. */
class JobFileTest {
    private static final String BODY = "{\"items\": [{\"id\": 1, \"name\": \"a\", \"tags\": [\"x\", \"y\"]},"
            + " {\"id\": 2, \"name\": \"b\", \"tags\": []}]}";

    @TempDir
    Path dir;
    private RecordingServer server;

    @BeforeEach
    void start() throws IOException {
        server = RecordingServer.start((request, exchange) -> {
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String base() {
        return "http://127.0.0.1:" + server.port();
    }

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void checkReportsEveryMistakeWhereItStandsAndNeitherCheckNorRunFetchesAnything() throws IOException {
        String text = """
                sluice: 1
                stor: x.db
                limits: {concurency: 8, timeout: 10x, retries: many}
                resources:
                  items:
                    request: {url: "%s/items", methd: GET}
                    records: ".items[ | x"
                    paginate: sideways
                    table: {name: items, write: merg, columns: {id: .id, n: {foo: 1}}}
                    for_each: parents
                """.formatted(base());
        Path job = file("bad.yaml", text);
        List<String> lines = text.lines().toList();
        int methd = lines.get(5).indexOf("methd") + 1;
        int merg = lines.get(8).indexOf("merg") + 1;
        int foo = lines.get(8).indexOf("foo") + 1;

        Cli.Result check = Cli.run("check", job.toString());
        Cli.Result run = Cli.run("run", job.toString(), "--db", dir.resolve("t.db").toString());

        String f = job.toString();
        List<String> expected = List.of(
                f + ":2:1: unknown key 'stor' in the job: did you mean 'store'?",
                f + ":3:10: unknown key 'concurency' in limits: did you mean 'concurrency'?",
                f + ":3:34: '10x' is not a duration",
                f + ":3:48: 'many' is not an int",
                f + ":6:" + methd + ": unknown key 'methd' in a request: did you mean 'method'?",
                f + ":7:14: jq: ",
                f + ":8:15: --paginate 'sideways': unknown kind 'sideways'",
                f + ":9:" + merg + ": 'merg' is not one of append, merge, replace",
                f + ":9:" + foo + ": unknown key 'foo' in a column",
                f + ":10:5: 'for_each' is not supported by this build yet");
        for (Cli.Result r : List.of(check, run)) {
            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.USAGE);
            List<String> said = r.err().lines().toList();
            assertThat(said).as(r.err()).hasSize(expected.size() + 2); // and the column's missing source, and the count
            List<String> unmatched = new ArrayList<>(expected);
            unmatched.removeIf(e -> said.stream().anyMatch(l -> l.startsWith(e)));
            assertThat(unmatched).as(r.err()).isEmpty();
            assertThat(said.get(said.size() - 1)).isEqualTo("11 mistakes in " + f + "; nothing was fetched");
        }
        assertThat(server.requests()).isEmpty();
        assertThat(dir.resolve("t.db")).doesNotExist();
    }

    @Test
    void aJobStoresTheRowsItsCommandLineStoresAndCheckSaysWhichCommandLineThatIs() throws Exception {
        Path job = file("items.yaml", """
                sluice: 1
                name: items
                store: %s
                limits: {concurrency: 4, timeout: 5s, retries: 1}
                defaults:
                  base_url: "%s"
                resources:
                  items:
                    request: {url: /items, params: {page: 1, q: "a b"}}
                    records: .items[]
                    table:
                      name: items
                      key: [id]
                      write: merge
                      columns: {id: .id, name: {jq: .name, type: text}, tags: {jq: ".tags[]", all: true}}
                """.formatted(dir.resolve("job.db"), base()));

        Cli.Result check = Cli.run("check", job.toString());
        Cli.Result fromFile = Cli.run("run", job.toString(), "--no-progress", "-q");
        Cli.Result fromLine = Cli.runWithInput(base() + "/items?page=1&q=a+b\n", "run", "--db", dir.resolve("line.db").toString(),
                "-c", "4", "--timeout", "5s", "--retries", "1", "--jq", ".items[]", "--table", "items", "--primary-key", "id",
                "--write", "merge", "--extract", "id=jq:.id", "--extract", "name:text=jq:.name", "--extract", "tags[]=jq:.tags[]",
                "--no-progress", "-q", "-");

        assertThat(check.exitCode()).as(check.err()).isZero();
        assertThat(check.out()).contains("runs as   sluice run --db " + dir.resolve("job.db") + " --concurrency 4 --timeout 5s"
                + " --retries 1 --jq '.items[]' --table items --primary-key id --write merge --extract id=jq:.id");
        assertThat(check.out()).contains("\"url\":\"" + base() + "/items?page=1&q=a+b\"");
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(fromLine.exitCode()).as(fromLine.err()).isZero();
        String items = "SELECT id, name, _url FROM items ORDER BY id";
        String tags = "SELECT _root, _idx, value FROM items__tags ORDER BY _root, _idx";
        assertThat(rows(dir.resolve("job.db"), items)).containsExactly("1|a|" + base() + "/items?page=1&q=a+b",
                "2|b|" + base() + "/items?page=1&q=a+b").isEqualTo(rows(dir.resolve("line.db"), items));
        assertThat(rows(dir.resolve("job.db"), tags)).containsExactly("1|0|x", "1|1|y").isEqualTo(rows(dir.resolve("line.db"), tags));
        assertThat(rows(dir.resolve("job.db"), "SELECT column_name, data_type, declared FROM table_columns WHERE table_name = 'items'"
                + " ORDER BY position")).isEqualTo(rows(dir.resolve("line.db"), "SELECT column_name, data_type, declared FROM"
                + " table_columns WHERE table_name = 'items' ORDER BY position"));
        assertThat(server.requests()).hasSize(2); // one each, nothing for check
    }

    @Test
    void printJobTurnsACommandLineIntoAFileThatRunsToTheSameRows() throws Exception {
        Path urls = file("urls.txt", base() + "/items?p=1\n" + base() + "/items?p=2\n");
        List<String> line = List.of("--jq", ".items[]", "--table", "items", "--primary-key", "id", "--write", "merge",
                "--extract", "id=jq:.id", "--extract", "tags[]=jq:.tags[]", "-H", "X-Tenant: 7", "-c", "3", "--retries", "1",
                "--no-progress", "-q");
        List<String> printArgs = new ArrayList<>(List.of("run", urls.toString(), "--db", dir.resolve("line.db").toString(), "--print-job"));
        printArgs.addAll(line);
        Cli.Result printed = Cli.run(printArgs.toArray(String[]::new));
        List<String> runArgs = new ArrayList<>(List.of("run", urls.toString(), "--db", dir.resolve("line.db").toString()));
        runArgs.addAll(line);
        Cli.Result fromLine = Cli.run(runArgs.toArray(String[]::new));
        Path job = file("printed.yaml", printed.out().replace(dir.resolve("line.db").toString(), dir.resolve("job.db").toString()));
        Cli.Result fromFile = Cli.run("run", job.toString(), "--no-progress", "-q");

        assertThat(printed.exitCode()).as(printed.err()).isZero();
        assertThat(printed.err()).isEqualTo("not in the file (give them on the command line): --no-progress --quiet" + System.lineSeparator());
        assertThat(printed.out()).startsWith("sluice: 1\n").contains("    input:\n    - " + urls + "\n")
                .contains("        X-Tenant: 7\n");
        assertThat(fromLine.exitCode()).as(fromLine.err()).isZero();
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        for (String q : List.of("SELECT id FROM items ORDER BY id", // either page may be the newest fetch of a key: no _url
                "SELECT _root, _idx, value FROM items__tags ORDER BY 1, 2",
                "SELECT url, status FROM results ORDER BY url")) {
            assertThat(rows(dir.resolve("job.db"), q)).as(q).isNotEmpty().isEqualTo(rows(dir.resolve("line.db"), q));
        }
        assertThat(server.requests()).hasSize(4).allSatisfy(r -> assertThat(r.header("X-Tenant")).isEqualTo("7"));
    }

    @Test
    void aSecretWithAHashAndQuotesIsSentAsItIsAndShownOrStoredNowhere() throws Exception {
        String secret = "to#k\"en' x: #y";
        Path key = file("key.txt", secret + "\n");
        Path db = dir.resolve("s.db");
        Path job = file("secret.yaml", """
                sluice: 1
                store: %s
                resources:
                  items:
                    request: {url: "%s/items", headers: {X-Api-Key: "${file.%s}"}}  # a comment after the secret
                    records: .items[]
                """.formatted(db, base(), key));

        Cli.Result check = Cli.run("check", job.toString());
        Cli.Result run = Cli.run("run", job.toString(), "--no-progress");
        Cli.Result status = Cli.run("status", "--db", db.toString());

        assertThat(check.exitCode()).as(check.err()).isZero();
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(server.requests()).singleElement().satisfies(r -> assertThat(r.header("X-Api-Key")).isEqualTo(secret));
        for (Cli.Result r : List.of(check, run, status)) {
            assertThat(r.out() + r.err()).doesNotContain("to#k");
        }
        assertThat(rows(db, "SELECT count(*) FROM records")).containsExactly("2");
        String stored = new String(Files.readAllBytes(db), StandardCharsets.ISO_8859_1)
                + (Files.exists(Path.of(db + "-wal")) ? new String(Files.readAllBytes(Path.of(db + "-wal")), StandardCharsets.ISO_8859_1) : "");
        assertThat(stored).doesNotContain("to#k");
    }

    @Test
    void aSecretInAUrlAndAnUnsetVariableAreMistakes() throws IOException {
        Path job = file("url.yaml", """
                sluice: 1
                resources:
                  items:
                    request: {url: "%s/items?token=${file.%s}", headers: {X-Tenant: "${env.SLUICE_TEST_SURELY_UNSET_VARIABLE}"}}
                """.formatted(base(), file("t.txt", "abc")));

        Cli.Result check = Cli.run("check", job.toString());

        assertThat(check.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(check.err()).contains(":4:20: a secret in a URL is logged and stored with it: send it in a header")
                .contains("the environment variable SLUICE_TEST_SURELY_UNSET_VARIABLE is not set")
                .doesNotContain("abc");
        assertThat(server.requests()).isEmpty();
    }

    private static List<String> rows(Path db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> cols = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    cols.add(String.valueOf(rs.getString(i)));
                }
                out.add(String.join("|", cols));
            }
        }
        return out;
    }
}
