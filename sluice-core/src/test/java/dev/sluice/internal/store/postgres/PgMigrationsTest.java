package dev.sluice.internal.store.postgres;

import dev.sluice.Request;
import dev.sluice.testkit.TestPostgres;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** PostgreSQL's schema migrations on a database made by an older Sluice. */
class PgMigrationsTest {
    static final TestPostgres pg = TestPostgres.shared();

    /**
     * A database keyed by URL (before requests, issue 11): after the migration every table is keyed by the identity of a
     * GET of its URL; records, bodies, queue states and lineage are kept; two URLs of one request become one row.
     */
    @Test
    void aDatabaseKeyedByUrlIsKeyedByRequestIdentityAfterTheMigration() throws Exception {
        String url = pg.newDatabase();
        String list = "http://a.example/list";
        String item = "http://a.example/item/1";
        String itemAgain = "HTTP://A.example/item/1"; // the same request, written otherwise
        try (Connection c = pg.connect(url); Statement st = c.createStatement()) {
            for (String migration : List.of("V1__schema.sql", "V2__lineage.sql")) {
                try (var in = PgMigrations.class.getResourceAsStream("/db/postgresql/" + migration)) {
                    st.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            st.execute("CREATE TABLE sluice_schema (version integer NOT NULL)");
            st.execute("INSERT INTO sluice_schema VALUES (2)");
            for (String u : List.of(list, item, itemAgain)) {
                st.execute("INSERT INTO results (url, status, attempts, elapsed_ms, fetched_at) VALUES ('" + u + "', 'ok', 1, 5, now())");
            }
            st.execute("INSERT INTO records (url, seq, data) VALUES ('" + list + "', 0, '{\"a\":1}'), ('" + list + "', 1, '{\"a\":2}')");
            st.execute("INSERT INTO bodies (url, body) VALUES ('" + item + "', '\\x00ff')");
            st.execute("INSERT INTO queue (url, state, finished_at) VALUES ('" + list + "', 'done', now())");
            st.execute("INSERT INTO queue (url, state, parent, depth, rule) VALUES ('" + item + "', 'queued', '" + list + "', 1, 'follow')");
            st.execute("INSERT INTO queue (url, state) VALUES ('" + itemAgain + "', 'queued')");
        }

        PgDatabase.open(url, 1, Map.of()).close();

        assertThat(scalar(url, "SELECT max(version) FROM sluice_schema")).isEqualTo(5);
        assertThat(scalar(url, "SELECT count(*) FROM results")).isEqualTo(2);
        assertThat(scalar(url, "SELECT count(*) FROM results WHERE request = '" + Request.get(list).id() + "' AND method = 'GET'"))
                .isEqualTo(1);
        assertThat(scalar(url, "SELECT count(*) FROM records WHERE request = '" + Request.get(list).id() + "'")).isEqualTo(2);
        assertThat(scalar(url, "SELECT count(*) FROM bodies WHERE request = '" + Request.get(item).id() + "'")).isEqualTo(1);
        assertThat(scalar(url, "SELECT count(*) FROM queue")).isEqualTo(2);
        assertThat(scalar(url, "SELECT count(*) FROM queue WHERE request = '" + Request.get(item).id() + "' AND parent = '"
                + Request.get(list).id() + "' AND state = 'queued' AND rule = 'follow'")).isEqualTo(1);
        assertThat(Request.get(item).id()).isEqualTo(Request.get(itemAgain).id());
    }

    private static long scalar(String url, String sql) throws SQLException {
        try (Connection c = pg.connect(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
