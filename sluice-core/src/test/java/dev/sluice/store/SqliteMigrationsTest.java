package dev.sluice.store;

import dev.sluice.ResumeMode;
import dev.sluice.WorkQueue;
import dev.sluice.input.LineSource;
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
                assertThat(scalar(db, "PRAGMA user_version")).isEqualTo(3);
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
            WorkQueue.Loaded loaded = frontier.load(LineSource.ofLines(List.of("http://a.example/ok", "http://a.example/failed",
                    "http://a.example/new")), ResumeMode.SKIP_DONE, Instant.now(), Duration.ofSeconds(1), invalid -> { }, () -> false);

            assertThat(loaded.skipped()).isEqualTo(2);
            assertThat(loaded.queued()).isEqualTo(1);
            assertThat(frontier.claim(10)).extracting(WorkQueue.Claim::url).containsExactly("http://a.example/new");
        }
        assertThat(scalar(db, "SELECT count(*) FROM queue WHERE url = 'http://a.example/ok' AND state = 'done'")).isEqualTo(1);
        assertThat(scalar(db, "SELECT count(*) FROM queue WHERE url = 'http://a.example/failed' AND state = 'failed'")).isEqualTo(1);
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
