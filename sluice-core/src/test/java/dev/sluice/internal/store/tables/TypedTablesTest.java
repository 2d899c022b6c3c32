package dev.sluice.internal.store.tables;

import dev.sluice.ColumnType;
import dev.sluice.Extraction;
import dev.sluice.Postgres;
import dev.sluice.Rejected;
import dev.sluice.Request;
import dev.sluice.RequestResult;
import dev.sluice.ResumeMode;
import dev.sluice.Sqlite;
import dev.sluice.TableRow;
import dev.sluice.TableSpec;
import dev.sluice.Validators;
import dev.sluice.spi.Frontier;
import dev.sluice.spi.InputRequests;
import dev.sluice.spi.Store;
import dev.sluice.spi.TableSchema;
import dev.sluice.internal.input.LineSource;
import dev.sluice.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Typed tables as the frontier stores them, in a real SQLite file and a real PostgreSQL database: columns made as
 * they are first seen, types that only widen, what does not fit in {@code rejects}, child tables, a request's rows
 * replaced when it is stored again, and the schema contracts.
 */
class TypedTablesTest {
    @TempDir
    Path dir;
    String pgUrl;

    /** One database of the kind asked, its store and a frontier on it. */
    private final class Db implements AutoCloseable {
        final Store store;
        final Frontier frontier;
        final String kind;
        Postgres pg;

        Db(String kind) throws Exception {
            this.kind = kind;
            if (kind.equals("sqlite")) {
                store = Sqlite.open(dir.resolve("t.db"));
            } else {
                if (pgUrl == null) {
                    pgUrl = TestPostgres.shared().newDatabase();
                }
                pg = Postgres.open(pgUrl);
                store = pg.store();
            }
            frontier = store.frontier();
        }

        Connection connect() throws SQLException {
            return kind.equals("sqlite") ? DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"))
                    : TestPostgres.shared().connect(pgUrl);
        }

        /** The rows of a query, each as its columns' text joined by |. */
        List<String> rows(String sql) throws SQLException {
            List<String> out = new ArrayList<>();
            try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> cols = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        cols.add(String.valueOf(rs.getString(i)));
                    }
                    out.add(String.join("|", cols));
                }
            }
            return out;
        }

        void store(Map<String, Extraction> byUrl) throws Exception {
            store(byUrl, Instant.now());
        }

        /** Queues and claims the URLs, then completes them with these rows, as fetched at {@code fetchedAt}. */
        void store(Map<String, Extraction> byUrl, Instant fetchedAt) throws Exception {
            store(byUrl, fetchedAt, Set.of());
        }

        /** As {@link #store(Map, Instant)}, the results of the URLs {@code prepared} names prepared first, as CPU threads do. */
        void store(Map<String, Extraction> byUrl, Instant fetchedAt, Set<String> prepared) throws Exception {
            frontier.load(LineSource.ofLines(List.copyOf(byUrl.keySet())), InputRequests.urls(), ResumeMode.REFETCH,
                    Instant.now(), Duration.ofSeconds(5), invalid -> { }, () -> false);
            assertThat(frontier.claim(byUrl.size())).hasSize(byUrl.size());
            List<RequestResult> results = new ArrayList<>();
            byUrl.forEach((url, x) -> results.add(ok(url, x, fetchedAt)));
            results.stream().filter(r -> prepared.contains(r.url())).forEach(frontier::prepare);
            assertThat(frontier.complete(results)).hasSize(byUrl.size());
        }

        @Override
        public void close() throws Exception {
            frontier.close();
            store.close();
            if (pg != null) {
                pg.close();
            }
        }
    }

    private static RequestResult ok(String url, Extraction x, Instant fetchedAt) {
        return new RequestResult(Request.get(url), RequestResult.Status.OK, 200, 1, null, null, 2L, "text/html", "ab", 5,
                fetchedAt, List.of(), x, null, Validators.NONE, false, List.of());
    }

    private static TableRow row(String table, int row, Object... kv) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            values.put((String) kv[i], kv[i + 1]);
        }
        return new TableRow(table, row, -1, -1, values);
    }

    private static TableRow child(String table, int row, int parent, int index, Object value) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("value", value);
        return new TableRow(table, row, parent, index, values);
    }

    private static Extraction rows(TableRow... rows) {
        return new Extraction(List.of(rows), List.of());
    }

    private static TableSchema schema(TableSpec.SchemaContract contract, TableSchema.Column... declared) {
        return new TableSchema(TableSpec.builder("pages").field("title=css:title").build(), List.of(declared), contract);
    }

    private static TableSchema merged(TableSchema.Column... declared) {
        return new TableSchema(TableSpec.builder("pages").field("title=css:title").primaryKey(List.of("sku"))
                .write(TableSpec.WriteMode.MERGE).build(), List.of(declared), TableSpec.SchemaContract.EVOLVE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void mergeKeepsTheNewestFetchOfEachKeyWithItsChildRowsWhateverTheOrderOfCommits(String kind) throws Exception {
        try (Db db = new Db(kind)) {
            db.frontier.storeTables(merged());
            Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
            // the newest fetch of sku A commits first, an older one of it later: the newer stays
            db.store(Map.of("http://a.example/new", rows(row("pages", 0, "sku", "A", "title", "new A"),
                    child("pages__images", 0, 0, 0, "new.png"))), t0.plusSeconds(60));
            db.store(Map.of("http://b.example/old", rows(row("pages", 0, "sku", "A", "title", "old A"),
                    child("pages__images", 0, 0, 0, "old1.png"), child("pages__images", 1, 0, 1, "old2.png"),
                    row("pages", 1, "sku", "B", "title", "B"))), t0);
            assertThat(db.rows("SELECT sku, title, _url FROM pages ORDER BY sku"))
                    .containsExactly("A|new A|http://a.example/new", "B|B|http://b.example/old");
            assertThat(db.rows("SELECT _root, value FROM pages__images ORDER BY value")).containsExactly("\"A\"|new.png");

            // a newer fetch of A, from a third page: it replaces the row and its child rows
            db.store(Map.of("http://c.example/newest", rows(row("pages", 0, "sku", "A", "title", "newest A"),
                    child("pages__images", 0, 0, 0, "n1.png"), child("pages__images", 1, 0, 1, "n2.png"))), t0.plusSeconds(120));
            assertThat(db.rows("SELECT sku, title FROM pages ORDER BY sku")).containsExactly("A|newest A", "B|B");
            assertThat(db.rows("SELECT value FROM pages__images ORDER BY value")).containsExactly("n1.png", "n2.png");

            // a row without its key is not merged: it is rejected whole
            db.store(Map.of("http://d.example/nokey", rows(row("pages", 0, "title", "keyless"))), t0.plusSeconds(180));
            assertThat(db.rows("SELECT count(*) FROM pages")).containsExactly("2");
            assertThat(db.rows("SELECT reason FROM rejects")).containsExactly("no value for the primary key (sku): row not stored");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void rowsPreparedOffTheWriterAreStoredAsTheWriterStoresThemThoughTheSchemaChangesMeanwhile(String kind) throws Exception {
        try (Db db = new Db(kind)) {
            db.frontier.storeTables(merged());
            Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
            db.store(Map.of("http://a.example/1", rows(row("pages", 0, "sku", "A", "flag", true),
                    child("pages__tags", 0, 0, 0, "a"))), t0, Set.of("http://a.example/1"));
            // B prepared for flag bool; its batch widens flag to json (C's object): B's false is stored as JSON
            db.store(new java.util.TreeMap<>(Map.of(
                    "http://b.example/1", rows(row("pages", 0, "sku", "B", "flag", false), child("pages__tags", 0, 0, 0, "b")),
                    "http://c.example/1", rows(row("pages", 0, "sku", "C", "flag", new TableRow.Json("{\"x\":1}"))))),
                    t0, Set.of("http://b.example/1", "http://c.example/1"));
            // prepared for the catalog as committed: a newer fetch of A replaces its row and child rows
            db.store(Map.of("http://a.example/2", rows(row("pages", 0, "sku", "A", "flag", true),
                    child("pages__tags", 0, 0, 0, "a1"), child("pages__tags", 1, 0, 1, "a2"))), t0.plusSeconds(1),
                    Set.of("http://a.example/2"));

            if (kind.equals("sqlite")) {
                assertThat(db.rows("SELECT sku, flag, typeof(flag), _url FROM pages ORDER BY sku")).containsExactly(
                        "A|true|text|http://a.example/2", "B|false|text|http://b.example/1", "C|{\"x\":1}|text|http://c.example/1");
            } else {
                assertThat(db.rows("SELECT sku, flag::text, jsonb_typeof(flag), _url FROM pages ORDER BY sku")).containsExactly(
                        "A|true|boolean|http://a.example/2", "B|false|boolean|http://b.example/1",
                        "C|{\"x\": 1}|object|http://c.example/1");
            }
            assertThat(db.rows("SELECT _root, _idx, value FROM pages__tags ORDER BY _root, _idx"))
                    .containsExactly("\"A\"|0|a1", "\"A\"|1|a2", "\"B\"|0|b");
            assertThat(db.rows("SELECT count(*) FROM rejects")).containsExactly("0");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aTableIsWrittenAsItWasMade(String kind) throws Exception {
        try (Db db = new Db(kind)) {
            db.frontier.storeTables(schema(TableSpec.SchemaContract.EVOLVE));
        }
        try (Db db = new Db(kind)) {
            assertThatThrownBy(() -> db.frontier.storeTables(merged()))
                    .hasMessageContaining("table pages was made for --write append, not merge (sku)");
        }
    }

    @ParameterizedTest
    @CsvSource({"sqlite, ALTER TABLE pages DROP COLUMN _root", "postgres, ALTER TABLE pages DROP COLUMN _root",
            "sqlite, ALTER TABLE pages__images ADD COLUMN _request TEXT", "postgres, ALTER TABLE pages__images ADD COLUMN _request TEXT"})
    void aMergedTableInAnEarlierBuildsLayoutIsRefusedSayingHowToMakeItAnew(String kind, String earlierLayout) throws Exception {
        try (Db db = new Db(kind)) {
            db.frontier.storeTables(merged());
            db.store(Map.of("http://a.example/1", rows(row("pages", 0, "sku", "A"), child("pages__images", 0, 0, 0, "a.png"))),
                    Instant.parse("2026-12-01T00:00:00Z"));
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute(earlierLayout); // as an earlier build made merged tables: no _root, or child rows with _request
            }
        }
        try (Db db = new Db(kind)) {
            assertThatThrownBy(() -> db.frontier.storeTables(merged()))
                    .hasMessageContaining("table pages was made by an earlier Sluice, in another layout than merged tables now have")
                    .hasMessageContaining("--write replace");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void columnsAppearAsTheyAreSeenAndTypesOnlyWiden(String kind) throws Exception {
        try (Db db = new Db(kind)) {
            db.frontier.storeTables(schema(TableSpec.SchemaContract.EVOLVE));
            // first batch: all null; then whole numbers; then a fraction; then text where numbers were
            db.store(Map.of("http://a.example/1", rows(row("pages", 0, "title", "One", "price", null))));
            assertThat(db.rows("SELECT column_name, data_type, CASE WHEN declared THEN 1 ELSE 0 END FROM table_columns"
                    + " WHERE table_name = 'pages' ORDER BY position"))
                    .containsExactly("title|text|0");
            db.store(Map.of("http://a.example/2", rows(row("pages", 0, "title", "Two", "price", 2L))));
            db.store(Map.of("http://a.example/3", rows(row("pages", 0, "title", "Three", "price", 3.5))));
            db.store(Map.of("http://a.example/4", rows(row("pages", 0, "title", "Four", "price", "cheap"))));

            assertThat(db.rows("SELECT data_type FROM table_columns WHERE table_name = 'pages' AND column_name = 'price'"))
                    .containsExactly("double");
            assertThat(db.rows("SELECT title, price FROM pages ORDER BY _url"))
                    .containsExactly("One|null", "Two|2", "Three|3.5", "Four|null");
            if (kind.equals("postgres")) { // SQLite's columns hold any value: only its catalog says double
                assertThat(db.rows("SELECT data_type FROM information_schema.columns WHERE table_name = 'pages'"
                        + " AND column_name = 'price'")).containsExactly("double precision");
            }
            assertThat(db.rows("SELECT url, table_name, column_name, value, reason FROM rejects"))
                    .containsExactly("http://a.example/4|pages|price|cheap|a text value in a double column");
            assertThat(db.store.tables()).containsExactly(new Store.TableStats("pages", null, 4, List.of(
                    new Store.ColumnStats("title", "text", false, 4, 0), new Store.ColumnStats("price", "double", false, 2, 1)), 1));
            assertThat(db.rows("SELECT _url, CASE WHEN _fetched_at IS NOT NULL THEN 1 ELSE 0 END FROM pages WHERE title = 'Two'"))
                    .containsExactly("http://a.example/2|1");
        }
    }

    /**
     * Two workers on one PostgreSQL database: one widens a column to json (and adds one) after the other last changed
     * the schema. The other's next rows fit the type it knew, so it needs no change: it still writes them as the
     * column is now (a bigint bound for a jsonb column was refused, every try, and stopped the worker).
     */
    @Test
    void aWorkerWritesAfterAnotherWidenedAColumnAsTheColumnIsNow() throws Exception {
        try (Db a = new Db("postgres"); Db b = new Db("postgres")) {
            a.frontier.storeTables(merged());
            b.frontier.storeTables(merged());
            a.store(Map.of("http://a.example/1", rows(row("pages", 0, "sku", "A", "n", 1L, "price", 1L))));
            b.store(Map.of("http://b.example/1", rows(row("pages", 0, "sku", "B", "n", new TableRow.Json("[1,2]"),
                    "price", 2.5, "colour", "red"))));
            a.store(Map.of("http://a.example/2", rows(row("pages", 0, "sku", "C", "n", 3L, "price", 3L))));

            assertThat(a.rows("SELECT column_name, data_type FROM table_columns ORDER BY position"))
                    .containsExactly("sku|text", "n|json", "price|double", "colour|text");
            assertThat(a.rows("SELECT sku, n::text, price, colour FROM pages ORDER BY sku"))
                    .containsExactly("A|1|1|null", "B|[1, 2]|2.5|red", "C|3|3|null");
            assertThat(a.rows("SELECT count(*) FROM rejects")).containsExactly("0");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void datesRecognisedInTextWidenToTextAndDecimalsKeepTheirDigits(String kind) throws Exception {
        try (Db db = new Db(kind)) {
            db.frontier.storeTables(schema(TableSpec.SchemaContract.EVOLVE,
                    new TableSchema.Column("pages", "cost", ColumnType.DECIMAL, 8, 2)));
            db.store(Map.of("http://a.example/1", rows(row("pages", 0, "title", "x", "day", LocalDate.of(2026, 1, 5),
                    "cost", new BigDecimal("1299.005")))));
            db.store(Map.of("http://a.example/2", rows(row("pages", 0, "title", "y", "day", "soon",
                    "cost", new BigDecimal("123456789")))));

            assertThat(db.rows("SELECT column_name, data_type FROM table_columns WHERE table_name = 'pages' ORDER BY position"))
                    .containsExactly("cost|decimal(8,2)", "title|text", "day|text");
            // SQLite's numeric affinity keeps 1299.00 as the integer 1299: the same number, without its scale
            assertThat(db.rows("SELECT title, day, cost FROM pages ORDER BY _url"))
                    .containsExactly(kind.equals("sqlite") ? "x|2026-01-05|1299" : "x|2026-01-05|1299.00", "y|soon|null");
            assertThat(db.rows("SELECT column_name, value, reason FROM rejects"))
                    .containsExactly("cost|123456789|out of range for decimal(8,2)");
        }
    }

    /** Top-level rows {@code keys} (column sku), row i with a list of {@code sizes[i]} rows in pages__items. */
    private static Extraction withLists(String[] keys, int[] sizes) {
        List<TableRow> rows = new ArrayList<>();
        int childRow = 0;
        for (int p = 0; p < keys.length; p++) {
            rows.add(row("pages", p, "sku", keys[p], "title", "page " + p));
            for (int k = 0; k < sizes[p]; k++) {
                Map<String, Object> values = new LinkedHashMap<>();
                values.put("n", (long) (p * 1000 + k));
                values.put("s", k % 7 == 3 ? null : keys[p] + k);
                rows.add(new TableRow("pages__items", childRow++, p, k, values));
            }
        }
        return new Extraction(rows, List.of());
    }

    /** What {@code SELECT _parent_row, _idx, n, s FROM pages__items} holds for {@link #withLists}'s rows. */
    private static List<String> listRows(String[] keys, int[] sizes, int parentRowOfFirst) {
        List<String> out = new ArrayList<>();
        for (int p = 0; p < keys.length; p++) {
            for (int k = 0; k < sizes[p]; k++) {
                out.add((p + parentRowOfFirst) + "|" + k + "|" + (p * 1000 + k) + "|" + (k % 7 == 3 ? "null" : keys[p] + k));
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void longListsAreStoredRowForRowWithTheirNulls(String kind) throws Exception {
        // lists of several lengths (an empty one among them), several in one result
        String[] keys = {"A", "B", "C", "D"};
        int[] sizes = {37, 5, 16, 0};
        try (Db db = new Db(kind)) {
            db.frontier.storeTables(schema(TableSpec.SchemaContract.EVOLVE));
            db.store(Map.of("http://a.example/1", withLists(keys, sizes)));
            assertThat(db.rows("SELECT _parent_row, _idx, n, s FROM pages__items ORDER BY _parent_row, _idx"))
                    .containsExactlyElementsOf(listRows(keys, sizes, 0));
            assertThat(db.rows("SELECT count(*) FROM pages__items i JOIN pages p ON p._request = i._request"
                    + " AND p._row = i._parent_row AND p.sku = substr(i.s, 1, 1)")).containsExactly("50");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void mergedLongListsAreReplacedWholeByTheNewestFetch(String kind) throws Exception {
        try (Db db = new Db(kind)) {
            db.frontier.storeTables(merged());
            Instant then = Instant.parse("2026-12-01T00:00:00Z");
            db.store(Map.of("http://a.example/a", withLists(new String[] {"A"}, new int[] {40}),
                    "http://a.example/b", withLists(new String[] {"B"}, new int[] {33})), then);
            db.store(Map.of("http://a.example/a2", withLists(new String[] {"A"}, new int[] {18})), then.plusSeconds(60));
            List<String> want = new ArrayList<>(listRows(new String[] {"A"}, new int[] {18}, 0));
            want.addAll(listRows(new String[] {"B"}, new int[] {33}, 0));
            assertThat(db.rows("SELECT _parent_row, _idx, n, s FROM pages__items ORDER BY _root, _idx"))
                    .containsExactlyElementsOf(want);
            assertThat(db.rows("SELECT _root, count(*) FROM pages__items GROUP BY _root ORDER BY _root"))
                    .containsExactly("\"A\"|18", "\"B\"|33");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void listsGoToChildTablesAndARequestStoredAgainReplacesItsRowsAndRejects(String kind) throws Exception {
        try (Db db = new Db(kind)) {
            db.frontier.storeTables(schema(TableSpec.SchemaContract.EVOLVE));
            String url = "http://a.example/p";
            Extraction first = new Extraction(List.of(row("pages", 0, "title", "P"),
                    child("pages__images", 0, 0, 0, "a.png"), child("pages__images", 1, 0, 1, "b.png")),
                    List.of(new Rejected("pages", 0, "sku", null, "jsonld:.sku", "required, but missing")));
            db.store(Map.of(url, first));
            assertThat(db.rows("SELECT table_name, parent_table FROM typed_tables ORDER BY table_name"))
                    .containsExactly("pages|null", "pages__images|pages");
            assertThat(db.rows("SELECT p.title, i._idx, i.value FROM pages p JOIN pages__images i"
                    + " ON i._request = p._request AND i._parent_row = p._row ORDER BY i._idx"))
                    .containsExactly("P|0|a.png", "P|1|b.png");

            db.store(Map.of(url, rows(row("pages", 0, "title", "P2"), child("pages__images", 0, 0, 0, "c.png"))));

            assertThat(db.rows("SELECT title FROM pages")).containsExactly("P2");
            assertThat(db.rows("SELECT _idx, value FROM pages__images")).containsExactly("0|c.png");
            assertThat(db.rows("SELECT count(*) FROM rejects")).containsExactly("0");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aFrozenSchemaRejectsARowWithANewColumnWholeAndItsChildRows(String kind) throws Exception {
        try (Db db = new Db(kind)) {
            db.frontier.storeTables(schema(TableSpec.SchemaContract.FREEZE,
                    new TableSchema.Column("pages", "title", ColumnType.TEXT, 0, 0),
                    new TableSchema.Column("pages__images", "value", ColumnType.TEXT, 0, 0)));
            db.store(Map.of(
                    "http://a.example/1", rows(row("pages", 0, "title", "ok"), child("pages__images", 0, 0, 0, "a.png")),
                    "http://a.example/2", rows(row("pages", 0, "title", "new", "colour", "red"),
                            child("pages__images", 0, 0, 0, "b.png"))));

            assertThat(db.rows("SELECT title FROM pages")).containsExactly("ok");
            assertThat(db.rows("SELECT value FROM pages__images")).containsExactly("a.png");
            assertThat(db.rows("SELECT url, column_name, value, reason FROM rejects")).containsExactly(
                    "http://a.example/2|null|{\"title\":\"new\",\"colour\":\"red\"}|colour: no column colour in pages (schema freeze): row not stored");
            assertThat(db.rows("SELECT count(*) FROM table_columns WHERE column_name = 'colour'")).containsExactly("0");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void discardValueKeepsTheRowWithoutTheValue(String kind) throws Exception {
        try (Db db = new Db(kind)) {
            db.frontier.storeTables(schema(TableSpec.SchemaContract.DISCARD_VALUE,
                    new TableSchema.Column("pages", "n", ColumnType.BIGINT, 0, 0)));
            db.store(Map.of("http://a.example/1", rows(row("pages", 0, "n", 1.5, "order", "x"))));

            assertThat(db.rows("SELECT n FROM pages")).containsExactly("null");
            assertThat(db.rows("SELECT column_name, value, reason FROM rejects ORDER BY column_name")).containsExactly(
                    "n|1.5|a double value in a bigint column", "order|x|no column order in pages (schema discard-value)");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aDeclaredTypeThatDiffersFromTheStoredOneIsRefusedSayingBoth(String kind) throws Exception {
        try (Db db = new Db(kind)) {
            db.frontier.storeTables(schema(TableSpec.SchemaContract.FREEZE, new TableSchema.Column("pages", "n", ColumnType.BIGINT, 0, 0)));
        }
        try (Db db = new Db(kind)) {
            assertThatThrownBy(() -> db.frontier.storeTables(schema(TableSpec.SchemaContract.FREEZE,
                    new TableSchema.Column("pages", "n", ColumnType.TEXT, 0, 0))))
                    .hasMessageContaining("pages.n is stored as bigint, not text as declared");
        }
    }
}
