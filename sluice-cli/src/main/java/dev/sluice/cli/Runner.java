package dev.sluice.cli;

import dev.sluice.Processor;
import dev.sluice.RunSummary;
import dev.sluice.Sluice;
import dev.sluice.SluiceConfig;
import dev.sluice.StoreException;
import dev.sluice.UrlSource;
import dev.sluice.store.SqliteStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Runs the pipeline for a command: opens the store, wires signals and progress, prints the summary
 * and maps the outcome to an exit code. Shared by {@code run} and {@code demo}.
 */
final class Runner {
    private static final Logger log = LoggerFactory.getLogger("sluice");

    /** What to run. {@code countLines} counts the input's URL lines in the background (-1 when unknown). */
    record Job(SluiceConfig config, Processor processor, Path db, UrlSource source, LongSupplier countLines,
               boolean progress) {
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
        // The Sluice starts its HTTP client in the background while this thread opens the database.
        try (Sluice sluice = Sluice.builder().config(job.config()).processor(job.processor()).build();
             SqliteStore store = SqliteStore.open(job.db())) {
            AtomicLong total = new AtomicLong(-1);
            Thread.ofVirtual().name("sluice-count").start(() -> total.set(job.countLines().getAsLong()));
            RunSummary summary;
            try (Signals signals = console.signals() ? Signals.install(sluice, job.config().grace()) : null;
                 ProgressReporter progress = logOptions.quiet ? null
                         : new ProgressReporter(sluice::progress, line, total)) {
                summary = sluice.run(store, job.source());
            }
            Logging.configure(logOptions, console.err(), null);
            Summary.print(summary, store.location(), console.out());
            if (summary.stopped()) {
                return ExitCode.INTERRUPTED;
            }
            return summary.failed() > 0 ? ExitCode.FAILURES : ExitCode.OK;
        }
    }
}
