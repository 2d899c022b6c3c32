package dev.sluice.cli;

import dev.sluice.Printable;
import dev.sluice.StoreException;
import dev.sluice.TableSpec;
import dev.sluice.internal.extract.Extractor;
import dev.sluice.internal.process.Tables;
import dev.sluice.internal.store.SqlStore;
import dev.sluice.internal.store.tables.TableRebuild;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "extract", sortOptions = false, mixinStandardHelpOptions = true, description = {
        "Rebuild a typed table from the bodies kept by --store-body; no fetch.",
        "The new fields apply to every body a run kept.",
        "In one transaction: the table and its child tables are dropped and made again from every ok result's body; "
                + "readers see the old table until the new one is whole. Run it while no run writes the table."})
final class ExtractCommand implements Callable<Integer> {
    @Mixin
    ExistingDatabase database;

    @Mixin
    TableOptions table;

    @Option(names = "--jq", paramLabel = "EXPR",
            description = "jq expression run on each stored JSON body; every value it emits is a row of --table.")
    String jq;

    @Option(names = "--process-threads", paramLabel = "N",
            description = "Threads extracting the bodies. Default: the number of cores.")
    Integer processThreads;

    @Mixin
    LogOptions log;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final CliContext context;

    ExtractCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws StoreException {
        CommandLine cmd = spec.commandLine();
        TableSpec tableSpec = table.spec(cmd, jq);
        if (tableSpec == null) {
            throw new CommandLine.ParameterException(cmd, "name the table to rebuild with --table NAME, and its fields "
                    + "with --extract or --jq");
        }
        if (processThreads != null && processThreads < 1) {
            throw new CommandLine.ParameterException(cmd, "--process-threads: must be at least 1 (was " + processThreads + ")");
        }
        Logging.configure(log, context.err(), null);
        Tables tables = Extractor.tables(tableSpec);
        int threads = processThreads != null ? processThreads : Runtime.getRuntime().availableProcessors();
        PrintStream out = context.out();
        try (SqlStore store = database.openForWriting()) {
            if (store.storedBodies() == 0) {
                context.err().println("extract: " + Printable.of(store.location()) + " keeps no body of an ok result: "
                        + "a run keeps them with --store-body. Table " + tableSpec.name() + " is left as it is.");
                return ExitCode.FATAL;
            }
            TableRebuild.Outcome done = store.rebuildTable(tables, threads);
            out.printf(Locale.ROOT, "Rebuilt %s from %,d stored bodies%s in %s.%n", tableSpec.name(), done.bodies(),
                    done.unreadable() == 0 ? "" : String.format(Locale.ROOT, " (%,d not readable: see rejects)", done.unreadable()),
                    Printable.of(store.location()));
            TableLines.print(store.tables(), out);
        }
        out.flush();
        return ExitCode.OK;
    }
}
