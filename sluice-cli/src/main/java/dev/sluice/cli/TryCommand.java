package dev.sluice.cli;

import dev.sluice.InputSource;
import dev.sluice.Printable;
import dev.sluice.TableSpec;
import dev.sluice.internal.store.Dialect;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Fetches one URL through the whole pipeline, as {@code run} would with the same options, into a database of its
 * own in a temporary directory, prints each typed table's DDL and rows and the rejects, and deletes it all: the
 * types, rows and rejects are those a run would store, and nothing is left behind.
 */
@Command(name = "try", sortOptions = false, mixinStandardHelpOptions = true, description = {
        "Fetch one URL; show its typed tables' rows and DDL; store nothing.",
        "The URL goes through the whole pipeline as with run and the same options (retries, --jq, --extract, --rows), "
                + "into a database in a temporary directory that is deleted at the end.",
        "Prints the summary, then each table's CREATE TABLE, its first rows and the rejects."})
final class TryCommand implements Callable<Integer> {
    /** Rows shown per table; the others are counted. */
    static final int ROWS = 10;
    /** Characters shown of a value; a longer one is cut with an ellipsis. */
    static final int WIDTH = 40;

    @Parameters(index = "0", paramLabel = "URL", description = "The URL to fetch (or a JSON request object, as in an input line).")
    String url;

    @Mixin
    RunOptions options;

    @Mixin
    RequestOptions requests;

    @Mixin
    LogOptions log;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    TryCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        if (cmd.getParseResult().hasMatchedOption("--db")) {
            throw new CommandLine.ParameterException(cmd, "try stores nothing: it takes no --db (run does)");
        }
        TableSpec table = options.table(cmd);
        if (table == null) {
            throw new CommandLine.ParameterException(cmd, "try shows the rows of a typed table: give --table NAME, with "
                    + "--extract fields or --jq");
        }
        var config = options.config(cmd, requests.input(cmd));
        Path dir = Files.createTempDirectory("sluice-try-");
        try {
            Path db = dir.resolve("try.db");
            int exit = new Runner(context, log).run(new Runner.Job(config, options.processor(cmd), table,
                    options.discovery(cmd), db.toString(), InputSource.ofLines(List.of(url)), () -> 1, false, false,
                    WorkerCommand.DEFAULT_LEASE, false, options.metrics(cmd)));
            show(db, context.out());
            return exit;
        } finally {
            deleteAll(dir);
        }
    }

    /** Each typed table's DDL and first rows, then the rejects. */
    private static void show(Path db, PrintStream out) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT table_name FROM typed_tables ORDER BY created_at, table_name")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '"
                        + t.replace("'", "''") + "'")) {
                    out.println();
                    out.println(rs.next() ? rs.getString(1) + ";" : "-- " + t + ": no table"); // names Sluice made: plain
                }
                print(st, "SELECT * FROM " + Dialect.quote(t) + " ORDER BY _row", out);
            }
            out.println();
            out.println("rejects:");
            print(st, "SELECT table_name, position, column_name, value, selector, reason FROM rejects ORDER BY table_name, position", out);
        }
        out.flush();
    }

    /** The rows of {@code sql} as an aligned table (the provenance every row of one response shares left out). */
    private static void print(Statement st, String sql, PrintStream out) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<Integer> shown = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                if (!List.of("_request", "_url", "_fetched_at").contains(meta.getColumnName(i))) {
                    shown.add(i);
                }
            }
            List<List<String>> rows = new ArrayList<>();
            rows.add(shown.stream().map(i -> column(meta, i)).toList());
            long total = 0;
            while (rs.next()) {
                if (++total <= ROWS) {
                    List<String> row = new ArrayList<>();
                    for (int i : shown) {
                        row.add(cell(rs.getString(i)));
                    }
                    rows.add(row);
                }
            }
            int[] widths = new int[shown.size()];
            for (List<String> row : rows) {
                for (int i = 0; i < row.size(); i++) {
                    widths[i] = Math.max(widths[i], row.get(i).length());
                }
            }
            for (List<String> row : rows) {
                StringBuilder line = new StringBuilder(" ");
                for (int i = 0; i < row.size(); i++) {
                    line.append(' ').append(String.format(Locale.ROOT, "%-" + widths[i] + "s", row.get(i)));
                }
                out.println(line.toString().stripTrailing());
            }
            if (total == 0) {
                out.println("  (none)");
            } else if (total > ROWS) {
                out.printf(Locale.ROOT, "  … and %,d more rows%n", total - ROWS);
            }
        }
    }

    private static String column(ResultSetMetaData meta, int i) {
        try {
            return meta.getColumnName(i);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A value as one line of at most {@link #WIDTH} characters, terminal-safe; NULL for null. */
    private static String cell(String value) {
        if (value == null) {
            return "NULL";
        }
        String one = Printable.of(value.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ')).toString();
        return one.length() <= WIDTH ? one : one.substring(0, WIDTH - 1) + "…";
    }

    private static void deleteAll(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
