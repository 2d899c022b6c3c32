package dev.sluice.store;

import dev.sluice.Printable;
import dev.sluice.Request;
import dev.sluice.discover.Discovered;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the frontiers of both databases say alike. */
final class Frontiers {
    private static final Logger log = LoggerFactory.getLogger(Frontiers.class);

    private Frontiers() {
    }

    /** How many requests the frontier holds, for {@code --max-requests}. */
    static long count(java.sql.Connection c) throws java.sql.SQLException {
        try (java.sql.PreparedStatement st = c.prepareStatement("SELECT count(*) FROM queue");
             java.sql.ResultSet rs = st.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * A page a pagination rule found in the response to {@code parent} is in the frontier already: its cursor or next
     * link was seen before, and the chain would loop. It stops there, once, said at WARN.
     */
    static void repeatedPage(Request parent, Discovered d) {
        log.warn("{}: its next page {} was seen before (a repeated cursor or next link): that pagination chain stops here",
                Printable.of(parent.toString()), Printable.of(d.url()));
    }

    /** A request as a row keeps it (headers: a JSON object's text or null; body: null when none). */
    static Request request(String id, String method, String url, String headers, byte[] body) {
        return Request.stored(id, method, url, Request.headersFromJson(headers), body);
    }

    /** Binds parameters 1 to 5 of {@code st} to the request's identity, method, url, headers (JSON text) and body. */
    static void bindRequest(java.sql.PreparedStatement st, Request r) throws java.sql.SQLException {
        st.setString(1, r.id());
        st.setString(2, r.method());
        st.setString(3, r.url());
        st.setString(4, r.headersJson());
        st.setBytes(5, r.body());
    }
}
