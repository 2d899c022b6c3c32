package dev.sluice.cli;

import dev.sluice.ColumnType;
import dev.sluice.TableRow;
import dev.sluice.TableSpec;
import dev.sluice.spi.TableSchema;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.sluice.cli.TypedTableDb.child;
import static dev.sluice.cli.TypedTableDb.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code sluice export --table}: a typed table with a column of every type, and its child table, made through the
 * frontier in SQLite and in PostgreSQL, exported as Parquet and read back by DuckDB (rows and types), and as JSON
 * lines and CSV.
 */
class ExportTableTest {
    static final Instant FIRST = Instant.parse("2026-12-07T10:00:00Z");
    static final Instant SECOND = FIRST.plusSeconds(60);
    static final String META = "{\"n\": 1, \"tags\": [\"a\", \"b\"]}"; // as PostgreSQL's jsonb prints it

    @TempDir
    Path dir;

    /** pages with a declared column of each type, and pages__images; amount, score and note are inferred. */
    static TableSchema schema() {
        return new TableSchema(TableSpec.builder("pages").field("title=css:title").build(), List.of(
                column("pages", "flag", ColumnType.BOOL), column("pages", "n", ColumnType.BIGINT),
                new TableSchema.Column("pages", "price", ColumnType.DECIMAL, 10, 2),
                new TableSchema.Column("pages", "big", ColumnType.DECIMAL, 30, 5),
                column("pages", "ratio", ColumnType.DOUBLE), column("pages", "day", ColumnType.DATE),
                column("pages", "seen", ColumnType.TIMESTAMP), column("pages", "title", ColumnType.TEXT),
                column("pages", "meta", ColumnType.JSON), column("pages__images", "src", ColumnType.TEXT)),
                TableSpec.SchemaContract.EVOLVE);
    }

    private static TableSchema.Column column(String table, String name, ColumnType type) {
        return new TableSchema.Column(table, name, type, 0, 0);
    }

    /**
     * Two fetches: the second widens score from bigint to double and note from text to json (SQLite keeps the first
     * fetch's 2 and 'plain' as they were), and has a row with no values.
     */
    static TypedTableDb filled(String kind, Path dir) throws Exception {
        TypedTableDb db = TypedTableDb.of(kind, dir);
        db.store(schema(), FIRST, Map.of("http://a.example/1", List.of(
                row("pages", 0, "flag", true, "n", 42L, "price", new BigDecimal("1299.5"), "big", new BigDecimal("-123456789.12345"),
                        "ratio", 0.25, "day", LocalDate.of(2026, 12, 7), "seen", Instant.parse("2026-12-07T10:00:00.123Z"),
                        "title", "Zoë \"café\"", "meta", new TableRow.Json(META),
                        "amount", new BigDecimal("3.14159265358979"), "score", 2L, "note", "plain"),
                child("pages__images", 0, 0, 0, "src", "a.png", "w", 640L),
                child("pages__images", 1, 0, 1, "src", "b.png"))));
        db.store(schema(), SECOND, Map.of("http://a.example/2", List.of(
                row("pages", 0, "flag", false, "n", -7L, "price", new BigDecimal("-0.01"), "big", new BigDecimal("0.00001"),
                        "ratio", -1.5e300, "day", LocalDate.of(1969, 12, 31), "seen", Instant.parse("1969-12-31T23:59:59.999Z"),
                        "title", "", "meta", new TableRow.Json("[1, 2]"), "score", 2.5, "note", new TableRow.Json("[1, 2]")),
                row("pages", 1, "title", null))));
        return db;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aTypedTableExportsToParquetWithItsTypesAndRows(String kind) throws Exception {
        TypedTableDb db = filled(kind, dir);
        Map<String, String> requests = db.requests();
        Path file = dir.resolve("pages.parquet");

        Cli.Result r = Cli.run("export", "--db", db.db, "--table", "pages", "--format", "parquet", "-o", file.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThatThrownBy(() -> Class.forName("org.apache.hadoop.conf.Configuration"))
                .as("Hadoop is not on the class path, as it is not in sluice.jar").isInstanceOf(ClassNotFoundException.class);
        assertThat(r.err()).matches("exported 3 rows to .*pages\\.parquet \\([0-9,]+ bytes, [0-9.]+ s\\)\\n");
        String from = "FROM read_parquet('" + file + "')";
        assertThat(DuckDb.query("SELECT column_name, column_type FROM (DESCRIBE SELECT * " + from + ")")).containsExactly(
                List.of("_request", "VARCHAR"), List.of("_row", "BIGINT"), List.of("_url", "VARCHAR"),
                List.of("_fetched_at", "TIMESTAMP WITH TIME ZONE"), List.of("flag", "BOOLEAN"), List.of("n", "BIGINT"),
                List.of("price", "DECIMAL(10,2)"), List.of("big", "DECIMAL(30,5)"), List.of("ratio", "DOUBLE"),
                List.of("day", "DATE"), List.of("seen", "TIMESTAMP WITH TIME ZONE"), List.of("title", "VARCHAR"),
                List.of("meta", "JSON"), List.of("amount", "DECIMAL(38,9)"), List.of("score", "DOUBLE"), List.of("note", "JSON"));
        assertThat(DuckDb.query("SELECT name, repetition_type, type FROM parquet_schema('" + file + "') WHERE name IN "
                + "('_request', '_row', '_fetched_at', 'flag', 'price', 'big', 'day', 'seen', 'meta') ORDER BY name")).containsExactly(
                List.of("_fetched_at", "REQUIRED", "INT64"), List.of("_request", "REQUIRED", "BYTE_ARRAY"),
                List.of("_row", "REQUIRED", "INT64"), List.of("big", "OPTIONAL", "FIXED_LEN_BYTE_ARRAY"),
                List.of("day", "OPTIONAL", "INT32"), List.of("flag", "OPTIONAL", "BOOLEAN"), List.of("meta", "OPTIONAL", "BYTE_ARRAY"),
                List.of("price", "OPTIONAL", "INT64"), List.of("seen", "OPTIONAL", "INT64"));

        assertThat(DuckDb.query("SELECT _request, _url, _row, epoch_ms(_fetched_at), flag, n, price, big, ratio, day, epoch_ms(seen), "
                + "title, json(meta), amount, score, json(note) " + from + " ORDER BY _url, _row")).containsExactly(
                Arrays.asList(requests.get("http://a.example/1"), "http://a.example/1", "0", ms(FIRST), "true", "42", "1299.50",
                        "-123456789.12345", "0.25", "2026-12-07", "1796637600123", "Zoë \"café\"", "{\"n\":1,\"tags\":[\"a\",\"b\"]}",
                        "3.141592654", "2", "\"plain\""),
                Arrays.asList(requests.get("http://a.example/2"), "http://a.example/2", "0", ms(SECOND), "false", "-7", "-0.01",
                        "0.00001", "-1.5E300", "1969-12-31", "-1", "", "[1,2]", null, "2.5", "[1,2]"),
                Arrays.asList(requests.get("http://a.example/2"), "http://a.example/2", "1", ms(SECOND), null, null, null, null,
                        null, null, null, null, null, null, null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aChildTableExportsToParquetWithItsParentRowAndIndex(String kind) throws Exception {
        TypedTableDb db = filled(kind, dir);
        Path file = dir.resolve("images.parquet");

        Cli.Result r = Cli.run("export", "--db", db.db, "--table", "pages__images", "--format", "parquet", "-o", file.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(DuckDb.query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('" + file + "'))"))
                .containsExactly(List.of("_request", "VARCHAR"), List.of("_row", "BIGINT"), List.of("_parent_row", "BIGINT"),
                        List.of("_idx", "BIGINT"), List.of("src", "VARCHAR"), List.of("w", "BIGINT"));
        assertThat(DuckDb.query("SELECT name, repetition_type FROM parquet_schema('" + file + "') WHERE name IN ('_parent_row', '_idx', 'src')"))
                .containsExactly(List.of("_parent_row", "REQUIRED"), List.of("_idx", "REQUIRED"), List.of("src", "OPTIONAL"));
        assertThat(DuckDb.query("SELECT _request, _row, _parent_row, _idx, src, w FROM read_parquet('" + file + "') ORDER BY _row"))
                .containsExactly(List.of(db.requests().get("http://a.example/1"), "0", "0", "0", "a.png", "640"),
                        Arrays.asList(db.requests().get("http://a.example/1"), "1", "0", "1", "b.png", null));
    }

    private static String ms(Instant t) {
        return Long.toString(t.toEpochMilli());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void jsonLinesAndCsvAreTypedAsTheCatalogSays(String kind) throws Exception {
        TypedTableDb db = filled(kind, dir);
        String one = db.requests().get("http://a.example/1");
        String two = db.requests().get("http://a.example/2");

        Cli.Result jsonl = Cli.run("export", "--db", db.db, "--table", "pages");
        Cli.Result csv = Cli.run("export", "--db", db.db, "--table", "pages", "--format", "csv");

        assertThat(jsonl.exitCode()).as(jsonl.err()).isZero();
        assertThat(jsonl.out().lines()).containsExactly(
                "{\"_request\":\"" + one + "\",\"_row\":0,\"_url\":\"http://a.example/1\",\"_fetched_at\":\"2026-12-07T10:00:00.000Z\","
                        + "\"flag\":true,\"n\":42,\"price\":1299.50,\"big\":-123456789.12345,\"ratio\":0.25,\"day\":\"2026-12-07\","
                        + "\"seen\":\"2026-12-07T10:00:00.123Z\",\"title\":\"Zoë \\\"café\\\"\",\"meta\":" + META + ","
                        + "\"amount\":3.14159265358979,\"score\":2.0,\"note\":\"plain\"}",
                "{\"_request\":\"" + two + "\",\"_row\":0,\"_url\":\"http://a.example/2\",\"_fetched_at\":\"2026-12-07T10:01:00.000Z\","
                        + "\"flag\":false,\"n\":-7,\"price\":-0.01,\"big\":0.00001,\"ratio\":-1.5E300,\"day\":\"1969-12-31\","
                        + "\"seen\":\"1969-12-31T23:59:59.999Z\",\"title\":\"\",\"meta\":[1, 2],\"amount\":null,\"score\":2.5,\"note\":[1, 2]}",
                "{\"_request\":\"" + two + "\",\"_row\":1,\"_url\":\"http://a.example/2\",\"_fetched_at\":\"2026-12-07T10:01:00.000Z\","
                        + "\"flag\":null,\"n\":null,\"price\":null,\"big\":null,\"ratio\":null,\"day\":null,\"seen\":null,\"title\":null,"
                        + "\"meta\":null,\"amount\":null,\"score\":null,\"note\":null}");
        assertThat(csv.exitCode()).as(csv.err()).isZero();
        assertThat(csv.out().lines()).containsExactly(
                "_request,_row,_url,_fetched_at,flag,n,price,big,ratio,day,seen,title,meta,amount,score,note",
                one + ",0,http://a.example/1,2026-12-07T10:00:00.000Z,true,42,1299.50,-123456789.12345,0.25,2026-12-07,"
                        + "2026-12-07T10:00:00.123Z,\"Zoë \"\"café\"\"\",\"{\"\"n\"\": 1, \"\"tags\"\": [\"\"a\"\", \"\"b\"\"]}\","
                        + "3.14159265358979,2.0,\"\"\"plain\"\"\"",
                two + ",0,http://a.example/2,2026-12-07T10:01:00.000Z,false,-7,-0.01,0.00001,-1.5E300,1969-12-31,"
                        + "1969-12-31T23:59:59.999Z,,\"[1, 2]\",,2.5,\"[1, 2]\"",
                two + ",1,http://a.example/2,2026-12-07T10:01:00.000Z,,,,,,,,,,,,");
    }
}
