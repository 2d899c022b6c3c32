package dev.sluice.internal.store;

import dev.sluice.Request;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * For the migration that keys every table by request identity (SQLite's V4, PostgreSQL's V3): the identity of
 * each URL a database stored before requests had one, a GET without a body ({@link Request#identity}), and its
 * canonical form, put in a temporary table {@code request_ids (url, canonical, request)} that the migration's SQL
 * then reads. The identity is
 * computed here, in Java, so that it is the same function as every new row's, in both databases.
 */
public final class LegacyRequestIds {
    private static final int BATCH = 1_000;

    private LegacyRequestIds() {
    }

    /** Fills {@code request_ids} on {@code c}, inside the migration's transaction. */
    public static void collect(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE request_ids (url TEXT PRIMARY KEY, canonical TEXT NOT NULL, request TEXT NOT NULL)");
        }
        try (Statement read = c.createStatement();
             PreparedStatement insert = c.prepareStatement("INSERT INTO request_ids (url, canonical, request) VALUES (?, ?, ?)")) {
            read.setFetchSize(BATCH);
            int batched = 0;
            try (ResultSet rs = read.executeQuery("SELECT url FROM queue UNION SELECT url FROM results "
                    + "UNION SELECT url FROM records UNION SELECT url FROM bodies")) {
                while (rs.next()) {
                    String url = rs.getString(1);
                    Request get = Request.get(url);
                    insert.setString(1, url);
                    insert.setString(2, get.url());
                    insert.setString(3, get.id());
                    insert.addBatch();
                    if (++batched == BATCH) {
                        insert.executeBatch();
                        batched = 0;
                    }
                }
            }
            insert.executeBatch();
        }
    }
}
