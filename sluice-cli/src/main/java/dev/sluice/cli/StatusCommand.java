package dev.sluice.cli;

import dev.sluice.Store;
import dev.sluice.store.SqliteStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Count the stored results: ok, failed, and failed by error.")
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
        try (SqliteStore store = database.open()) {
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
