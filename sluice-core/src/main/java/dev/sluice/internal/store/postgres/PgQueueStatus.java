package dev.sluice.internal.store.postgres;

import dev.sluice.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The work queue at a glance, for {@code sluice status}: URLs by state, the workers holding leases, and the
 * oldest lease. Ages are computed by the database's clock, like the leases themselves.
 */
public record PgQueueStatus(long queued, long leased, long done, long failed, List<Holder> holders) {

    /** A worker holding leases: how many, since when (seconds ago), and when it was last seen alive (seconds ago; -1: never). */
    public record Holder(String worker, long leases, double oldestLeaseAgeSeconds, double seenAgoSeconds) {
    }

    public long total() {
        return queued + leased + done + failed;
    }

    /** The lease held longest, in seconds; 0 when none is held. */
    public double oldestLeaseAgeSeconds() {
        return holders.stream().mapToDouble(Holder::oldestLeaseAgeSeconds).max().orElse(0);
    }

    public static PgQueueStatus read(PgDatabase db) throws StoreException {
        long[] byState = new long[4];
        List<Holder> holders = new ArrayList<>();
        try (Connection c = db.connection()) {
            try (PreparedStatement st = c.prepareStatement("SELECT state, count(*) FROM queue GROUP BY state");
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    int i = List.of("queued", "leased", "done", "failed").indexOf(rs.getString(1));
                    byState[i] = rs.getLong(2);
                }
            }
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT q.lease_owner, count(*), extract(epoch FROM now() - min(q.leased_at)),
                           extract(epoch FROM now() - max(w.seen_at))
                    FROM queue q LEFT JOIN workers w ON w.id = q.lease_owner
                    WHERE q.state = 'leased' GROUP BY q.lease_owner ORDER BY min(q.leased_at)""");
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    double seen = rs.getDouble(4);
                    holders.add(new Holder(rs.getString(1), rs.getLong(2), rs.getDouble(3), rs.wasNull() ? -1 : seen));
                }
            }
        } catch (SQLException e) {
            throw new StoreException(db.location(), "cannot read the queue", e);
        }
        return new PgQueueStatus(byState[0], byState[1], byState[2], byState[3], holders);
    }
}
