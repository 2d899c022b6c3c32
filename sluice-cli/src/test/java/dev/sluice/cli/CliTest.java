package dev.sluice.cli;

import dev.sluice.origin.Origin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI in-process: exit codes, messages for user mistakes, and the status and export commands. */
class CliTest {
    static Origin origin;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        origin = Origin.start();
    }

    @AfterAll
    static void stop() {
        origin.close();
    }

    private Path urls(String... pathsAndQueries) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("# a comment, then a blank line");
        lines.add("");
        for (String p : pathsAndQueries) {
            lines.add(origin.uri(p).toString());
        }
        Path f = dir.resolve("urls.txt");
        Files.write(f, lines);
        return f;
    }

    private String db() {
        return dir.resolve("out.db").toString();
    }

    @Test
    void allOkExitsZeroAndPrintsTheSummary() throws Exception {
        Path in = urls("/a", "/b", "/c");

        Cli.Result r = Cli.run("run", in.toString(), "--db", db(), "--jq", ".items[]");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.out()).contains("Done.").contains("stored      3  (ok 3, failed 0)").contains("latency     p50");
        assertThat(Cli.scalar(Path.of(db()), "SELECT count(*) FROM results WHERE status = 'ok'")).isEqualTo(3);
        assertThat(Cli.scalar(Path.of(db()), "SELECT count(*) FROM records")).isEqualTo(9);
    }

    @Test
    void anAdaptiveLimitLogsWhenItChangesAndARefetchCountsUnchangedUrls() throws Exception {
        String[] paths = java.util.stream.IntStream.range(0, 300).mapToObj(i -> "/auto/" + i + "?latency=5&etag=e" + i)
                .toArray(String[]::new);
        Path in = urls(paths);

        Cli.Result first = Cli.run("run", in.toString(), "--db", db(), "-c", "auto:32");
        Cli.Result again = Cli.run("run", in.toString(), "--db", db(), "--refetch", "-c", "auto:32");

        assertThat(first.exitCode()).as(first.err()).isEqualTo(ExitCode.OK);
        assertThat(first.err()).containsPattern("host 127\\.0\\.0\\.1:\\d+: concurrency limit 4 -> 8");
        assertThat(again.exitCode()).as(again.err()).isEqualTo(ExitCode.OK);
        assertThat(again.out()).contains("unchanged   300 of the ok");
    }

    @Test
    void aConcurrencyThePerHostCapLeavesUnusedIsNoticedOnceNamingTheOption() throws Exception {
        String[] paths = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "/one-host/" + i + "?latency=20")
                .toArray(String[]::new);
        Path in = urls(paths);
        origin.resetCounters();

        Cli.Result r = Cli.run("run", in.toString(), "--db", db(), "-c", "50");
        int inFlight = origin.maxInFlight();
        Cli.Result raised = Cli.run("run", in.toString(), "--db", dir.resolve("raised.db").toString(), "-c", "50", "--per-host", "50");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.OK);
        String notice = "-c 50 cannot be used in full: the URLs so far are on 1 host, and --per-host 8 lets at most 8 requests "
                + "go to one host at once, so at most 8 are in flight; raise --per-host";
        assertThat(r.err()).contains(notice);
        assertThat(r.err().split("cannot be used in full", -1)).as("said once").hasSize(2);
        assertThat(inFlight).as("what the notice says: at most 8").isBetween(2, 8);
        assertThat(raised.exitCode()).as(raised.err()).isEqualTo(ExitCode.OK);
        assertThat(raised.err()).doesNotContain("cannot be used in full");
    }

    @Test
    void aHostHeldBackAsAWholeIsLoggedWithWhy() throws Exception {
        String[] paths = java.util.stream.IntStream.range(0, 12).mapToObj(i -> "/quota/" + i + "?fail=1&failStatus=429&retryAfter=1")
                .toArray(String[]::new);
        Path in = urls(paths);

        Cli.Result r = Cli.run("run", in.toString(), "--db", db(), "-c", "2");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(r.err()).containsPattern("host 127\\.0\\.0\\.1:\\d+: [5-9] of its last [5-9] answers were 429/503: holding the "
                + "whole host back for \\d+ ms \\(as its Retry-After asks\\) and halving its cap");
    }

    @Test
    void failuresExitThreeAndAreLoggedOnceEach() throws Exception {
        Path in = urls("/fine", "/nope?status=404", "/also-nope?status=410");

        Cli.Result r = Cli.run("run", in.toString(), "--db", db());

        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILURES);
        assertThat(r.out()).contains("failed by   http 2");
        assertThat(r.err().lines().filter(l -> l.contains("WARN") && l.contains("/nope?status=404"))).hasSize(1);
        assertThat(r.err()).doesNotContain("Exception");
    }

    @Test
    void jsonLogsAreOneObjectPerLine() throws Exception {
        Path in = urls("/j/ok", "/j/missing?status=404");

        Cli.Result r = Cli.run("run", in.toString(), "--db", db(), "--log-format", "json", "--no-progress");

        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> lines = new ArrayList<>();
        for (String line : r.err().lines().toList()) {
            lines.add(json.readTree(line)); // every line is a JSON object, or this throws
        }
        List<com.fasterxml.jackson.databind.JsonNode> warnings = lines.stream()
                .filter(n -> n.get("formattedMessage").asText().contains("/j/missing")).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).get("level").asText()).isEqualTo("WARN");
        assertThat(warnings.get(0).get("formattedMessage").asText()).contains("http (HTTP 404 Not Found)");
    }

    @Test
    void readsStandardInputWhenNoFileIsNamed() throws Exception {
        String input = origin.uri("/stdin/1") + "\n" + origin.uri("/stdin/2") + "\nnot-a-url\n";

        Cli.Result r = Cli.runWithInput(input, "run", "--db", db());

        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILURES);
        assertThat(Cli.scalar(Path.of(db()), "SELECT count(*) FROM results")).isEqualTo(3);
        assertThat(Cli.scalar(Path.of(db()), "SELECT count(*) FROM results WHERE error = 'invalid_url' AND detail LIKE 'line 3 of stdin%'"))
                .isEqualTo(1);
    }

    @Test
    void aNamedPipeIsReadOnceAndWhole() throws Exception {
        Path fifo = dir.resolve("urls.fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        List<String> lines = IntStream.range(0, 300).mapToObj(i -> origin.uri("/fifo/" + i).toString()).toList();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                Files.write(fifo, lines); // blocks until the run opens the pipe
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        Cli.Result r = Cli.run("run", fifo.toString(), "--db", db());

        writer.join();
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(Cli.scalar(Path.of(db()), "SELECT count(*) FROM results WHERE status = 'ok'")).isEqualTo(300);
    }

    @Test
    void badDurationsAndSizesAreUsageErrorsNamingTheOptionAndTheForms() throws Exception {
        Path in = urls("/x");

        Cli.Result timeout = Cli.run("run", in.toString(), "--db", db(), "--timeout", "10x");
        Cli.Result size = Cli.run("run", in.toString(), "--db", db(), "--max-body", "16 megs");

        assertThat(timeout.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(timeout.err()).contains("--timeout").contains("'10x' is not a duration").contains("500ms, 10s, 2m");
        assertThat(size.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(size.err()).contains("--max-body").contains("16MiB, 512KiB");
        assertThat(timeout.err() + size.err()).doesNotContain("\tat ");
        assertThat(Files.exists(Path.of(db()))).isFalse();
    }

    @Test
    void otherUserMistakesAreOneClearLine() throws Exception {
        Path in = urls("/x");
        assertUsage(Cli.run("run", dir.resolve("missing.txt").toString(), "--db", db()), "input file '" + dir.resolve("missing.txt") + "' does not exist");
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "--jq", ".items[] |"), "--jq: invalid jq expression");
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "-c", "0"), "--concurrency: must be at least 1 (was 0)");
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "-c", "fast"), "'fast' is not a number, 'auto' or 'auto:N'");
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "--per-host", "0"), "--per-host: must be at least 1 (was 0)");
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "--per-host-key", "street"), "'street' is not one of host, domain, ip");
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "--per-host-rate", "-1"),
                "--per-host-rate: must be a number of requests per second, 0 (unlimited) or more (was -1)");
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "--retry-failed", "--refetch"), "exclude each other");
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "-H", "no colon here"), "--header: header 'no colon here'");
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "--bogus"), "Unknown option: '--bogus'");
        assertUsage(Cli.run(), "name a command");
    }

    /**
     * SluiceConfig's builder checks these values, and only it: each rejected one is a usage error in its words, naming
     * the option (ConfigOptions maps each setting to its option), before anything is opened or fetched.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            -c                  | 0      | --concurrency: must be at least 1 (was 0)
            -c                  | auto:0 | --concurrency: must be at least 1 (was 0)
            --per-host          | 0      | --per-host: must be at least 1 (was 0)
            --rate              | -1     | --rate: must be a number of requests per second, 0 (unlimited) or more (was -1)
            --rate              | NaN    | --rate: must be a number of requests per second, 0 (unlimited) or more (was NaN)
            --per-host-rate     | Infinity | --per-host-rate: must be a number of requests per second, 0 (unlimited) or more (was Infinity)
            --breaker           | -1     | --breaker: must be at least 0 (was -1)
            --breaker-cooldown  | 0s     | --breaker-cooldown: must be longer than 0 (was 0s)
            --timeout           | 0ms    | --timeout: must be longer than 0 (was 0s)
            --max-body          | 0      | --max-body: must be at least 1 byte and below 2GiB (was 0 bytes)
            --max-body          | 2GiB   | --max-body: must be at least 1 byte and below 2GiB (was 2147483648 bytes)
            --retries           | -1     | --retries: must be at least 0 (was -1)
            --max-retry-after   | 0s     | --max-retry-after: must be longer than 0 (was 0s)
            --process-threads   | 0      | --process-threads: must be at least 1 (was 0)
            --process-timeout   | 0s     | --process-timeout: must be longer than 0 (was 0s)
            --process-memory    | 0      | --process-memory: must be at least 1 byte (was 0 bytes)
            --db-outage         | 0s     | --db-outage: must be longer than 0 (was 0s)
            --max-requests      | -2     | --max-requests: must be at least 0, or -1 for no limit (was -2)
            """)
    void aValueTheConfigRejectsIsAUsageErrorNamingItsOption(String option, String value, String message) throws Exception {
        Path in = urls("/rejected");

        Cli.Result r = Cli.run("run", in.toString(), "--db", db(), option, value);

        assertUsage(r, "run: " + message + "\n");
        assertThat(r.err().lines()).hasSize(2); // the message, and where to find help
        assertThat(Files.exists(Path.of(db()))).isFalse();
        assertThat(origin.requests("/rejected")).isZero();
    }

    /** The other commands that take a config's values say the same. */
    @Test
    void workerEnqueueAndDemoReportRejectedValuesTheSameWay() {
        String pg = "postgresql://u@127.0.0.1:1/x"; // nothing listens there: a usage error comes before any connection
        assertUsage(Cli.run("worker", "--db", pg, "--per-host", "0"), "worker: --per-host: must be at least 1 (was 0)");
        assertUsage(Cli.runWithInput("http://x/\n", "enqueue", "--db", pg, "--db-outage", "0ms"),
                "enqueue: --db-outage: must be longer than 0 (was 0s)");
        assertUsage(Cli.run("demo", "--db", db(), "-c", "0"), "demo: --concurrency: must be at least 1 (was 0)");
        assertThat(Files.exists(Path.of(db()))).isFalse();
    }

    @Test
    void requestOptionsAreCheckedAndAPostWithDataAndJsonLinesReachTheServer() throws Exception {
        Path in = urls("/x");
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "--method", "PO ST"), "--method: 'PO ST' is not an HTTP method");
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "--input-format", "csv"), "--input-format: input format 'csv'");
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "--data", "@" + dir.resolve("nobody.json")),
                "--data: no such file: " + dir.resolve("nobody.json"));

        Path body = dir.resolve("body.json");
        Files.writeString(body, "{\"q\": \"cli\"}");
        Path jsonl = dir.resolve("requests.jsonl");
        Files.write(jsonl, List.of(origin.uri("/cli-post/1").toString(),
                "{\"url\": \"" + origin.uri("/cli-post/2") + "\", \"body\": {\"own\": true}}",
                "{\"url\": \"" + origin.uri("/cli-post/3") + "\", \"method\": \"DELETE\"}"));
        Cli.Result r = Cli.run("run", jsonl.toString(), "--db", db(), "-X", "POST", "--data", "@" + body, "--no-progress");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(origin.received("/cli-post/1")).singleElement().satisfies(got -> {
            assertThat(got.method()).isEqualTo("POST");
            assertThat(got.contentType()).startsWith("application/json");
            assertThat(got.bodyText()).isEqualTo("{\"q\": \"cli\"}");
        });
        assertThat(origin.received("/cli-post/2")).singleElement().satisfies(got -> assertThat(got.bodyText()).isEqualTo("{\"own\":true}"));
        assertThat(origin.received("/cli-post/3")).singleElement().satisfies(got -> assertThat(got.method()).isEqualTo("DELETE"));
    }

    @Test
    void aJqExpressionCallingAFunctionDefinedNowhereIsRefusedBeforeAnyRequest() throws Exception {
        Path in = urls("/jq-unknown/1", "/jq-unknown/2");
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "--jq", "{a: nosuchfn(1)}"), "nosuchfn/1 is not a function");
        assertThat(origin.requests("/jq-unknown/1") + origin.requests("/jq-unknown/2")).isZero();
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "--process-timeout", "0s"), "--process-timeout");
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "--process-memory", "lots"), "--process-memory");
    }

    @Test
    void queueCommandsNeedPostgresAndSayWhichOptionsAreWhose() throws Exception {
        Path in = urls("/x");
        String pg = "postgresql://u@127.0.0.1:1/x";
        assertUsage(Cli.run("worker", "--db", db()), "--db must name a PostgreSQL database");
        assertUsage(Cli.run("enqueue", in.toString(), "--db", db()), "'sluice run' reads the input itself");
        assertUsage(Cli.run("enqueue", in.toString()), "Missing required option: '--db=URL'");
        assertUsage(Cli.run("worker", "--db", pg, "--retry-failed"), "give it to 'sluice enqueue'");
        assertUsage(Cli.run("worker", "--db", pg, "--lease", "100ms"), "--lease: must be at least 1s (was 100ms)");
        assertUsage(Cli.run("run", in.toString(), "--db", db(), "--db-outage", "0s"), "--db-outage: must be longer than 0 (was 0s)");
    }

    @Test
    void anUnreachablePostgresIsFatalWithOneLineThatNeverShowsThePassword() throws Exception {
        Path in = urls("/x");
        // port 1 on loopback: nothing listens there, the connection is refused at once
        for (Cli.Result r : List.of(
                Cli.run("run", in.toString(), "--db", "postgresql://sluice:s3cret@127.0.0.1:1/crawl"),
                Cli.run("status", "--db", "jdbc:postgresql://127.0.0.1:1/crawl?user=sluice&password=s3cret"))) {
            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.FATAL);
            assertThat(r.err().strip()).startsWith("sluice: postgresql://sluice@127.0.0.1:1/crawl: cannot open the database")
                    .doesNotContain("s3cret");
            assertThat(r.err().strip().lines()).hasSize(1);
        }
    }

    @Test
    void theHelpListsEveryCommandWithItsDescriptionAndHelpOnOneShowsItsOptions() {
        Cli.Result list = Cli.run("--help");
        assertThat(list.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(list.out()).contains("Commands:")
                .containsPattern("\\n  run +Fetch many URLs concurrently")
                .containsPattern("\\n  demo +Run the whole pipeline")
                .containsPattern("\\n  enqueue +Load URLs into the shared queue")
                .containsPattern("\\n  worker +Work on the shared queue")
                .containsPattern("\\n  status +Count the stored results")
                .containsPattern("\\n  export +Stream stored results")
                .doesNotContain("training");

        Cli.Result run = Cli.run("help", "run");
        assertThat(run.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("Usage: sluice run").contains("--per-host").contains("--jq");
    }

    /**
     * The list of commands shows the first line of each command's description: a whole short sentence, on one line.
     * Each line of a description is a paragraph of the command's own help, so none stops mid-sentence either.
     */
    @Test
    void theHelpSummarisesEachCommandInOneWholeSentence() {
        String help = Cli.run("--help").out();
        List<String> list = help.substring(help.indexOf("Commands:\n") + "Commands:\n".length()).lines().toList();
        assertThat(list).hasSize(Main.COMMANDS.size()); // help is listed, training is not: one line each
        assertThat(list).allSatisfy(line -> assertThat(line).matches("  [a-z]+ +[A-Z].*[A-Za-z0-9)]\\."));

        Main.COMMANDS.forEach((name, type) -> assertThat(type.getAnnotation(picocli.CommandLine.Command.class).description())
                .as(name).allSatisfy(paragraph -> assertThat(paragraph).endsWith(".")));
    }

    @Test
    void theTrainingRunOfTheAotCacheRunsTheCommonCommands() {
        Cli.Result r = Cli.run("training", dir.toString(), "--urls", "20");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.OK);
        assertThat(dir.resolve("training.db")).exists();
    }

    private static void assertUsage(Cli.Result r, String message) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains(message).contains("--help").doesNotContain("\tat ");
    }

    @Test
    void anUnwritableDatabaseIsFatalWithOneLine() throws Exception {
        Path in = urls("/x");

        Cli.Result r = Cli.run("run", in.toString(), "--db", dir.resolve("no/such/dir/out.db").toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.FATAL);
        assertThat(r.err().strip()).startsWith("sluice: ").contains("no/such/dir").contains("does not exist");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void aDatabaseThatCannotBeOpenedIsFatalWithOneLine() throws Exception {
        Path in = urls("/x");
        Path notAFile = Files.createDirectory(dir.resolve("a-directory.db"));

        Cli.Result r = Cli.run("run", in.toString(), "--db", notAFile.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.FATAL);
        assertThat(r.err().strip()).startsWith("sluice: " + notAFile + ": cannot open the database");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void statusCountsAndExportStreamsRows() throws Exception {
        Path in = urls("/s/1", "/s/2", "/s/bad?status=500");
        Cli.run("run", in.toString(), "--db", db(), "--retries", "0");

        Cli.Result status = Cli.run("status", "--db", db());
        Cli.Result jsonl = Cli.run("export", "--db", db(), "--status", "failed");
        Cli.Result csv = Cli.run("export", "--db", db(), "--format", "csv");

        assertThat(status.exitCode()).isZero();
        assertThat(status.out()).contains("3 URLs").containsPattern("ok +2").containsPattern("failed +1").containsPattern("http +1");
        assertThat(jsonl.exitCode()).as(jsonl.err()).isZero();
        assertThat(jsonl.out().lines()).hasSize(1);
        assertThat(jsonl.out()).contains("\"status\":\"failed\"").contains("\"http_status\":500").contains("\"error\":\"http\"");
        List<String> csvLines = csv.out().lines().toList();
        assertThat(csvLines).hasSize(4);
        assertThat(csvLines.get(0)).isEqualTo(String.join(",", ExportCommand.COLUMNS));
    }

    @Test
    void statusOnAMissingDatabaseSaysSoAndCreatesNothing() {
        Cli.Result r = Cli.run("status", "--db", db());

        assertThat(r.exitCode()).isEqualTo(ExitCode.FATAL);
        assertThat(r.err()).contains("no database here");
        assertThat(Files.exists(Path.of(db()))).isFalse();
    }

    @Test
    void demoRunsTheWholePipelineAgainstItsOwnOrigin() throws Exception {
        Path demoDb = dir.resolve("demo.db");

        Cli.Result r = Cli.run("demo", "--db", demoDb.toString(), "--urls", "120", "-c", "30", "--no-progress");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("The results are in").contains("sqlite3");
        assertThat(Cli.scalar(demoDb, "SELECT count(*) FROM results")).isEqualTo(120);
        long items = Cli.scalar(demoDb, "SELECT count(*) FROM items");
        assertThat(items).isGreaterThanOrEqualTo(100);
        assertThat(Cli.scalar(demoDb, "SELECT count(*) FROM items__tags")).isEqualTo(3 * items);
        assertThat(Cli.scalar(demoDb, "SELECT count(*) FROM table_columns WHERE table_name = 'items'"
                + " AND column_name || ' ' || data_type IN ('name text', 'price double', 'available bool')")).isEqualTo(3);
        assertThat(Cli.scalar(demoDb, "SELECT count(*) FROM records")).isZero();
        assertThat(r.out()).contains("table items: ").contains("table items__tags (child of items)").contains("items__tags");
        assertThat(Cli.scalar(demoDb, "SELECT attempts FROM results WHERE url LIKE '%/demo/item/7?%'")).isEqualTo(3);
        assertThat(IntStream.of(ExitCode.OK)).isNotEmpty();
    }
}
