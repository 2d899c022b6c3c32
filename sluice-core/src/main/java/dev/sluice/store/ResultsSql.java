package dev.sluice.store;

import dev.sluice.Store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SQL over {@code results} that is the same for every engine: {@link Store#counts()} (rows by status,
 * failed ones by error).
 */
final class ResultsSql {
    private ResultsSql() {
    }

    static Store.Counts read(Connection c) throws SQLException {
        long ok = 0;
        long failed = 0;
        Map<String, Long> byError = new LinkedHashMap<>();
        try (PreparedStatement st = c.prepareStatement(
                "SELECT status, error, count(*) FROM results GROUP BY status, error ORDER BY status DESC, error");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                long n = rs.getLong(3);
                if ("ok".equals(rs.getString(1))) {
                    ok += n;
                } else {
                    failed += n;
                    byError.merge(rs.getString(2), n, Long::sum);
                }
            }
        }
        return new Store.Counts(ok, failed, byError);
    }
}
