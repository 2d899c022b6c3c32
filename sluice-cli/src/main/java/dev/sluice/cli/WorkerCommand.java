package dev.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "worker", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Work on the shared queue of a PostgreSQL --db until it is drained.",
                "Claims URLs under a lease, fetches, processes and stores them; with --wait, keeps waiting for more until "
                        + "stopped. Start as many as you like, on any machine."})
final class WorkerCommand implements Callable<Integer> {
    static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

    @Option(names = "--wait", description = "Keep waiting for new URLs when the queue is drained; stop with SIGINT/SIGTERM.")
    boolean keepWaiting;

    @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "30s", converter = Units.DurationConverter.class,
            description = "How long this worker's claims stay its own without a heartbeat (renewed every third of it): "
                    + "if the worker dies, other workers take its URLs over after this long. Default: ${DEFAULT-VALUE}.")
    Duration lease;

    @Mixin
    RunOptions options;

    @Mixin
    LogOptions log;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    WorkerCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        DbOutage.requirePostgres(cmd, options.db, "the queue workers share");
        if (options.retryFailed || options.refetch) {
            throw new CommandLine.ParameterException(cmd, (options.refetch ? "--refetch" : "--retry-failed")
                    + " chooses what is queued again: give it to 'sluice enqueue' (or 'sluice run')");
        }
        if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new CommandLine.ParameterException(cmd, "--lease: must be at least 1s (was " + lease.toMillis() + "ms)");
        }
        var config = options.config(cmd);
        var processor = options.processor(cmd);
        dev.sluice.TableSpec table = options.table(cmd);
        if (table != null && table.write() == dev.sluice.TableSpec.WriteMode.REPLACE) {
            throw new CommandLine.ParameterException(cmd, "--write replace is for run, which fetches every request of its "
                    + "input again; workers work on what enqueue queued (append or merge)");
        }
        return new Runner(context, log).run(new Runner.Job(config, processor, table, options.discovery(cmd), options.db, null, () -> -1,
                !options.noProgress, keepWaiting, lease, /* replace= */ false, options.metrics(cmd)));
    }
}
