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

    @CommandLine.Option(names = "--print-job",
            description = "Print this command line as a job file (YAML) and exit; run it with 'sluice run FILE'.")
    boolean printJob;

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
        if (printJob) {
            context.out().print(JobOptions.print(cmd.getParseResult(), inputs, context.err()));
            return ExitCode.OK;
        }
        if (inputs.size() == 1 && JobFile.isJob(inputs.get(0))) {
            return runJob(cmd, java.nio.file.Path.of(inputs.get(0)));
        }
        return new Runner(context, log).run(job(cmd));
    }

    /** The run this command line asks for, every option checked: a bad one is a usage error naming it. */
    Runner.Job job(CommandLine cmd) {
        var config = options.config(cmd, requests.input(cmd));
        var processor = options.processor(cmd);
        String problem = LineSource.problem(inputs);
        if (problem != null) {
            throw new CommandLine.ParameterException(cmd, problem);
        }
        List<String> in = List.copyOf(inputs);
        return new Runner.Job(config, processor, options.table(cmd), options.discovery(cmd), options.db, LineSource.of(in, context.in()),
                () -> LineSource.countLines(in).orElse(-1), !options.noProgress, false, WorkerCommand.DEFAULT_LEASE,
                /* replace= */ false, options.metrics(cmd));
    }

    /**
     * {@code run JOB.yaml}: the job's options, each unless this command line gives it too (the command line wins), and
     * its request as the one input line; checked first, every mistake in the file reported, nothing fetched then.
     */
    private int runJob(CommandLine cmd, java.nio.file.Path file) throws Exception {
        JobOptions job = JobOptions.read(file, context);
        if (!job.ok()) {
            return JobOptions.report(job, context.err());
        }
        List<String> args = new ArrayList<>(job.args(name -> cmd.getParseResult().hasMatchedOption(name)));
        args.addAll(given(cmd.getParseResult()));
        args.addAll(job.inputArgs());
        CliContext withRequest = new CliContext(new java.io.ByteArrayInputStream((job.request() + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)), context.out(), context.err(), context.terminal(),
                context.signals(), context.args());
        RunCommand run = new RunCommand(withRequest);
        CommandLine runCmd = JobOptions.commandLine(run);
        runCmd.parseArgs(args.toArray(String[]::new));
        return new Runner(withRequest, run.log).run(run.job(runCmd));
    }

    /** The options this command line gave, as arguments again. */
    private static List<String> given(CommandLine.ParseResult parsed) {
        List<String> args = new ArrayList<>();
        for (CommandLine.Model.OptionSpec o : parsed.matchedOptions()) {
            if (o.arity().max() == 0) {
                args.add(o.longestName());
            } else {
                for (String v : o.originalStringValues()) {
                    args.add(o.longestName());
                    args.add(v);
                }
            }
        }
        return args;
    }
}
