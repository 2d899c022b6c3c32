package dev.sluice.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The schema of a new SQLite file, created by several connections at once (issue 10). */
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
                assertThat(scalar(db, "PRAGMA user_version")).isEqualTo(2);
                assertThat(scalar(db, "SELECT count(*) FROM pragma_table_info('results') WHERE name = 'unchanged'")).isEqualTo(1);
            }
        }
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
