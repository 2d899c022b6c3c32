package dev.sluice.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.sluice.Printable;
import dev.sluice.RequestResult;
import dev.sluice.StoreException;
import dev.sluice.spi.Store;
import dev.sluice.spi.StoredTable;
import dev.sluice.internal.store.Timestamps;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code sluice export}: the {@code results} table as JSON lines or CSV, or one typed table ({@code --table}) as JSON
 * lines, CSV or Parquet; to standard output, or to the file {@code -o} names, which takes its place only once whole.
 * Rows are streamed from the database to the output, any number of them in bounded memory. On the command's thread.
 */
@Command(name = "export", sortOptions = false, mixinStandardHelpOptions = true, description = {
        "Stream stored results or a typed table as jsonl, csv or parquet.",
        "Without --table: one row per URL, as table results holds it (jsonl or csv).",
        "With --table NAME: the rows of that typed table or child table (e.g. pages__images), typed as its catalog says, "
                + "its provenance columns (_request, _row, _url, _fetched_at; a child's _parent_row, _idx; merged, _root) first.",
        "Parquet is written to a file: give -o FILE."})
final class ExportCommand implements Callable<Integer> {
    enum Format { jsonl, csv, parquet }

    enum Status { ok, failed }

    /** The columns of {@code results}, in table order. */
    static final String[] COLUMNS = {"request", "method", "url", "status", "http_status", "attempts", "error", "detail", "bytes",
            "content_type", "sha256", "elapsed_ms", "fetched_at", "etag", "last_modified", "unchanged"};

    /** Bytes buffered between the rows and the output. */
    private static final int BUFFER = 1 << 16;

    @Mixin
    ExistingDatabase database;

    @Option(names = "--table", paramLabel = "NAME",
            description = "Export this typed table (top-level or child, e.g. pages__images) instead of results.")
    String table;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl",
            description = "jsonl, csv or parquet (parquet: a typed table, to a file). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only results rows with this status: ok or failed.")
    Status status;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write to FILE, in place once whole, instead of standard output ('-').")
    String output;

    @Mixin
    LogOptions log;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    ExportCommand(CliContext context) {
        this.context = context;
    }

    /** What an export writes to its target (a stream, or a file): the rows written. */
    @FunctionalInterface
    private interface Export<T> {
        long to(T target) throws IOException, StoreException;
    }

    @Override
    public Integer call() throws Exception {
        Logging.configure(log, context.err(), null);
        checkOptions();
        try (Store store = database.open()) {
            if (table == null) {
                return toStream(out -> results(store, out));
            }
            StoredTable typed = typedTable(store);
            if (format == Format.parquet) {
                return toFile(file -> rows(store, typed, ParquetRows.create(file, typed)));
            }
            return toStream(out -> rows(store, typed, format == Format.csv ? TextRows.csv(out, typed) : TextRows.jsonLines(out, typed)));
        }
    }

    /** The usage errors the options make by themselves, before the database is opened. */
    private void checkOptions() {
        if (table != null && status != null) {
            throw usage("--status selects rows of results: it does not go with --table");
        }
        if (format == Format.parquet && table == null) {
            throw usage("--format parquet exports a typed table: name it with --table (results export as jsonl or csv)");
        }
        if (format == Format.parquet && toStandardOutput()) {
            throw usage("--format parquet writes a file, not a stream: name it with -o FILE");
        }
    }

    /** The table {@code --table} names, or a usage error naming those there are. */
    private StoredTable typedTable(Store store) throws StoreException {
        Optional<StoredTable> found = store.table(table);
        if (found.isPresent()) {
            return found.get();
        }
        List<String> names = store.tables().stream().map(Store.TableStats::table).toList();
        throw usage("--table: no typed table " + table + " in " + store.location() + (names.isEmpty()
                ? "; it has none" : "; its typed tables: " + String.join(", ", names)));
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private boolean toStandardOutput() {
        return output == null || output.equals("-");
    }

    /** To standard output, or through a buffered stream to the file of {@code -o}. */
    private int toStream(Export<OutputStream> export) throws IOException, StoreException {
        if (toStandardOutput()) {
            OutputStream out = new BufferedOutputStream(context.out(), BUFFER);
            export.to(out);
            out.flush();
            return ExitCode.OK;
        }
        return toFile(file -> {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), BUFFER)) {
                return export.to(out);
            }
        });
    }

    /**
     * To the file of {@code -o}, written beside it and moved into place once whole ({@link WholeFile}); one line on
     * stderr says what was written, or why it could not be.
     */
    private int toFile(Export<Path> export) throws StoreException {
        long started = System.nanoTime();
        Path file = Path.of(output);
        try (WholeFile whole = new WholeFile(file)) {
            long rows = export.to(whole.partial());
            whole.commit();
            context.err().printf(Locale.ROOT, "exported %,d rows to %s (%,d bytes, %.1f s)%n", rows, Printable.of(output),
                    Files.size(file), (System.nanoTime() - started) / 1e9);
            return ExitCode.OK;
        } catch (IOException e) {
            context.err().println("sluice: cannot export to " + Printable.of(output) + ": " + Printable.of(String.valueOf(e.getMessage())));
            return ExitCode.FATAL;
        }
    }

    /** The typed table's rows through {@code writer}, which is closed after the last; returns how many. */
    private static long rows(Store store, StoredTable table, TableWriter writer) throws IOException, StoreException {
        long[] rows = {0};
        try (writer) {
            store.scanTable(table, row -> {
                try {
                    writer.write(row);
                    rows[0]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return rows[0];
    }

    /** The rows of {@code results} (those of {@code --status}) as JSON lines or CSV; returns how many. */
    private long results(Store store, OutputStream out) throws IOException, StoreException {
        RequestResult.Status only = status == null ? null : status == Status.ok ? RequestResult.Status.OK : RequestResult.Status.FAILED;
        // One value per write: CSV with its header only before the first row, JSON with a newline after each.
        ObjectWriter firstRow = (format == Format.csv ? csvWriter(true) : new ObjectMapper().writer())
                .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        ObjectWriter nextRows = format == Format.csv ? csvWriter(false).without(JsonGenerator.Feature.AUTO_CLOSE_TARGET) : firstRow;
        long[] rows = {0};
        try {
            store.scan(only, r -> {
                try {
                    (rows[0] == 0 ? firstRow : nextRows).writeValue(out, row(r));
                    rows[0]++;
                    if (format == Format.jsonl) {
                        out.write('\n');
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return rows[0];
    }

    private static ObjectWriter csvWriter(boolean header) {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(header);
        for (String c : COLUMNS) {
            schema.addColumn(c);
        }
        return new CsvMapper().writer(schema.build());
    }

    private static Map<String, Object> row(RequestResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request", r.id());
        m.put("method", r.request().method());
        m.put("url", r.url());
        m.put("status", r.status().code());
        m.put("http_status", r.httpStatus());
        m.put("attempts", r.attempts());
        m.put("error", r.error() == null ? null : r.error().code());
        m.put("detail", r.detail());
        m.put("bytes", r.bytes());
        m.put("content_type", r.contentType());
        m.put("sha256", r.sha256());
        m.put("elapsed_ms", r.elapsedMs());
        m.put("fetched_at", Timestamps.format(r.fetchedAt()));
        m.put("etag", r.validators().etag());
        m.put("last_modified", r.validators().lastModified());
        m.put("unchanged", r.unchanged() ? 1 : 0);
        return m;
    }
}
