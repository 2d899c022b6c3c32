package dev.sluice.cli;

import dev.sluice.ResumeMode;
import dev.sluice.internal.input.LineSource;
import dev.sluice.internal.store.postgres.PgDatabase;
import dev.sluice.spi.Frontier;
import dev.sluice.internal.store.postgres.PgEnqueue;
import dev.sluice.internal.store.postgres.PgQueueStatus;
import dev.sluice.SluiceConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "enqueue", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Load URLs into the shared queue of a PostgreSQL --db, for workers.",
                "Each 'sluice worker' on that database then claims and fetches them. Streamed; the database removes "
                        + "duplicates, so loading the same or overlapping lists again adds each URL once."})
final class EnqueueCommand implements Callable<Integer> {
    @Parameters(paramLabel = "INPUT", arity = "0..*",
            description = "Files of requests, one per line: a URL, or a JSON request object (see --input-format); '#' comments "
                    + "and blank lines skipped; '-' or none reads standard input.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--db", paramLabel = "URL", required = true,
            description = "The PostgreSQL database: postgresql://user@host:port/db (password from PGPASSWORD or the URL).")
    String db;

    @Option(names = "--retry-failed", description = "Queue again the listed URLs whose stored row is failed.")
    boolean retryFailed;

    @Option(names = "--refetch", description = "Queue again every listed URL already stored (conditionally fetched when it has validators).")
    boolean refetch;

    @Mixin
    RequestOptions requests;

    @Mixin
    DbOutage outage;

    @Mixin
    LogOptions log;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    EnqueueCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        DbOutage.requirePostgres(cmd, db, "the queue to load (with a SQLite file, 'sluice run' reads the input itself)");
        if (retryFailed && refetch) {
            throw new CommandLine.ParameterException(cmd, "--retry-failed and --refetch exclude each other (--refetch already queues the failed ones)");
        }
        String problem = LineSource.problem(inputs);
        if (problem != null) {
            throw new CommandLine.ParameterException(cmd, problem);
        }
        // the settings loading shares with a run, checked where a run's are (ConfigOptions)
        SluiceConfig load = ConfigOptions.build(cmd, SluiceConfig.builder().storeOutage(outage.limit).input(requests.input(cmd))
                .resumeMode(refetch ? ResumeMode.REFETCH : retryFailed ? ResumeMode.RETRY_FAILED : ResumeMode.SKIP_DONE));
        ResumeMode mode = load.resumeMode();
        Logging.configure(log, context.err(), null);
        try (PgDatabase database = PgDatabase.open(db, 1, System.getenv())) {
            Frontier.Loaded s = PgEnqueue.loader(database, load.input(), mode, Clock.systemUTC(), load.storeOutage())
                    .load(LineSource.of(List.copyOf(inputs), context.in()));
            PgQueueStatus q = PgQueueStatus.read(database);
            PrintStream out = context.out();
            out.printf(Locale.ROOT, "Loaded %,d lines into %s%n", s.lines(), database.location());
            out.printf(Locale.ROOT, "  queued          %,d new%n", s.queued());
            if (mode != ResumeMode.SKIP_DONE) {
                out.printf(Locale.ROOT, "  queued again    %,d%n", s.requeued());
            }
            out.printf(Locale.ROOT, "  already there   %,d (including duplicate lines)%n", s.skipped() + s.duplicates());
            if (s.invalid() > 0) {
                out.printf(Locale.ROOT, "  invalid         %,d (stored as failed: invalid_url)%n", s.invalid());
            }
            out.printf(Locale.ROOT, "The queue now: %,d queued, %,d leased, %,d done, %,d failed%n", q.queued(), q.leased(), q.done(), q.failed());
            out.flush();
        }
        return ExitCode.OK;
    }
}
