package dev.sluice.cli;

import dev.sluice.Printable;
import dev.sluice.spi.Store;
import dev.sluice.StoreException;
import dev.sluice.internal.store.postgres.PgDatabase;
import dev.sluice.internal.store.postgres.PgStore;
import dev.sluice.internal.store.postgres.PgQueueStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import dev.sluice.RunRecord;
import dev.sluice.RunState;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true, description = {
        "Count the stored results by outcome and error; list the last runs.",
        "With a PostgreSQL --db, also the queue: queued, leased, done, failed, the workers holding leases, the oldest lease."})
final class StatusCommand implements Callable<Integer> {
    /** How many of the last runs are listed. */
    private static final int LAST_RUNS = 5;
    private static final DateTimeFormatter START = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    @Mixin
    ExistingDatabase database;

    @Mixin
    LogOptions log;

    private final CliContext context;

    StatusCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        Logging.configure(log, context.err(), null);
        PrintStream out = context.out();
        if (!database.postgres()) {
            try (Store store = database.open()) {
                printResults(store, out);
                TableLines.print(store.tables(), out);
                printRuns(store.runs(LAST_RUNS), out);
            }
        } else {
            try (PgDatabase db = PgDatabase.open(database.db, 1, System.getenv())) {
                Store store = PgStore.on(db);
                printResults(store, out);
                TableLines.print(store.tables(), out);
                printQueue(PgQueueStatus.read(db), out);
                printRuns(store.runs(LAST_RUNS), out);
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    private static void printResults(Store store, PrintStream out) throws StoreException {
        Store.Counts c = store.counts();
        out.printf(Locale.ROOT, "%s: %,d URLs%n", Printable.of(store.location()), c.total());
        out.printf(Locale.ROOT, "  ok      %,d%n", c.ok());
        out.printf(Locale.ROOT, "  failed  %,d%n", c.failed());
        for (Map.Entry<String, Long> e : c.byError().entrySet()) {
            // A database written by something else may hold anything.
            out.printf(Locale.ROOT, "    %-11s %,d%n", Printable.of(e.getKey()), e.getValue());
        }
    }

    /**
     * One line per run, newest first: id, start (UTC), how long, state, what it stored, its command. A run still going
     * shows how long so far and when it was last seen (its last commit or heartbeat).
     */
    private static void printRuns(List<RunRecord> runs, PrintStream out) {
        if (runs.isEmpty()) {
            return;
        }
        out.printf(Locale.ROOT, "last runs:%n");
        Instant now = Instant.now();
        for (RunRecord r : runs) {
            String when = START.format(r.startedAt());
            Duration took = Duration.between(r.startedAt(), r.endedAt() != null ? r.endedAt() : r.seenAt());
            String state = r.state().code();
            if (r.state() == RunState.RUNNING) {
                state += String.format(Locale.ROOT, " (seen %.0f s ago)", Duration.between(r.seenAt(), now).toMillis() / 1000.0);
            }
            String counts = r.summary() == null ? "" : String.format(Locale.ROOT, "%,d ok, %,d failed, %,.0f URLs/s",
                    r.summary().ok(), r.summary().failed(), r.summary().urlsPerSecond());
            out.printf(Locale.ROOT, "  #%-4d %s %9s  %-12s %s%n", r.id(), when, Units.shown(took), state, counts);
            if (r.message() != null) {
                out.printf(Locale.ROOT, "        %s%n", Printable.of(r.message()));
            }
            if (r.command() != null) {
                out.printf(Locale.ROOT, "        %s%n", Printable.of(r.command()));
            }
        }
    }

    private static void printQueue(PgQueueStatus q, PrintStream out) {
        out.printf(Locale.ROOT, "queue: %,d URLs%n", q.total());
        out.printf(Locale.ROOT, "  queued  %,d%n", q.queued());
        out.printf(Locale.ROOT, "  leased  %,d%s%n", q.leased(), q.leased() == 0 ? ""
                : String.format(Locale.ROOT, "  (oldest lease taken %.1f s ago)", q.oldestLeaseAgeSeconds()));
        out.printf(Locale.ROOT, "  done    %,d%n", q.done());
        out.printf(Locale.ROOT, "  failed  %,d%n", q.failed());
        if (!q.holders().isEmpty()) {
            out.println("workers holding leases:");
            for (PgQueueStatus.Holder h : q.holders()) {
                out.printf(Locale.ROOT, "  %-32s %,6d leased, oldest %.1f s ago, %s%n", Printable.of(h.worker()), h.leases(),
                        h.oldestLeaseAgeSeconds(), h.seenAgoSeconds() < 0 ? "no heartbeat recorded"
                                : String.format(Locale.ROOT, "last heartbeat %.1f s ago", h.seenAgoSeconds()));
            }
        }
    }
}
