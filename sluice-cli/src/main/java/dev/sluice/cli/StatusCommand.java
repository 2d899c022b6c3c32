package dev.sluice.cli;

import dev.sluice.Store;
import dev.sluice.store.SqliteStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Count the stored results: ok, failed, and failed by error.")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--db", paramLabel = "PATH", defaultValue = "sluice.db", description = "SQLite database file. Default: ${DEFAULT-VALUE}.")
    Path db;

    @Mixin
    LogOptions log;

    private final CliContext context;

    StatusCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        Logging.configure(log, context.err(), null);
        ExistingDatabase.require(db);
        try (SqliteStore store = SqliteStore.open(db)) {
            Store.Counts c = store.counts();
            PrintStream out = context.out();
            out.printf(Locale.ROOT, "%s: %,d URLs%n", store.location(), c.total());
            out.printf(Locale.ROOT, "  ok      %,d%n", c.ok());
            out.printf(Locale.ROOT, "  failed  %,d%n", c.failed());
            for (Map.Entry<String, Long> e : c.byError().entrySet()) {
                out.printf(Locale.ROOT, "    %-11s %,d%n", e.getKey(), e.getValue());
            }
            out.flush();
        }
        return ExitCode.OK;
    }
}
