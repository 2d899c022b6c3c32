package dev.sluice.cli;

import dev.sluice.Printable;
import dev.sluice.StoreException;
import dev.sluice.internal.store.sqlite.DatabaseInUseException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code sluice} command. Exit codes are mapped here and only here: see {@link ExitCode}.
 * A user mistake gets one line and a hint, never a stack trace.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Concurrent HTTP data pipeline: fetch many URLs at once, process each response, store every result.")
public final class Main implements Runnable {
    /** The commands by name, in the order the help lists them. */
    static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("run", RunCommand.class);
        COMMANDS.put("check", CheckCommand.class);
        COMMANDS.put("demo", DemoCommand.class);
        COMMANDS.put("enqueue", EnqueueCommand.class);
        COMMANDS.put("worker", WorkerCommand.class);
        COMMANDS.put("status", StatusCommand.class);
        COMMANDS.put("export", ExportCommand.class);
        COMMANDS.put("try", TryCommand.class);
        COMMANDS.put("extract", ExtractCommand.class);
        COMMANDS.put("report", ReportCommand.class);
        COMMANDS.put("training", TrainingCommand.class); // hidden
    }

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: run, check, demo, enqueue, worker, status, export, try, extract or report");
    }

    public static void main(String[] args) {
        Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
        System.exit(execute(args, System.in, System.out, System.err, StatusLine.stderrIsTerminal(), true));
    }

    /**
     * A thread ended by what nothing caught. Running out of heap outside the processing of a body (which fails
     * that body's URL) leaves the pipeline without one of its threads, and the run could wait for it for ever:
     * the process ends at once instead, with one line (committed rows are safe: each batch is one transaction).
     */
    private static void uncaught(Thread thread, Throwable e) {
        if (e instanceof OutOfMemoryError) {
            System.err.println("sluice: out of memory in " + thread.getName() + " (the heap is "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB; SLUICE_HEAP sets it); rows committed so far are kept");
            Runtime.getRuntime().halt(ExitCode.FATAL);
        }
        System.err.print("Exception in thread \"" + thread.getName() + "\" ");
        e.printStackTrace();
    }

    /** Runs one command; returns its exit code. In-process callers (tests) pass {@code realProcess = false}. */
    public static int execute(String[] args, InputStream in, PrintStream out, PrintStream err, boolean terminal,
                              boolean realProcess) {
        CliContext context = new CliContext(in, out, err, terminal, realProcess, java.util.List.of(args));
        CommandLine cmd = new CommandLine(new Main());
        // Building a command's model by reflection costs 20-40 ms each: only the command named is built;
        // the others get a spec of their name and description, all that the list of commands shows.
        String named = firstCommand(args);
        COMMANDS.forEach((name, type) -> cmd.addSubcommand(name, name.equals(named) ? create(name, context) : listing(type)));
        cmd.addSubcommand(new CommandLine.HelpCommand());
        cmd.setExpandAtFiles(false); // --data @FILE means the file's bytes, as in curl, not picocli's argument file
        cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cmd.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cmd.setParameterExceptionHandler((e, a) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println(c.getCommandName() + ": " + Printable.escaped(e.getMessage()));
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return ExitCode.USAGE;
        });
        cmd.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof DatabaseInUseException inUse) {
                c.getErr().println("sluice: " + Printable.escaped(inUse.getMessage()) + "; wait for it to end, or, for many "
                        + "workers on one database, use PostgreSQL: --db postgresql://user@host:port/db");
                return ExitCode.USAGE; // nothing was done: the command works as it is once the other one ends
            }
            c.getErr().println("sluice: " + Printable.escaped(fatalMessage(e)));
            if (!(e instanceof StoreException || e instanceof IOException)) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                c.getErr().print(Printable.escapedLines(trace.toString())); // a bug of ours: keep the trace
            }
            return ExitCode.FATAL;
        });
        return cmd.execute(args);
    }

    /** A command to run (a switch: each constructor reference in a table would be bootstrapped at start). */
    private static Object create(String name, CliContext context) {
        return switch (name) {
            case "run" -> new RunCommand(context);
            case "check" -> new CheckCommand(context);
            case "demo" -> new DemoCommand(context);
            case "enqueue" -> new EnqueueCommand(context);
            case "worker" -> new WorkerCommand(context);
            case "status" -> new StatusCommand(context);
            case "export" -> new ExportCommand(context);
            case "try" -> new TryCommand(context);
            case "extract" -> new ExtractCommand(context);
            case "report" -> new ReportCommand(context);
            case "training" -> new TrainingCommand(context);
            default -> throw new IllegalArgumentException(name);
        };
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
        if (e instanceof MetricsEndpoint.CannotServe) {
            return e.getMessage();
        }
        if (e instanceof IOException) {
            return "cannot read the input: " + e.getMessage();
        }
        return "internal error: " + e;
    }
}
