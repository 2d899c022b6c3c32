package dev.sluice.store;

import dev.sluice.Printable;
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
     * A page a pagination rule found is in the frontier already: its cursor or next link was seen before, and the
     * chain would loop. It stops there, once, said at WARN.
     */
    static void repeatedPage(Discovered d) {
        log.warn("{}: its next page {} was seen before (a repeated cursor or next link): that pagination chain stops here",
                Printable.of(d.lineage().parent()), Printable.of(d.url()));
    }
}
