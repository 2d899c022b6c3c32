package dev.sluice;

import dev.sluice.spi.Store;
import dev.sluice.internal.input.LineSource;
import dev.sluice.internal.store.sqlite.SqliteStore;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs the library pipeline into a fresh SQLite file and reads the rows back with plain JDBC. */
final class Harness {
    private final Path db;

    Harness(Path dir) {
        this.db = dir.resolve("results.db");
    }

    Path db() {
        return db;
    }

    RunSummary run(Sluice.Builder builder, List<String> lines) throws Exception {
        try (Sluice sluice = builder.build(); Store store = SqliteStore.open(db)) {
            return sluice.run(store, LineSource.ofLines(lines));
        }
    }

    RunSummary run(SluiceConfig config, Processor processor, List<String> lines) throws Exception {
        return run(Sluice.builder().config(config).processor(processor), lines);
    }

    RunSummary run(SluiceConfig config, List<String> lines) throws Exception {
        return run(config, Processor.NONE, lines);
    }

    /** An input whose every read fails with {@code message}, as a disk or a pipe can. */
    static InputSource failingInput(String message) {
        return new InputSource() {
            @Override
            public Line next() throws java.io.IOException {
                throw new java.io.IOException(message);
            }

            @Override
            public void close() {
            }
        };
    }

    /** A fast-retrying configuration for tests. */
    static SluiceConfig.Builder config() {
        return SluiceConfig.builder()
                .backoffBase(java.time.Duration.ofMillis(10))
                .backoffCap(java.time.Duration.ofMillis(50))
                .writeBatchDelay(java.time.Duration.ofMillis(20));
    }

    /** Every results row by URL, each as column -> value. */
    Map<String, Map<String, Object>> results() throws SQLException {
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        for (Map<String, Object> row : query("SELECT * FROM results ORDER BY url")) {
            rows.put((String) row.get("url"), row);
        }
        return rows;
    }

    Map<String, Object> result(String url) throws SQLException {
        return results().get(url);
    }

    void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    List<Map<String, Object>> query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }
}
