package dev.sluice.cli;

import dev.sluice.Printable;
import dev.sluice.Store;
import dev.sluice.StoreException;
import dev.sluice.store.PgDatabase;
import dev.sluice.store.PgStore;
import dev.sluice.store.PgQueueStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true, description = {
        "Count the stored results: ok, failed, and failed by error.",
        "With a PostgreSQL --db, also the queue: queued, leased, done, failed, the workers holding leases, the oldest lease."})
final class StatusCommand implements Callable<Integer> {
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
            }
        } else {
            try (PgDatabase db = PgDatabase.open(database.db, 1, System.getenv())) {
                printResults(PgStore.on(db), out);
                printQueue(PgQueueStatus.read(db), out);
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
