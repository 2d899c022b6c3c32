package dev.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sluice check JOB}: a job file checked offline, before any request: every mistake in it as
 * {@code file:line:column: message}, exit 2; else the plan: its resource's request, the {@code run} it is, its table.
 * On the command's thread; it opens no database and fetches nothing.
 */
@Command(name = "check", sortOptions = false, mixinStandardHelpOptions = true, description = {
        "Check a job file offline: every mistake at once, then the plan.",
        "Each mistake is shown as FILE:LINE:COLUMN: message (exit 2). Nothing is fetched and no database is opened.",
        "A job file is YAML or JSON: 'sluice: 1', a store, limits and one resource (request, paginate, records, table)."})
final class CheckCommand implements Callable<Integer> {
    @Parameters(paramLabel = "JOB", description = "The job file (.yaml, .yml or .json).")
    Path job;

    private final CliContext context;

    CheckCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(job)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "cannot read the job file " + job + ": no such file");
        }
        JobOptions parsed = JobOptions.read(job, context);
        if (!parsed.ok()) {
            return JobOptions.report(parsed, context.err());
        }
        List<String> options = parsed.args(name -> false);
        List<String> args = new ArrayList<>(options);
        args.addAll(parsed.inputArgs());
        RunCommand run = new RunCommand(context);
        CommandLine runCmd = JobOptions.commandLine(run);
        try {
            runCmd.parseArgs(args.toArray(String[]::new));
            run.job(runCmd); // the options together, as run checks them
        } catch (CommandLine.ParameterException e) {
            context.err().println(dev.sluice.Printable.escaped(job + ": " + e.getMessage()));
            context.err().println("1 mistake in " + job + "; nothing was fetched");
            return ExitCode.USAGE;
        }
        PrintStream out = context.out();
        out.println(job + ": ok" + (parsed.name() == null ? "" : ", job " + parsed.name()));
        out.println("  resource  " + parsed.resource());
        if (parsed.inputs().isEmpty()) {
            out.println("  request   " + parsed.shownRequest());
            out.println("  runs as   " + dev.sluice.Secrets.commandLine("sluice run", options) + " (the request as its input)");
        } else {
            out.println("  runs as   " + dev.sluice.Secrets.commandLine("sluice run", args));
        }
        return ExitCode.OK;
    }
}
