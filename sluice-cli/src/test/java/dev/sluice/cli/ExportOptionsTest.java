package dev.sluice.cli;

import dev.sluice.TableSpec;
import dev.sluice.spi.TableSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.sluice.cli.TypedTableDb.child;
import static dev.sluice.cli.TypedTableDb.row;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice export}'s options around {@code --table}: the usage errors (exit 2, one line and a hint), {@code -o}
 * for every format, what a merged table's child rows carry, and a value Parquet cannot hold.
 */
class ExportOptionsTest {
    @TempDir
    Path dir;

    private TypedTableDb filled() throws Exception {
        return ExportTableTest.filled("sqlite", dir);
    }

    /** The files in {@code dir} but the database's own ({@code t.db}, its lock, its WAL). */
    private List<String> written() throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(name -> !name.startsWith("t.db")).toList();
        }
    }

    @Test
    void anUnknownTableIsAUsageErrorNamingTheTablesThereAre() throws Exception {
        TypedTableDb db = filled();

        Cli.Result r = Cli.run("export", "--db", db.db, "--table", "page", "--format", "csv");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("export: --table: no typed table page in " + db.db + "; its typed tables: pages, pages__images\n"
                + "Try 'sluice export --help'.\n");
    }

    @Test
    void aDatabaseWithoutTypedTablesSaysItHasNone() throws Exception {
        TypedTableDb db = TypedTableDb.of("sqlite", dir);
        db.store(new TableSchema(TableSpec.builder("pages").field("title=css:title").build(), List.of(),
                TableSpec.SchemaContract.EVOLVE), ExportTableTest.FIRST, Map.of("http://a.example/1", List.of()));
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db.db); var st = c.createStatement()) {
            st.execute("DELETE FROM typed_tables"); // as a database that never had any
        }

        Cli.Result r = Cli.run("export", "--db", db.db, "--table", "pages");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).startsWith("export: --table: no typed table pages in " + db.db + "; it has none\n");
    }

    @Test
    void parquetNeedsATableAndAFile() throws Exception {
        TypedTableDb db = filled();

        Cli.Result noTable = Cli.run("export", "--db", db.db, "--format", "parquet", "-o", dir.resolve("r.parquet").toString());
        Cli.Result noFile = Cli.run("export", "--db", db.db, "--table", "pages", "--format", "parquet");
        Cli.Result stdout = Cli.run("export", "--db", db.db, "--table", "pages", "--format", "parquet", "-o", "-");
        Cli.Result status = Cli.run("export", "--db", db.db, "--table", "pages", "--status", "ok");

        assertThat(noTable.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(noTable.err()).startsWith("export: --format parquet exports a typed table: name it with --table "
                + "(results export as jsonl or csv)\n");
        assertThat(noFile.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(noFile.err()).startsWith("export: --format parquet writes a file, not a stream: name it with -o FILE\n");
        assertThat(stdout.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(stdout.err()).isEqualTo(noFile.err());
        assertThat(status.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(status.err()).startsWith("export: --status selects rows of results: it does not go with --table\n");
        assertThat(noTable.out() + noFile.out() + stdout.out() + status.out()).isEmpty();
        assertThat(written()).isEmpty();
    }

    @Test
    void outputGoesToTheFileOfOForResultsAndTablesAlike() throws Exception {
        TypedTableDb db = filled();
        Path results = dir.resolve("results.csv");
        Path pages = dir.resolve("pages.jsonl");
        Files.writeString(pages, "what was there\n");

        Cli.Result toFile = Cli.run("export", "--db", db.db, "--format", "csv", "-o", results.toString());
        Cli.Result toStdout = Cli.run("export", "--db", db.db, "--format", "csv", "-o", "-");
        Cli.Result table = Cli.run("export", "--db", db.db, "--table", "pages", "--output", pages.toString());

        assertThat(toFile.exitCode()).as(toFile.err()).isZero();
        assertThat(toFile.out()).isEmpty();
        assertThat(toFile.err()).startsWith("exported 2 rows to " + results + " (");
        assertThat(Files.readString(results, StandardCharsets.UTF_8)).isEqualTo(toStdout.out()).startsWith("request,method,url");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(Files.readString(pages, StandardCharsets.UTF_8))
                .isEqualTo(Cli.run("export", "--db", db.db, "--table", "pages").out()).hasLineCount(3);
    }

    @Test
    void aMergedTablesChildRowsAreKeyedByTheirRoot() throws Exception {
        TypedTableDb db = TypedTableDb.of("sqlite", dir);
        db.store(new TableSchema(TableSpec.builder("items").field("sku=css:.sku").primaryKey(List.of("sku"))
                        .write(TableSpec.WriteMode.MERGE).build(), List.of(), TableSpec.SchemaContract.EVOLVE),
                ExportTableTest.FIRST, Map.of("http://a.example/1", List.of(row("items", 0, "sku", "A"),
                        child("items__tags", 0, 0, 0, "value", "new"))));

        Cli.Result r = Cli.run("export", "--db", db.db, "--table", "items__tags", "--format", "csv");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines()).containsExactly("_root,_row,_parent_row,_idx,value", "\"\"\"A\"\"\",0,0,0,new");
    }

    @Test
    void aDecimalParquetCannotHoldStopsTheExportAndLeavesNoFile() throws Exception {
        TypedTableDb db = TypedTableDb.of("sqlite", dir);
        db.store(new TableSchema(TableSpec.builder("pages").field("title=css:title").build(), List.of(),
                TableSpec.SchemaContract.EVOLVE), ExportTableTest.FIRST, Map.of("http://a.example/1",
                List.of(row("pages", 0, "amount", new BigDecimal("1e30")))));
        Path file = dir.resolve("pages.parquet");

        Cli.Result r = Cli.run("export", "--db", db.db, "--table", "pages", "--format", "parquet", "-o", file.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.FATAL);
        assertThat(r.err()).matches("sluice: cannot export to .*pages\\.parquet: table pages, column amount, row \\(_request \\w+, "
                + "_row 0\\): 1000000000000000000000000000000 has more digits than Parquet's DECIMAL\\(38,9\\) holds; "
                + "export it as jsonl or csv\\n");
        assertThat(written()).isEmpty();
    }
}
