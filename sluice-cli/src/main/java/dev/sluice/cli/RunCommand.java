package dev.sluice.cli;

import dev.sluice.internal.input.LineSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "run", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Fetch many URLs concurrently, process each body, store every outcome.",
                "Every URL of the inputs ends with one row in --db. Run it again on the same database to continue where it stopped.",
                "With a PostgreSQL --db: loads the inputs into the shared queue and works on it as one worker."})
final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "INPUT", arity = "0..*",
            description = "Files of requests, one per line: a URL, or a JSON request object (see --input-format); '#' comments "
                    + "and blank lines skipped; '-' or none reads standard input.")
    List<String> inputs = new ArrayList<>();

    @Mixin
    RunOptions options;

    @Mixin
    RequestOptions requests;

    @Mixin
    LogOptions log;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    RunCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        var config = options.config(cmd, requests.input(cmd));
        var processor = options.processor(cmd);
        String problem = LineSource.problem(inputs);
        if (problem != null) {
            throw new CommandLine.ParameterException(cmd, problem);
        }
        List<String> in = List.copyOf(inputs);
        return new Runner(context, log).run(new Runner.Job(config, processor, options.table(cmd), options.discovery(cmd), options.db, LineSource.of(in, context.in()),
                () -> LineSource.countLines(in).orElse(-1), !options.noProgress, false, WorkerCommand.DEFAULT_LEASE,
                /* replace= */ false, options.metrics(cmd)));
    }
}
