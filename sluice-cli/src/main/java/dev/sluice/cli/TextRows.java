package dev.sluice.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.sluice.TableRow;
import dev.sluice.spi.StoredTable;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;

/**
 * A typed table's rows as JSON lines (one object per row, keyed by column) or CSV (a header, then one line per row),
 * streamed through one Jackson generator. Typed as the catalog says: numbers as numbers (decimals in plain notation,
 * never 1E+3), booleans as true and false, dates as {@code 2026-12-07}, timestamps as ISO-8601 UTC with at least
 * milliseconds ({@code 2026-12-07T10:00:00.000Z}, as SQLite keeps them; PostgreSQL's microseconds when there are
 * some), JSON values as JSON in JSON lines and as their text in CSV; null as null, or an empty CSV field.
 * On the export's thread.
 */
final class TextRows implements TableWriter {
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd'T'HH:mm:ss").appendFraction(ChronoField.NANO_OF_SECOND, 3, 9, true).appendLiteral('Z')
            .toFormatter().withZone(ZoneOffset.UTC);

    private final JsonGenerator out;
    private final List<StoredTable.Column> columns;
    private final boolean csv;

    private TextRows(JsonGenerator out, StoredTable table, boolean csv) {
        this.out = out;
        this.columns = table.columns();
        this.csv = csv;
    }

    static TextRows jsonLines(OutputStream out, StoredTable table) throws IOException {
        JsonGenerator g = generator(new JsonFactory(), out);
        g.setRootValueSeparator(null);
        return new TextRows(g, table, false);
    }

    /** The header is written at once: an empty table's CSV still names its columns. */
    static TextRows csv(OutputStream out, StoredTable table) throws IOException {
        // quoted only where CSV needs it (Jackson quotes any text longer than 24 characters unless told to check)
        JsonGenerator g = generator(new CsvFactory().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING), out);
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(false);
        table.columns().forEach(c -> schema.addColumn(c.name()));
        g.setSchema(schema.build());
        g.writeStartArray();
        for (StoredTable.Column c : table.columns()) {
            g.writeString(c.name());
        }
        g.writeEndArray();
        return new TextRows(g, table, true);
    }

    /** A generator that writes decimals in plain notation and leaves {@code out} open when it is closed. */
    private static JsonGenerator generator(JsonFactory factory, OutputStream out) throws IOException {
        return factory.createGenerator(out).enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN.mappedFeature())
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    @Override
    public void write(Object[] row) throws IOException {
        if (csv) {
            out.writeStartArray();
            for (Object v : row) {
                value(v);
            }
            out.writeEndArray();
            return;
        }
        out.writeStartObject();
        for (int i = 0; i < row.length; i++) {
            out.writeFieldName(columns.get(i).name());
            value(row[i]);
        }
        out.writeEndObject();
        out.writeRaw('\n');
    }

    private void value(Object v) throws IOException {
        switch (v) {
            case null -> out.writeNull();
            case Boolean b -> out.writeBoolean(b);
            case Long l -> out.writeNumber(l);
            case BigDecimal d -> out.writeNumber(d);
            case Double d -> out.writeNumber(d);
            case Instant t -> out.writeString(TIMESTAMP.format(t));
            case TableRow.Json j when csv -> out.writeString(j.text());
            case TableRow.Json j -> out.writeRawValue(j.text());
            default -> out.writeString(v.toString()); // String, LocalDate (2026-12-07)
        }
    }

    /** Flushes what is buffered; the stream under it stays open, for its owner to close. */
    @Override
    public void close() throws IOException {
        out.close();
    }
}
