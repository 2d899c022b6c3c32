package dev.sluice.cli;

import dev.sluice.Extraction;
import dev.sluice.Postgres;
import dev.sluice.Request;
import dev.sluice.RequestResult;
import dev.sluice.ResumeMode;
import dev.sluice.Sqlite;
import dev.sluice.TableRow;
import dev.sluice.Validators;
import dev.sluice.internal.input.LineSource;
import dev.sluice.spi.Frontier;
import dev.sluice.spi.InputRequests;
import dev.sluice.spi.Store;
import dev.sluice.spi.TableSchema;
import dev.sluice.testkit.TestPostgres;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database, a SQLite file or a PostgreSQL database, whose typed tables are made as a run makes them: through the
 * frontier ({@link Frontier#storeTables}, then results loaded, claimed and completed with their rows). Its
 * {@link #db} is what {@code --db} takes.
 */
final class TypedTableDb {
    final String db;
    private final boolean postgres;

    private TypedTableDb(String db, boolean postgres) {
        this.db = db;
        this.postgres = postgres;
    }

    /** {@code kind}: sqlite (a file in {@code dir}) or postgres (a new database on the shared test server). */
    static TypedTableDb of(String kind, Path dir) {
        return kind.equals("sqlite") ? new TypedTableDb(dir.resolve("t.db").toString(), false)
                : new TypedTableDb(TestPostgres.shared().newDatabase(), true);
    }

    /** Completes one result per URL, fetched at {@code fetchedAt}, carrying that URL's rows for {@code schema}'s tables. */
    void store(TableSchema schema, Instant fetchedAt, Map<String, List<TableRow>> byUrl) throws Exception {
        try (Postgres pg = postgres ? Postgres.open(db) : null;
             Store store = postgres ? pg.store() : Sqlite.open(Path.of(db));
             Frontier frontier = store.frontier()) {
            frontier.storeTables(schema);
            frontier.load(LineSource.ofLines(List.copyOf(byUrl.keySet())), InputRequests.urls(), ResumeMode.REFETCH,
                    Instant.now(), Duration.ofSeconds(5), invalid -> { }, () -> false);
            assertThat(frontier.claim(byUrl.size())).hasSize(byUrl.size());
            List<RequestResult> results = new ArrayList<>();
            byUrl.forEach((url, rows) -> results.add(new RequestResult(Request.get(url), RequestResult.Status.OK, 200, 1,
                    null, null, 2L, "text/html", "ab", 5, fetchedAt, List.of(), new Extraction(rows, List.of()), null,
                    Validators.NONE, false, List.of())));
            assertThat(frontier.complete(results)).hasSize(byUrl.size());
        }
    }

    /** Each stored URL's request id ({@code results.request}, a typed row's {@code _request}). */
    Map<String, String> requests() throws Exception {
        Map<String, String> ids = new LinkedHashMap<>();
        try (Postgres pg = postgres ? Postgres.open(db) : null;
             Store store = postgres ? pg.store() : Sqlite.openForReading(Path.of(db))) {
            store.scan(null, r -> ids.put(r.url(), r.id()));
        }
        return ids;
    }

    /** A top-level row: {@code values} as name, value, name, value… */
    static TableRow row(String table, int row, Object... values) {
        return new TableRow(table, row, -1, -1, values(values));
    }

    /** A child row, of the parent row {@code parentRow}, at {@code index} in its list. */
    static TableRow child(String table, int row, int parentRow, int index, Object... values) {
        return new TableRow(table, row, parentRow, index, values(values));
    }

    private static Map<String, Object> values(Object... kv) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            values.put((String) kv[i], kv[i + 1]);
        }
        return values;
    }
}
