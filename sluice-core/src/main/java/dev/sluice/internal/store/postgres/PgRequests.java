package dev.sluice.internal.store.postgres;

import dev.sluice.Request;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;

/**
 * Requests as the parallel arrays an {@code unnest} INSERT into {@code queue} reads: one statement for a whole
 * batch. Bodies go as base64 text ({@code decode(b, 'base64')} in the SQL): a {@code bytea[]} parameter is not
 * portable across drivers.
 */
final class PgRequests {
    /** The five parameters {@link #bind} sets, for {@code unnest(…) AS t(i, m, u, h, b, …)}. */
    static final String ARRAYS = "?::text[], ?::text[], ?::text[], ?::text[], ?::text[]";
    /** What the columns (request, method, url, headers, body) are selected as from those arrays. */
    static final String VALUES = "i, m, u, h::jsonb, decode(b, 'base64')";

    private PgRequests() {
    }

    /** Sets parameters {@code first} to {@code first + 4} to the requests' identities, methods, urls, headers and bodies. */
    static void bind(PreparedStatement st, Connection c, int first, List<Request> requests) throws SQLException {
        int n = requests.size();
        String[] ids = new String[n];
        String[] methods = new String[n];
        String[] urls = new String[n];
        String[] headers = new String[n];
        String[] bodies = new String[n];
        for (int i = 0; i < n; i++) {
            Request r = requests.get(i);
            ids[i] = r.id();
            methods[i] = r.method();
            urls[i] = PgRows.text(r.url());
            headers[i] = r.headersJson();
            bodies[i] = r.body() == null ? null : Base64.getEncoder().encodeToString(r.body());
        }
        st.setArray(first, c.createArrayOf("text", ids));
        st.setArray(first + 1, c.createArrayOf("text", methods));
        st.setArray(first + 2, c.createArrayOf("text", urls));
        st.setArray(first + 3, c.createArrayOf("text", headers));
        st.setArray(first + 4, c.createArrayOf("text", bodies));
    }
}
