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
import java.util.function.Function;

/**
 * The {@code sluice} command. Exit codes are mapped here and only here: see {@link ExitCode}.
 * A user mistake gets one line and a hint, never a stack trace.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Concurrent HTTP data pipeline: fetch many URLs at once, process each response, store every result.")
public final class Main implements Runnable {
    /** A command: its class (for the list of commands) and how to make one (to run it). */
    private record Subcommand(Class<?> type, Function<CliContext, Object> make) {
    }

    private static final Map<String, Subcommand> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("run", new Subcommand(RunCommand.class, RunCommand::new));
        COMMANDS.put("demo", new Subcommand(DemoCommand.class, DemoCommand::new));
        COMMANDS.put("enqueue", new Subcommand(EnqueueCommand.class, EnqueueCommand::new));
        COMMANDS.put("worker", new Subcommand(WorkerCommand.class, WorkerCommand::new));
        COMMANDS.put("status", new Subcommand(StatusCommand.class, StatusCommand::new));
        COMMANDS.put("export", new Subcommand(ExportCommand.class, ExportCommand::new));
        COMMANDS.put("training", new Subcommand(TrainingCommand.class, TrainingCommand::new)); // hidden
    }

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
        CommandLine cmd = new CommandLine(new Main());
        // Building a command's model by reflection costs 20-40 ms each: only the command named is built;
        // the others get a spec of their name and description, all that the list of commands shows.
        String named = firstCommand(args);
        COMMANDS.forEach((name, command) -> cmd.addSubcommand(name,
                name.equals(named) ? command.make().apply(context) : listing(command.type())));
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

    /** The first argument that names a command ({@code run …}, {@code help run}), or null. */
    private static String firstCommand(String[] args) {
        for (String a : args) {
            if (COMMANDS.containsKey(a)) {
                return a;
            }
        }
        return null;
    }

    /** A command as the list of commands shows it: its name and description, read from its annotation alone. */
    private static CommandSpec listing(Class<?> type) {
        Command command = type.getAnnotation(Command.class);
        CommandSpec spec = CommandSpec.create().name(command.name());
        spec.usageMessage().description(command.description()).hidden(command.hidden());
        return spec;
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
