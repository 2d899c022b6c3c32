package dev.sluice.internal.extract;

import dev.sluice.ColumnType;
import dev.sluice.Extraction;
import dev.sluice.FetchedBody;
import dev.sluice.InvalidConfigException;
import dev.sluice.Rejected;
import dev.sluice.TableSpec;
import dev.sluice.internal.process.Tables;
import dev.sluice.spi.TableSchema;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A table's extractor: its {@link TableSpec} compiled once ({@link #compile}, on the thread configuring the run), then
 * run on each fetched body ({@link #extract}, on CPU-pool threads, concurrently: it is immutable and thread-safe, all
 * per-response state lives in the call). What it makes: the rows of the table ({@link TableSpec#name()}) and of its
 * child tables ({@code TABLE__NAME}), and the values it rejects, as an {@link Extraction}; the storage types them.
 *
 * <p>The rows: one per response; with {@code --rows css:}/{@code xpath:} one per element it matches, fields relative
 * to it; with {@code --rows jq:} or {@code --jq} one per JSON value, {@code jq:} fields relative to it, and without
 * {@code jq:} fields the value's own keys as columns ({@link JsonColumns}). {@code meta:} and {@code jsonld:} fields
 * are the same for every row of a response. A table reads an HTML page (css, xpath, jsonld) or a JSON body (jq),
 * never both: a spec that mixes them does not compile.
 *
 * <p>Each view of a body is parsed at most once, on first use, whatever the number of fields ({@link Body}).
 */
public final class Extractor {
    private final String table;
    private final Rows rows;
    private final RowMaker maker;
    private final boolean readsHtml;
    /** The first {@code jsonld:} field, whose column a broken JSON-LD block's reject names; null when none. */
    private final Field jsonLd;
    private final List<DeclaredColumn> declared;

    /**
     * A column whose type a field declares: what the storage creates before any row.
     *
     * @param table     the table ({@code pages}) or child table ({@code pages__images}, whose column is {@code value})
     * @param precision for {@code decimal(p,s)}, p; else 0
     * @param scale     for {@code decimal(p,s)}, s; else 0
     * @param required  whether the field is required ({@code !}): rows without it are not made
     */
    public record DeclaredColumn(String table, String column, ColumnType type, int precision, int scale,
                                 boolean required) {
    }

    private Extractor(String table, Rows rows, List<Field> fields, JsonColumns keys) {
        this.table = table;
        this.rows = rows;
        this.maker = new RowMaker(table, fields, keys);
        this.readsHtml = rows.reads() == Source.Reads.HTML
                || fields.stream().anyMatch(f -> f.source().reads() == Source.Reads.HTML);
        this.jsonLd = fields.stream().filter(f -> f.source() instanceof JsonLdSource).findFirst().orElse(null);
        this.declared = declared(table, fields);
    }

    /**
     * Compiles {@code spec}. A field, {@code --rows} or {@code --jq} that does not parse, or that does not go with the
     * others, is an {@link InvalidConfigException} whose setting is {@code extract} (or {@code rows}, {@code jq}),
     * whose value is what was written, and whose rule says what is wrong and where.
     */
    public static Extractor compile(TableSpec spec) {
        Rows rows = Rows.compile(spec.rows(), spec.jq());
        List<Field> fields = new ArrayList<>(spec.fields().size());
        Set<String> names = new HashSet<>();
        for (String text : spec.fields()) {
            try {
                Field f = Field.parse(text);
                check(spec.name(), f, rows, fields, names);
                fields.add(f);
            } catch (BadSpec e) {
                throw InvalidConfigException.of("extract", e.getMessage(), text);
            }
        }
        boolean jqFields = fields.stream().anyMatch(f -> f.source() instanceof JqSource);
        JsonColumns keys = rows.reads() == Source.Reads.JSON && !jqFields
                ? new JsonColumns(spec.name(), spec.maxNesting()) : null;
        return new Extractor(spec.name(), rows, fields, keys);
    }

    /**
     * {@code spec} compiled for a run: the extraction the CPU stage runs, and the schema the frontier stores under (the
     * columns the fields declare; the spec's contract, else freeze when every column is declared and none is inferred
     * from a JSON value's keys, else evolve). Throws as {@link #compile}.
     */
    public static Tables tables(TableSpec spec) {
        Extractor extractor = compile(spec);
        List<TableSchema.Column> declared = extractor.declared.stream()
                .map(d -> new TableSchema.Column(d.table(), d.column(), d.type(), d.precision(), d.scale()))
                .toList();
        boolean allDeclared = !extractor.maker.keysAsColumns() && declared.size() == spec.fields().size();
        TableSpec.SchemaContract contract = spec.schema() != null ? spec.schema()
                : allDeclared ? TableSpec.SchemaContract.FREEZE : TableSpec.SchemaContract.EVOLVE;
        return new Tables(new TableSchema(spec, declared, contract), extractor::extract);
    }

    /** A {@link BadSpec} when field {@code f} does not go with the rows or with the fields before it. */
    private static void check(String table, Field f, Rows rows, List<Field> earlier, Set<String> names) {
        if (!names.add(f.name())) {
            throw new BadSpec("column '" + f.name() + "' is given twice");
        }
        if (f.all() && f.childTable(table).length() > Names.MAX) {
            throw new BadSpec("its child table '" + f.childTable(table) + "' is longer than " + Names.MAX
                    + " characters: give a shorter name");
        }
        Source.Reads reads = f.source().reads();
        if (reads == Source.Reads.ANY) {
            return;
        }
        if (rows.reads() != Source.Reads.ANY && rows.reads() != reads) {
            throw new BadSpec(f.selector() + " reads " + what(reads) + ", but the rows are "
                    + (rows.reads() == Source.Reads.JSON ? "JSON values (--jq, --rows jq:)" : "HTML elements (--rows css:, xpath:)"));
        }
        for (Field e : earlier) {
            Source.Reads other = e.source().reads();
            if (other != Source.Reads.ANY && other != reads) {
                throw new BadSpec(f.selector() + " reads " + what(reads) + ", but " + e.selector() + " (field '"
                        + e.name() + "') reads " + what(other) + ": a table reads one or the other");
            }
        }
    }

    private static String what(Source.Reads reads) {
        return reads == Source.Reads.JSON ? "a JSON body" : "an HTML page";
    }

    private static List<DeclaredColumn> declared(String table, List<Field> fields) {
        List<DeclaredColumn> columns = new ArrayList<>();
        for (Field f : fields) {
            Declared t = f.type();
            if (t != null) {
                columns.add(f.all()
                        ? new DeclaredColumn(f.childTable(table), "value", t.type(), t.precision(), t.scale(), f.required())
                        : new DeclaredColumn(table, f.name(), t.type(), t.precision(), t.scale(), f.required()));
            }
        }
        return List.copyOf(columns);
    }

    /** The table's name. */
    public String table() {
        return table;
    }

    /**
     * The rows and rejects {@code body} yields; {@code fetchedAt} is {@code meta:fetched_at}. Runs on a CPU-pool
     * thread, concurrently for different bodies. Throws (its message for the user) only when the body cannot be read
     * at all for what the spec needs: jq on a body that is not JSON, a {@code --jq} or {@code --rows} that fails on
     * it. Everything else (no match, a value that does not convert, a broken JSON-LD block) is in the extraction's
     * rejects.
     */
    public Extraction extract(FetchedBody body, Instant fetchedAt) throws Exception {
        Body b = new Body(body, fetchedAt, readsHtml);
        Output out = new Output();
        for (RowScope scope : rows.scopes(b)) {
            maker.make(scope, b, out);
        }
        for (Body.BrokenBlock broken : b.brokenJsonLd()) {
            out.reject(new Rejected(table, -1, jsonLd.name(), broken.text(), jsonLd.selector(), broken.reason()));
        }
        return out.extraction();
    }

    /** The columns whose types fields declare, per table (the table, then child tables in field order), in order. */
    public List<DeclaredColumn> declared() {
        return declared;
    }
}
