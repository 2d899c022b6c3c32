package dev.sluice.cli;

import dev.sluice.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code sluice} command. Exit codes are mapped here and only here: see {@link ExitCode}.
 * A user mistake gets one line and a hint, never a stack trace.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Concurrent HTTP data pipeline: fetch many URLs at once, process each response, store every result.")
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: run, demo, enqueue, worker, status or export");
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.in, System.out, System.err, StatusLine.stderrIsTerminal(), true));
    }

    /** Runs one command; returns its exit code. In-process callers (tests) pass {@code realProcess = false}. */
    public static int execute(String[] args, InputStream in, PrintStream out, PrintStream err, boolean terminal,
                              boolean realProcess) {
        CliContext context = new CliContext(in, out, err, terminal, realProcess);
        // Building a command's model by reflection costs 20-40 ms each: build only the one asked for,
        // or all of them when none is named (help, usage errors).
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("run", () -> new RunCommand(context));
        commands.put("demo", () -> new DemoCommand(context));
        commands.put("enqueue", () -> new EnqueueCommand(context));
        commands.put("worker", () -> new WorkerCommand(context));
        commands.put("status", () -> new StatusCommand(context));
        commands.put("export", () -> new ExportCommand(context));
        CommandLine cmd = new CommandLine(new Main());
        String named = args.length > 0 ? args[0] : "";
        if (commands.containsKey(named)) {
            cmd.addSubcommand(named, commands.get(named).get());
        } else {
            commands.forEach((name, command) -> cmd.addSubcommand(name, command.get()));
        }
        cmd.addSubcommand(new CommandLine.HelpCommand());
        cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cmd.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cmd.setParameterExceptionHandler((e, a) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println(c.getCommandName() + ": " + e.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return ExitCode.USAGE;
        });
        cmd.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("sluice: " + fatalMessage(e));
            if (!(e instanceof StoreException || e instanceof IOException)) {
                e.printStackTrace(c.getErr()); // a bug of ours: keep the trace
            }
            return ExitCode.FATAL;
        });
        return cmd.execute(args);
    }

    private static String fatalMessage(Exception e) {
        if (e instanceof StoreException) {
            return e.getMessage();
        }
        if (e instanceof IOException) {
            return "cannot read the input: " + e.getMessage();
        }
        return "internal error: " + e;
    }
}
