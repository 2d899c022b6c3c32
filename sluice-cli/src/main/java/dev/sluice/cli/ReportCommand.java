package dev.sluice.cli;

import dev.sluice.Printable;
import dev.sluice.spi.Store;
import dev.sluice.spi.RunReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "report", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Write a self-contained HTML report of a run.",
                "Totals, throughput and in-flight over time, latency, outcomes, hosts, host events, the slowest and failed "
                        + "URLs, the configuration. Opens offline in any browser; works while the run is still going.",
                "Default: the latest run, with the runs that overlapped it (other workers of the job)."})
final class ReportCommand implements Callable<Integer> {
    @Mixin
    ExistingDatabase database;

    @Option(names = "--run", paramLabel = "ID", description = "The run to report (an id of 'sluice status' or table runs).")
    Long run;

    @Option(names = "--all", description = "Every run of the database, and every result in it.")
    boolean all;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "report.html",
            description = "Where to write the report; '-' for standard output. Default: ${DEFAULT-VALUE}.")
    String output;

    @Mixin
    LogOptions log;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    ReportCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        Logging.configure(log, context.err(), null);
        if (all && run != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--run and --all name different runs: give one of them");
        }
        RunReport.Selection which = all ? new RunReport.Selection.All()
                : run != null ? new RunReport.Selection.One(run) : new RunReport.Selection.Latest();
        long started = System.nanoTime();
        String html;
        try (Store store = database.open()) {
            RunReport report = store.report(which);
            html = ReportPage.render(report, store.tables(), store.location(), Instant.now());
        }
        if (output.equals("-")) {
            context.out().print(html);
            context.out().flush();
            return ExitCode.OK;
        }
        try {
            write(Path.of(output), html);
        } catch (IOException e) {
            context.err().println("sluice: cannot write the report to " + Printable.of(output) + ": " + Printable.of(String.valueOf(e.getMessage())));
            return ExitCode.FATAL;
        }
        context.err().printf(Locale.ROOT, "report written to %s (%,d bytes, %.1f s)%n", Printable.of(output),
                html.getBytes(StandardCharsets.UTF_8).length, (System.nanoTime() - started) / 1e9);
        return ExitCode.OK;
    }

    /** Through a file beside it, renamed into place: a browser showing the last report never sees half of the next. */
    private static void write(Path file, String html) throws IOException {
        try (WholeFile whole = new WholeFile(file)) {
            Files.writeString(whole.partial(), html, StandardCharsets.UTF_8);
            whole.commit();
        }
    }
}
