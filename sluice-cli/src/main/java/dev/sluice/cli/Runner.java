package dev.sluice.cli;

import dev.sluice.Processor;
import dev.sluice.RunSummary;
import dev.sluice.Sluice;
import dev.sluice.SluiceConfig;
import dev.sluice.TableSpec;
import dev.sluice.spi.Store;
import dev.sluice.internal.store.postgres.PgStore;
import dev.sluice.StoreException;
import dev.sluice.DiscoveryOptions;
import dev.sluice.internal.metrics.SluiceMetrics;
import dev.sluice.RunObserver;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import dev.sluice.InputSource;
import dev.sluice.internal.store.postgres.PgDatabase;
import dev.sluice.internal.store.postgres.PgFrontier;
import dev.sluice.internal.store.sqlite.SqliteStore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Runs the pipeline for a command: opens the store (a SQLite file, or a PostgreSQL queue to work on),
 * wires signals and progress, prints the summary and maps the outcome to an exit code. Shared by
 * {@code run}, {@code worker} and {@code demo}.
 */
final class Runner {
    /**
     * Connections a worker uses at once: the writer, the claims, the lease heartbeat, the per-host slots,
     * and the loading of the input ({@code run}). More would only wait on the same locks.
     */
    private static final int WORKER_CONNECTIONS = 5;

    /**
     * What to run. {@code source} is null for a worker that only takes from the queue; {@code countLines}
     * counts the input's URL lines in the background (-1 when unknown); {@code replace} makes a new SQLite
     * file in place of the one at {@code db} (the demo's); {@code metrics}: where to serve them, or null; {@code table}:
     * the typed table rows go to, or null.
     */
    record Job(SluiceConfig config, Processor processor, TableSpec table, DiscoveryOptions discovery, String db, InputSource source, LongSupplier countLines,
               boolean progress, boolean keepWaiting, Duration lease, boolean replace, MetricsEndpoint metrics) {
    }

    private final CliContext console;
    private final LogOptions logOptions;

    Runner(CliContext console, LogOptions logOptions) {
        this.console = console;
        this.logOptions = logOptions;
    }

    int run(Job job) throws StoreException, IOException, InterruptedException {
        StatusLine line = job.progress() && console.terminal() ? new StatusLine(console.err()) : null;
        Logging.configure(logOptions, console.err(), line);
        SluiceMetrics metrics = job.metrics() == null ? null : new SluiceMetrics();
        // The Sluice starts its HTTP client in the background while this thread opens the database.
        Sluice.Builder builder = Sluice.builder().config(job.config()).processor(job.processor())
                .discovery(job.discovery()).command("sluice", console.args())
                .observer(metrics == null ? RunObserver.NONE : metrics);
        if (job.table() != null) {
            builder.table(job.table());
        }
        try (Sluice sluice = builder.build();
             HTTPServer served = metrics == null ? null : job.metrics().start(metrics.registry())) {
            if (PgDatabase.isPostgres(job.db())) {
                return onQueue(sluice, job, line);
            }
            Path file = Path.of(job.db());
            try (SqliteStore store = job.replace() ? SqliteStore.replace(file) : SqliteStore.open(file)) {
                RunSummary summary = supervised(sluice, job, line, () -> sluice.run(store, job.source()));
                return finish(summary, store.location(), job.table() == null ? null : store);
            }
        }
    }

    /** As one worker on the PostgreSQL queue; {@code run} also loads its input into the queue meanwhile. */
    private int onQueue(Sluice sluice, Job job, StatusLine line) throws StoreException, IOException, InterruptedException {
        try (PgDatabase db = PgDatabase.open(job.db(), WORKER_CONNECTIONS, System.getenv());
             PgFrontier queue = PgFrontier.join(db, job.lease())) {
            BooleanSupplier moreComing = job.keepWaiting() ? () -> true : () -> false;
            RunSummary summary = supervised(sluice, job, line, job.source() == null
                    ? () -> sluice.work(queue, moreComing)
                    : () -> sluice.run(queue, job.source(), -1));
            return finish(summary, db.location() + " (worker " + queue.workerId() + ")", job.table() == null ? null : PgStore.on(db));
        }
    }

    private interface Body {
        RunSummary run() throws StoreException, IOException, InterruptedException;
    }

    /** Runs {@code body} with signal handling and progress reporting around it. */
    private RunSummary supervised(Sluice sluice, Job job, StatusLine line, Body body)
            throws StoreException, IOException, InterruptedException {
        AtomicLong total = new AtomicLong(-1);
        Thread.ofVirtual().name("sluice-count").start(() -> total.set(job.countLines().getAsLong()));
        RunSummary summary;
        try (Signals signals = console.signals() ? Signals.install(sluice, job.config().grace()) : null;
             ProgressReporter progress = logOptions.quiet ? null : new ProgressReporter(sluice::progress, line, total)) {
            summary = body.run();
        }
        Logging.configure(logOptions, console.err(), null);
        return summary;
    }

    /** Prints the summary, and the typed tables of {@code tables} (null: none asked for). */
    private int finish(RunSummary summary, String where, Store tables) throws StoreException {
        Summary.print(summary, where, console.out());
        if (tables != null) {
            TableLines.print(tables.tables(), console.out());
            console.out().flush();
        }
        if (summary.stopped()) {
            return ExitCode.INTERRUPTED;
        }
        return summary.failed() > 0 ? ExitCode.FAILURES : ExitCode.OK;
    }
}
