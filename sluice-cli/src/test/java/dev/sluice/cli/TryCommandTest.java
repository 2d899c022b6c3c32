package dev.sluice.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sluice try}: one URL's rows and DDL, as a run would store them, and nothing left behind. */
class TryCommandTest {
    private static final String PAGE = """
            <!doctype html><html><head><title>  Blue   kettle  </title></head><body>
            <p class="price">$1,299.50</p><p class="weight">heavy</p>
            <ul><li>steel</li><li>1.7 l</li><li>blue</li></ul>
            """ + "<p class=\"note\">" + "x".repeat(100) + "</p></body></html>";

    HttpServer server;

    @BeforeEach
    void setUp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/kettle", exchange -> {
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/items", exchange -> {
            byte[] body = "{\"data\":[{\"id\":1,\"userID\":\"a\",\"tags\":[\"x\",\"y\"]},{\"id\":2,\"userID\":\"b\"}]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void itPrintsTheRowsTheDdlAndTheRejectsOfOnePageAndLeavesNoFile() throws Exception {
        List<String> before = tryDirs();
        List<String> here = files(Path.of(""));
        Cli.Result r = Cli.run("try", url("/kettle"), "--table", "pages", "--extract", "title=css:title::text",
                "--extract", "price:decimal(10,2)=css:p.price::text | num", "--extract", "weight:double=css:p.weight::text | num",
                "--extract", "parts[]=css:li::text", "--extract", "note=css:p.note::text");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("CREATE TABLE \"pages\"").contains("\"price\"").contains("CREATE TABLE \"pages__parts\"")
                .containsPattern("0 +1299\\.5 +NULL +Blue +kettle ") // the decimal, the misfit left NULL, the text trimmed
                .contains("steel").contains("1.7 l").contains("blue")
                .contains("x".repeat(TryCommand.WIDTH - 1) + "…").doesNotContain("x".repeat(TryCommand.WIDTH))
                .containsPattern("pages +0 +weight +heavy +css:p.weight::text"); // the reject: text where a number goes
        assertThat(tryDirs()).as("the temporary database, deleted").isEqualTo(before);
        assertThat(files(Path.of(""))).as("the working directory").isEqualTo(here);
    }

    @Test
    void rowsByJqAloneTakeEachValuesKeysAsColumns() {
        Cli.Result r = Cli.run("try", url("/items"), "--table", "items", "--rows", "jq:.data[]");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"user_id\" TEXT").contains("CREATE TABLE \"items__tags\"")
                .containsPattern("1 +2 +b").containsPattern("1 +0 +1 +y");
    }

    @Test
    void aUrlThatCannotBeFetchedEndsWithItsFailureAndNoRows() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Cli.Result r = Cli.run("try", "http://127.0.0.1:" + closed + "/x", "--table", "pages", "--extract", "title=css:title::text",
                "--retries", "0");
        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILURES);
        assertThat(r.err()).contains("connect");
        assertThat(r.out()).contains("failed 1").contains("(none)");
    }

    @Test
    void withoutATableOrWithADatabaseItIsAUsageError() {
        Cli.Result noTable = Cli.run("try", url("/kettle"));
        assertThat(noTable.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(noTable.err()).contains("give --table NAME");

        Cli.Result db = Cli.run("try", url("/kettle"), "--table", "pages", "--extract", "title=css:title::text", "--db", "x.db");
        assertThat(db.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(db.err()).contains("try stores nothing");
        assertThat(Path.of("x.db")).doesNotExist();

        Cli.Result badField = Cli.run("try", url("/kettle"), "--table", "pages", "--extract", "title=css:title::text | nums");
        assertThat(badField.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(badField.err()).contains("unknown step 'nums'");
    }

    private static List<String> tryDirs() throws IOException {
        return files(Path.of(System.getProperty("java.io.tmpdir"))).stream().filter(n -> n.startsWith("sluice-try-")).toList();
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
