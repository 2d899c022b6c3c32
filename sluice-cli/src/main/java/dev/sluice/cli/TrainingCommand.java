package dev.sluice.cli;

import dev.sluice.origin.Origin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Not for users: the run bin/sluice records once after each build into the JVM's AOT cache (JDK 25+:
 * classes loaded and linked, method profiles) or class-data archive. Every later start maps what this run
 * loaded instead of loading it again, so this run does what starts most often, in one JVM: the help, then
 * {@code run} with --jq against a loopback origin (ok, 404, malformed JSON, a retry), a small {@code run} of
 * discovered work (a paginated API, a POST of JSON Lines input, a site's links), then {@code status} and
 * {@code export} on the first database. Short on purpose: the profiles it records make the JIT compile what
 * was hot here early in every run, so a longer one would make short runs compile more.
 */
@Command(name = "training", hidden = true, description = "Records the start-up of the common commands (bin/sluice runs it).")
final class TrainingCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "An empty scratch directory.")
    Path dir;

    @Option(names = "--urls", paramLabel = "N", defaultValue = "200")
    int urls;

    private final CliContext context;

    TrainingCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        PrintStream none = new PrintStream(OutputStream.nullOutputStream());
        InputStream in = InputStream.nullInputStream();
        Main.execute(new String[] {"--help"}, in, none, none, false, false);
        String db = dir.resolve("training.db").toString();
        try (Origin origin = Origin.start()) {
            Path input = Files.write(dir.resolve("urls.txt"), plan(origin, urls));
            Main.execute(new String[] {"run", input.toString(), "--db", db, "-c", "20", "--per-host", "20",
                    "--jq", DemoCommand.JQ, "--no-progress"}, in, none, none, false, context.signals());
            // Discovered work and JSON Lines requests: a paginated API, a POST, a small site's links.
            Path requests = Files.write(dir.resolve("requests.jsonl"), List.of(
                    origin.uri("/api/cursor?pages=5&per=2").toString(),
                    "{\"url\": \"" + origin.uri("/training/post") + "\", \"method\": \"POST\", \"body\": {\"q\": 1}}",
                    origin.uri("/site/40/1/").toString()));
            Main.execute(new String[] {"run", requests.toString(), "--db", dir.resolve("discovered.db").toString(),
                    "-c", "20", "--per-host", "20", "--paginate", "cursor:.next_cursor=cursor", "--follow-links",
                    "--jq", ".items[]?", "--no-progress"}, in, none, none, false, context.signals());
        }
        Main.execute(new String[] {"status", "--db", db}, in, none, none, false, false);
        Main.execute(new String[] {"export", "--db", db}, in, none, none, false, false);
        return ExitCode.OK;
    }

    private static List<String> plan(Origin origin, int n) {
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String query = switch (i % 50) {
                case 10 -> "status=404";
                case 20 -> "body=malformed";
                case 30 -> "fail=1&failStatus=500";
                default -> "latency=0-5";
            };
            list.add(origin.uri("/training/" + i + "?" + query).toString());
        }
        return list;
    }
}
