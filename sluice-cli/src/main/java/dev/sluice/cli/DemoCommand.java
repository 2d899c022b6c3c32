package dev.sluice.cli;

import dev.sluice.SluiceConfig;
import dev.sluice.TableSpec;
import dev.sluice.internal.input.LineSource;
import dev.sluice.Processor;
import dev.sluice.DiscoveryOptions;
import dev.sluice.origin.Origin;
import dev.sluice.origin.Site;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

@Command(name = "demo", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline against a built-in origin; no network needed.",
                "2,000 URLs on loopback with latencies of 20-200 ms and a few faults (500s that succeed on retry, a 404, "
                        + "a hang, malformed JSON), -c 50, --jq into the typed table 'items' (its tags in 'items__tags'), in a new "
                        + "SQLite file. Then shows where it is and how to query it.",
                "With --crawl, work discovered as it goes instead: 4 cursor-paginated API chains of 25 pages "
                        + "(--paginate, --jq into 'api_items'; 20-60 ms a page) and a linked site of 1,000 pages (--follow-links, "
                        + "--extract by CSS into 'pages' and 'pages__sections'; 30 ms a page)."})
final class DemoCommand implements Callable<Integer> {
    static final String JQ = "{name, price, available, tags}";
    /** The plain demo's table: one row per item, its tags in the child table items__tags. */
    static final TableSpec ITEMS = TableSpec.builder("items").jq(JQ).build();
    /** The crawl's tables: the API's items, and the site's pages by CSS with their sections' headings. */
    private static final TableSpec API_ITEMS = TableSpec.builder("api_items").jq(".items[]").build();
    private static final TableSpec PAGES = TableSpec.builder("pages").field("title=css:title::text").field("heading=css:h1::text")
            .field("sections[]=css:article h2::text").build();
    private static final int CRAWL_CHAINS = 4;
    private static final Site CRAWL_SITE = Site.of(1_000, 1).withLatency(Duration.ofMillis(30));
    private static final Path DEFAULT_DB = Path.of("sluice-demo.db");

    @Option(names = "--db", paramLabel = "PATH",
            description = "New SQLite file for the demo. Default: sluice-demo.db (replaced if it exists).")
    Path db;

    @Option(names = "--urls", paramLabel = "N", defaultValue = "2000", description = "How many URLs. Default: ${DEFAULT-VALUE}.")
    int urls;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", defaultValue = "50", description = "Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--crawl", description = "Discovered work: a paginated API and a linked site of the built-in origin.")
    boolean crawl;

    @Option(names = "--no-progress", description = "No live progress line, even on a terminal.")
    boolean noProgress;

    @Mixin
    LogOptions log;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final CliContext context;

    DemoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (urls < 10) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--urls: must be at least 10 (was " + urls + ")");
        }
        // The demo origin is one host on loopback, ours: the per-host cap is lifted to show the whole concurrency.
        SluiceConfig config = ConfigOptions.build(spec.commandLine(), SluiceConfig.builder().concurrency(concurrency)
                .perHost(concurrency).timeout(Duration.ofSeconds(1)));
        Path file = freshDatabase();
        int code;
        try (Origin origin = Origin.start()) {
            if (crawl) {
                code = crawl(origin, config, file);
            } else {
                List<String> list = plan(origin, urls);
                code = new Runner(context, log).run(new Runner.Job(config, Processor.NONE, ITEMS, DiscoveryOptions.NONE, file.toString(),
                        LineSource.ofLines(list), () -> list.size(), !noProgress, false, null, /* replace= */ true, null));
            }
        }
        if (code == ExitCode.INTERRUPTED) {
            return code;
        }
        if (crawl) {
            explainCrawl(file, context.out());
        } else {
            explain(file, context.out());
        }
        return ExitCode.OK; // the failures are the demo's planned faults
    }

    /**
     * Two runs into one new file: the API's chains, whose items --jq takes into a table (a JSON rule), then the site,
     * whose HTML pages CSS fields take into another.
     */
    private int crawl(Origin origin, SluiceConfig config, Path file) throws Exception {
        List<String> chains = IntStream.range(0, CRAWL_CHAINS)
                .mapToObj(c -> origin.uri("/api/cursor?pages=25&per=10&chain=c" + c + "&latency=20-60").toString()).toList();
        DiscoveryOptions pages = DiscoveryOptions.builder().paginate("cursor:.next_cursor=cursor").build();
        int code = new Runner(context, log).run(new Runner.Job(config, Processor.NONE, API_ITEMS, pages, file.toString(),
                LineSource.ofLines(chains), () -> chains.size(), !noProgress, false, null, /* replace= */ true, null));
        if (code == ExitCode.INTERRUPTED) {
            return code;
        }
        List<String> site = List.of(origin.uri(CRAWL_SITE.root()).toString());
        DiscoveryOptions links = DiscoveryOptions.builder().followLinks("").build();
        return new Runner(context, log).run(new Runner.Job(config, Processor.NONE, PAGES, links, file.toString(),
                LineSource.ofLines(site), () -> site.size(), !noProgress, false, null, /* replace= */ false, null));
    }

    /** The demo's file: a new one named by --db, or sluice-demo.db, which the run replaces. */
    private Path freshDatabase() {
        if (db != null && Files.exists(db)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--db " + db + " exists; the demo writes a new file (leave out --db to use sluice-demo.db, which is replaced)");
        }
        return db == null ? DEFAULT_DB : db;
    }

    /** The demo's URLs: mostly plain JSON with 20-200 ms latency, and the planned faults. */
    static List<String> plan(Origin origin, int n) {
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String query;
            if (i == 100) {
                query = "status=404";
            } else if (i == 200) {
                query = "hang";
            } else if (i == 300) {
                query = "latency=20-200&body=malformed";
            } else if (i % 400 == 7) {
                query = "latency=20-200&fail=2&failStatus=500"; // a 500 concerns the URL; a 503 would hold back the whole host
            } else {
                query = "latency=20-200";
            }
            list.add(origin.uri("/demo/item/" + i + "?" + query).toString());
        }
        return list;
    }

    private static void explainCrawl(Path file, PrintStream out) {
        String f = file.toString();
        out.println();
        out.println("The results are in " + file.toAbsolutePath() + " (SQLite), the frontier with its lineage in 'queue'. Try:");
        out.println("  sqlite3 " + f + " \"SELECT rule, depth, count(*) FROM queue GROUP BY 1, 2\"");
        out.println("  sqlite3 " + f + " \"SELECT q.page, i.n FROM queue q JOIN api_items i ON i._request = q.request "
                + "WHERE i.chain = 'c0' ORDER BY q.page, i._row LIMIT 12\"");
        out.println("  sqlite3 " + f + " \"SELECT p.heading, s.value AS section FROM pages p JOIN pages__sections s "
                + "ON s._request = p._request AND s._parent_row = p._row LIMIT 8\"");
        out.println("  sqlite3 " + f + " \"SELECT q.url, p.url AS found_on FROM queue q JOIN queue p ON p.request = q.parent "
                + "WHERE q.rule = 'link' LIMIT 5\"");
        out.flush();
    }

    private static void explain(Path file, PrintStream out) {
        String f = file.toString();
        out.println();
        out.println("The results are in " + file.toAbsolutePath() + " (SQLite). Try:");
        out.println("  sqlite3 " + f + " \"SELECT status, error, count(*) FROM results GROUP BY 1, 2\"");
        out.println("  sqlite3 " + f + " \"SELECT url, error, attempts, detail FROM results WHERE status = 'failed'\"");
        out.println("  sqlite3 " + f + " \"SELECT i.name, i.price, t.value AS tag FROM items i JOIN items__tags t "
                + "ON t._request = i._request AND t._parent_row = i._row LIMIT 6\"");
        out.println("  sqlite3 " + f + " \"SELECT column_name, data_type FROM table_columns WHERE table_name = 'items'\"");
        out.println("or, without sqlite3:  bin/sluice export --db " + f + " --status failed");
        out.flush();
    }
}
