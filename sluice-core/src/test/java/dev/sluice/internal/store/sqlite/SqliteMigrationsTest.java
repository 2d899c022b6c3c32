package dev.sluice.internal.store.sqlite;

import dev.sluice.Request;
import dev.sluice.ResumeMode;
import dev.sluice.spi.Frontier;
import dev.sluice.spi.InputRequests;
import dev.sluice.internal.input.LineSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The schema of a new SQLite file, created by several connections at once (issue 10), and of an older one. */
class SqliteMigrationsTest {
    private static final int ROUNDS = 20;
    private static final int OPENERS = 4;

    @TempDir
    Path dir;

    /**
     * As when a {@code status} opens the file a starting run has just created: openers that take no lock
     * race to create the schema. Each must find it made once, none "table results already exists".
     */
    @Test
    void openersOfOneNewFileAtOnceFindTheSchemaCreatedOnce() throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(OPENERS)) {
            for (int round = 0; round < ROUNDS; round++) {
                Path db = dir.resolve("round" + round + ".db");
                CyclicBarrier together = new CyclicBarrier(OPENERS);
                List<Future<?>> openers = new ArrayList<>();
                for (int i = 0; i < OPENERS; i++) {
                    openers.add(pool.submit(() -> {
                        together.await();
                        try (SqliteStore store = SqliteStore.openForReading(db)) {
                            return store.counts();
                        }
                    }));
                }
                for (Future<?> opener : openers) {
                    opener.get(60, TimeUnit.SECONDS); // throws what the opener threw
                }
                assertThat(scalar(db, "PRAGMA user_version")).isEqualTo(6);
                assertThat(scalar(db, "SELECT count(*) FROM pragma_table_info('results') WHERE name = 'unchanged'")).isEqualTo(1);
            }
        }
    }

    /** A database of the schema before the frontier (issue 11): its stored URLs are finished in it, and a load skips them. */
    @Test
    void aDatabaseMadeBeforeTheFrontierKeepsItsRowsAndALoadSkipsThem() throws Exception {
        Path db = dir.resolve("old.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            for (String migration : List.of("V1__results.sql", "V2__politeness.sql")) {
                try (var in = SqliteMigrations.class.getResourceAsStream("/db/sqlite/" + migration)) {
                    for (String sql : SqliteMigrations.statements(new String(in.readAllBytes(), StandardCharsets.UTF_8))) {
                        st.execute(sql);
                    }
                }
            }
            st.execute("PRAGMA user_version = 2");
            st.execute("INSERT INTO results (url, status, attempts, elapsed_ms, fetched_at) "
                    + "VALUES ('http://a.example/ok', 'ok', 1, 5, '2026-11-01T00:00:00.000Z')");
            st.execute("INSERT INTO results (url, status, attempts, error, elapsed_ms, fetched_at) "
                    + "VALUES ('http://a.example/failed', 'failed', 1, 'http', 5, '2026-11-01T00:00:00.000Z')");
        }

        try (SqliteStore store = SqliteStore.open(db); SqliteFrontier frontier = store.frontier()) {
            Frontier.Loaded loaded = frontier.load(LineSource.ofLines(List.of("http://a.example/ok", "http://a.example/failed",
                    "http://a.example/new")), InputRequests.urls(), ResumeMode.SKIP_DONE, Instant.now(), Duration.ofSeconds(1), invalid -> { }, () -> false);

            assertThat(loaded.skipped()).isEqualTo(2);
            assertThat(loaded.queued()).isEqualTo(1);
            assertThat(frontier.claim(10)).extracting(c -> c.request().url()).containsExactly("http://a.example/new");
        }
        assertThat(scalar(db, "SELECT count(*) FROM queue WHERE url = 'http://a.example/ok' AND state = 'done'")).isEqualTo(1);
        assertThat(scalar(db, "SELECT count(*) FROM queue WHERE url = 'http://a.example/failed' AND state = 'failed'")).isEqualTo(1);
    }

    /**
     * A database of the frontier's schema keyed by URL (before requests, issue 11): after the migration every table is
     * keyed by the identity of a GET of its URL, records, bodies and lineage kept, and a load skips what was done.
     */
    @Test
    void aDatabaseKeyedByUrlIsKeyedByRequestIdentityAfterTheMigration() throws Exception {
        Path db = dir.resolve("v3.db");
        String list = "http://a.example/list";
        String item = "http://a.example/item/1";
        String left = "http://a.example/item/2";
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            for (String migration : List.of("V1__results.sql", "V2__politeness.sql", "V3__frontier.sql")) {
                try (var in = SqliteMigrations.class.getResourceAsStream("/db/sqlite/" + migration)) {
                    for (String sql : SqliteMigrations.statements(new String(in.readAllBytes(), StandardCharsets.UTF_8))) {
                        st.execute(sql);
                    }
                }
            }
            st.execute("PRAGMA user_version = 3");
            for (String url : List.of(list, item)) {
                st.execute("INSERT INTO results (url, status, attempts, elapsed_ms, fetched_at, etag) "
                        + "VALUES ('" + url + "', 'ok', 1, 5, '2026-11-01T00:00:00.000Z', '\"e1\"')");
            }
            st.execute("INSERT INTO records (url, seq, data) VALUES ('" + list + "', 0, '{\"a\":1}'), ('" + list + "', 1, '{\"a\":2}')");
            st.execute("INSERT INTO bodies (url, body) VALUES ('" + item + "', x'00ff')");
            st.execute("INSERT INTO queue (url, state, enqueued_at, finished_at) VALUES ('" + list + "', 'done', '2026-11-01T00:00:00.000Z', "
                    + "'2026-11-01T00:00:00.000Z')");
            st.execute("INSERT INTO queue (url, state, parent, depth, rule, enqueued_at, finished_at) VALUES ('" + item + "', 'done', '"
                    + list + "', 1, 'follow', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z')");
            st.execute("INSERT INTO queue (url, state, parent, depth, rule, enqueued_at) VALUES ('" + left + "', 'queued', '"
                    + list + "', 1, 'follow', '2026-11-01T00:00:00.000Z')");
        }

        try (SqliteStore store = SqliteStore.open(db); SqliteFrontier frontier = store.frontier()) {
            assertThat(frontier.claim(10)).extracting(c -> c.request().id(), c -> c.lineage().parent(), c -> c.validators().etag())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(Request.get(left).id(), Request.get(list).id(), null));
            Frontier.Loaded loaded = frontier.load(LineSource.ofLines(List.of(list, item)), InputRequests.urls(),
                    ResumeMode.SKIP_DONE, Instant.now(), Duration.ofSeconds(1), invalid -> { }, () -> false);
            assertThat(loaded.skipped()).isEqualTo(2);
        }
        assertThat(scalar(db, "PRAGMA user_version")).isEqualTo(6);
        assertThat(scalar(db, "SELECT count(*) FROM results WHERE request = '" + Request.get(list).id() + "' AND method = 'GET' "
                + "AND url = '" + list + "' AND etag = '\"e1\"'")).isEqualTo(1);
        assertThat(scalar(db, "SELECT count(*) FROM records WHERE request = '" + Request.get(list).id() + "' AND url = '" + list + "'"))
                .isEqualTo(2);
        assertThat(scalar(db, "SELECT count(*) FROM bodies WHERE request = '" + Request.get(item).id() + "' AND body = x'00ff'"))
                .isEqualTo(1);
        assertThat(scalar(db, "SELECT count(*) FROM queue WHERE request = '" + Request.get(item).id() + "' AND parent = '"
                + Request.get(list).id() + "' AND rule = 'follow' AND depth = 1")).isEqualTo(1);
        assertThat(scalar(db, "SELECT count(*) FROM sqlite_temp_master WHERE name = 'request_ids'")).isZero();
    }

    private static long scalar(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
