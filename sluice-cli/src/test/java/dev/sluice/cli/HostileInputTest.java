package dev.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Printable;
import dev.sluice.testkit.RecordingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, hostile input, through the whole command: secrets in URLs and headers, control characters from
 * the input and from a server, a host in another script.
 */
class HostileInputTest {
    @TempDir
    Path dir;
    RecordingServer server;

    @BeforeEach
    void start() throws IOException {
        server = RecordingServer.start((request, exchange) -> {
            // "/ctl": a body whose JSON error message quotes a control character back
            byte[] body = (request.path().equals("/ctl") ? "abc\u001b[31m" : "{}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(request.path().equals("/missing") ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String origin() {
        return "127.0.0.1:" + server.port();
    }

    private Path input(String... lines) throws IOException {
        return Files.write(dir.resolve("urls.txt"), List.of(lines), StandardCharsets.UTF_8);
    }

    private String db() {
        return dir.resolve("out.db").toString();
    }

    @Test
    void aPasswordIsSentAsBasicAuthAndNeverStoredExportedLoggedOrShown() throws Exception {
        Path in = input("http://ann:s3cret@" + origin() + "/private", "http://ann:s3cret@" + origin() + "/missing",
                "ftp://ann:s3cret@" + origin() + "/not-http");
        String[] run = {"run", in.toString(), "--db", db(), "-v", "--retries", "0",
                "-H", "Cookie: id=s3cret-cookie", "-H", "x-api-key: s3cret-key", "-H", "X-Auth-Token: s3cret-token"};

        Cli.Result first = Cli.run(run);
        Cli.Result again = Cli.run(run);
        List<Cli.Result> shown = List.of(first, again, Cli.run("status", "--db", db()), Cli.run("export", "--db", db()),
                Cli.run("export", "--db", db(), "--format", "csv"));

        assertThat(first.exitCode()).as(first.err()).isEqualTo(ExitCode.FAILURES);
        String basic = "Basic " + Base64.getEncoder().encodeToString("ann:s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(server.requests()).extracting(RecordingServer.Request::path).containsExactlyInAnyOrder("/private", "/missing");
        assertThat(server.requests()).allSatisfy(r -> assertThat(Arrays.asList(r.header("Authorization"), r.header("Cookie"),
                r.header("X-Api-Key"), r.header("X-Auth-Token"))).containsExactly(basic, "id=s3cret-cookie", "s3cret-key", "s3cret-token"));
        assertThat(first.err()).contains("failed http://ann:***@" + origin() + "/missing: http");
        assertThat(again.out()).as("the re-run finds every row").contains("3 already stored");
        assertThat(shown.get(3).out()).contains("\"url\":\"http://ann:***@" + origin() + "/private\"");
        // both runs recorded (table runs, listed by status) with the headers' values masked
        assertThat(shown.get(2).out()).contains("last runs:", "'Cookie: ***' -H 'x-api-key: ***' -H 'X-Auth-Token: ***'");
        for (Cli.Result r : shown) {
            assertThat(r.out() + r.err()).doesNotContain("s3cret");
        }
        assertThat(databaseFiles()).doesNotContain("s3cret");
    }

    @Test
    void aMalformedCredentialHeaderIsAUsageErrorThatDoesNotShowItsValue() throws Exception {
        Path in = input("http://" + origin() + "/x");

        Cli.Result r = Cli.run("run", in.toString(), "--db", db(), "-H", "Authorization Bearer s3cret");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("--header: header 'Authorization …' is not of the form 'Name: value'").doesNotContain("s3cret");
    }

    @Test
    void controlCharactersFromTheInputAndTheServerNeverReachTheTerminalAndTheDatabaseKeepsThem() throws Exception {
        String longUrl = "http://" + origin() + "/long?q=" + "a".repeat(9_000);
        Path in = input("http://" + origin() + "/esc\u001b[31mred", "http://" + origin() + "/nul\u0000byte",
                "\u001b]0;title\u0007\u009b2J\u202e", "http://" + origin() + "/ctl", longUrl);

        Cli.Result r = Cli.run("run", in.toString(), "--db", db(), "--jq", ".", "-v", "--retries", "0");
        Cli.Result status = Cli.run("status", "--db", db());
        Cli.Result json = Cli.run("run", in.toString(), "--db", dir.resolve("json.db").toString(), "--jq", ".",
                "--log-format", "json");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.FAILURES);
        assertThat(r.err()).contains("/esc\\e[31mred", "/nul\\0byte", "\\e]0;title\\x07\\x9b2J\\u202e",
                "Unrecognized token 'abc\\e'"); // the server's body, quoted back by the JSON parser
        for (String line : json.err().lines().toList()) {
            new ObjectMapper().readTree(line); // still JSON, or this throws
        }
        for (String printed : List.of(r.out(), r.err(), status.out(), status.err(), json.err())) {
            assertThat(printed.chars().filter(c -> c != '\n' && !Printable.shownAsIs((char) c)))
                    .as("raw control characters in:%n%s", printed).isEmpty();
        }
        List<String> longLines = r.err().lines().filter(l -> l.contains("/long?q=")).toList();
        assertThat(longLines).isNotEmpty().allSatisfy(l -> assertThat(l).hasSizeLessThan(1_000).contains("… (9,"));
        assertThat(Cli.scalar(Path.of(db()),
                "SELECT count(*) FROM results WHERE instr(url, char(27)) > 0 OR instr(url, char(0)) > 0"))
                .as("the rows keep the original text").isEqualTo(3);
        assertThat(Cli.scalar(Path.of(db()), "SELECT count(*) FROM results WHERE length(url) = " + longUrl.length())).isEqualTo(1);
    }

    @Test
    void anInternationalHostIsFetchedByItsAsciiNameAndItsRowKeepsTheNameAsWritten() throws Exception {
        // The name resolves to loopback for this process only: the JDK's resolver reads this file instead of DNS.
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 xn--bcher-kva.example\n");
        int port = server.port();
        Path in = input("http://bücher.example:" + port + "/idn");
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Djdk.net.hosts.file=" + hosts, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "run", in.toString(), "--db", db(), "--no-progress");
        Path err = dir.resolve("err.txt");

        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile()).redirectError(err.toFile()).start();

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isEqualTo(ExitCode.OK);
        assertThat(server.requests()).extracting(r -> r.header("Host")).containsExactly("xn--bcher-kva.example:" + port);
        assertThat(Cli.scalar(Path.of(db()),
                "SELECT count(*) FROM results WHERE status = 'ok' AND url = 'http://bücher.example:" + port + "/idn'")).isEqualTo(1);
    }

    /** The database and its write-ahead log, as text: whatever any table holds. */
    private String databaseFiles() throws IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("out.db")).toList()) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }
}
