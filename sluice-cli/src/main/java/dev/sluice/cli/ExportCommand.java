package dev.sluice.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.sluice.RequestResult;
import dev.sluice.spi.Store;
import dev.sluice.internal.store.Timestamps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true, description = {
        "Stream stored results to standard output as JSON lines or CSV.",
        "One row per URL, as table results holds it."})
final class ExportCommand implements Callable<Integer> {
    enum Format { jsonl, csv }

    enum Status { ok, failed }

    /** The columns of {@code results}, in table order. */
    static final String[] COLUMNS = {"request", "method", "url", "status", "http_status", "attempts", "error", "detail", "bytes",
            "content_type", "sha256", "elapsed_ms", "fetched_at", "etag", "last_modified", "unchanged"};

    @Mixin
    ExistingDatabase database;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl", description = "jsonl or csv. Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only rows with this status: ok or failed.")
    Status status;

    @Mixin
    LogOptions log;

    private final CliContext context;

    ExportCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        Logging.configure(log, context.err(), null);
        RequestResult.Status only = status == null ? null : status == Status.ok ? RequestResult.Status.OK : RequestResult.Status.FAILED;
        OutputStream out = new BufferedOutputStream(context.out(), 1 << 16);
        // One value per write: CSV with its header only before the first row, JSON with a newline after each.
        ObjectWriter firstRow = (format == Format.csv ? csvWriter(true) : new ObjectMapper().writer())
                .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        ObjectWriter nextRows = format == Format.csv ? csvWriter(false).without(JsonGenerator.Feature.AUTO_CLOSE_TARGET) : firstRow;
        boolean[] first = {true};
        try (Store store = database.open()) {
            store.scan(only, r -> {
                try {
                    (first[0] ? firstRow : nextRows).writeValue(out, row(r));
                    first[0] = false;
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
        out.flush();
        return ExitCode.OK;
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
