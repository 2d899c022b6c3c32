package dev.sluice.internal.store.postgres;

import dev.sluice.Request;
import dev.sluice.ResumeMode;
import dev.sluice.StoreException;
import dev.sluice.RequestResult;
import dev.sluice.InputSource;
import dev.sluice.Discovered;
import dev.sluice.Lineage;
import dev.sluice.spi.InputRequests;
import dev.sluice.spi.HostSlots;
import dev.sluice.internal.store.SqlFrontier;
import dev.sluice.internal.store.WorkerIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One worker's side of the work queue in PostgreSQL (table {@code queue}), in the shape of mature
 * Postgres job queues (River, pgmq): a batch claim with {@code FOR UPDATE SKIP LOCKED} under a lease
 * (owner + expiry, by the database's clock), completion {@code WHERE lease_owner = me} in the transaction
 * that stores the results, and a reaper that puts expired leases back.
 *
 * <p>Threads: a heartbeat thread ({@code sluice-lease}, platform, daemon) runs every third of the lease:
 * it renews this worker's leases, puts other workers' expired leases back to {@code queued}, and marks this
 * worker as seen. Claims come from the pipeline's admission thread, completions from its writer thread;
 * each call takes its own pooled connection.
 */
public final class PgFrontier extends SqlFrontier {
    private static final Logger log = LoggerFactory.getLogger(PgFrontier.class);

    private final PgDatabase db;
    private final Duration lease;
    private final ScheduledExecutorService heartbeat;
    private final PgHostSlots hostSlots;
    private volatile boolean heartbeatFailing; // only for logging an outage once
    /** Where claims start looking (see {@link #claim}); set by claims, reset to 0 by each heartbeat. */
    private final AtomicLong claimFloor = new AtomicLong();

    private PgFrontier(PgDatabase db, String workerId, Duration lease) {
        super(db, workerId);
        this.db = db;
        this.lease = lease;
        this.hostSlots = new PgHostSlots(db, workerId, lease);
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-lease");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Joins the queue of {@code db} as a new worker whose leases last {@code lease} unless renewed; starts
     * the heartbeat. Closing the queue gives back what the worker holds; the database stays open.
     */
    public static PgFrontier join(PgDatabase db, Duration lease) throws StoreException {
        PgFrontier q = new PgFrontier(db, WorkerIds.next(), lease);
        try (Connection c = db.connection(); PreparedStatement st = c.prepareStatement("INSERT INTO workers (id) VALUES (?)")) {
            st.setString(1, q.workerId());
            st.executeUpdate();
        } catch (SQLException e) {
            q.heartbeat.shutdownNow();
            throw new StoreException(db.location(), "cannot join the work queue", e);
        }
        long period = Math.max(lease.toMillis() / 3, 50);
        q.heartbeat.scheduleWithFixedDelay(q::beat, period, period, TimeUnit.MILLISECONDS);
        return q;
    }

    @Override
    public HostSlots hostSlots() {
        return hostSlots;
    }

    /**
     * Claims from the queue's head. The head is found from {@link #claimFloor}, the highest id this worker
     * claimed last time: the queue's index keeps an entry for every row claimed since the last vacuum, and
     * scanning those from the start made each claim slower as the queue drained (measured: 6 to 21 ms per claim
     * of 128 on a 200,000-URL queue). Rows below the floor that are queued again (a dead worker's, given back,
     * or re-enqueued) are found when a claim above the floor comes back short, and at least every heartbeat,
     * which resets the floor.
     */
    @Override
    public List<Claim> claim(int max) throws StoreException {
        List<Claim> claimed = new ArrayList<>(max);
        try (Connection c = db.connection()) {
            long floor = claimFloor.get();
            claimAbove(c, floor, max, claimed);
            if (claimed.size() < max && floor > 0) {
                claimAbove(c, 0, max - claimed.size(), claimed);
            }
        } catch (SQLException e) {
            throw new StoreException(db.location(), "cannot claim URLs from the queue", e);
        }
        return claimed;
    }

    private void claimAbove(Connection c, long floor, int max, List<Claim> claimed) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                WITH next AS (
                    SELECT id FROM queue WHERE state = 'queued' AND id > ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED
                ), claimed AS (
                    UPDATE queue q SET state = 'leased', lease_owner = ?, leased_at = now(),
                                       lease_until = now() + ? * interval '1 millisecond', claims = q.claims + 1
                    FROM next WHERE q.id = next.id
                    RETURNING q.id, q.request, q.claims, q.parent, q.depth, q.rule, q.page, q.method, q.url, q.headers, q.body
                )
                SELECT claimed.request, r.status, r.etag, r.last_modified, claimed.claims, claimed.id,
                       claimed.parent, claimed.depth, claimed.rule, claimed.page,
                       claimed.method, claimed.url, claimed.headers::text, claimed.body
                FROM claimed LEFT JOIN results r ON r.request = claimed.request
                ORDER BY claimed.id""")) {
            st.setLong(1, floor);
            st.setInt(2, max);
            st.setString(3, workerId());
            st.setLong(4, lease.toMillis());
            long highest = floor;
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String status = rs.getString(2);
                    long id = rs.getLong(6);
                    highest = Math.max(highest, id);
                    Request request = request(rs.getString(1), rs.getString(11), rs.getString(12), rs.getString(13), rs.getBytes(14));
                    claimed.add(claimOf(id, rs.getInt(5), request, status, rs.getString(3), rs.getString(4),
                            new Lineage(rs.getString(7), rs.getInt(8), rs.getString(9), rs.getInt(10))));
                }
            }
            claimFloor.accumulateAndGet(highest, Math::max);
        }
    }

    @Override
    public boolean drained() throws StoreException {
        try (Connection c = db.connection(); PreparedStatement st = c.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM queue WHERE state = 'queued') OR EXISTS (SELECT 1 FROM queue WHERE state = 'leased')");
             ResultSet rs = st.executeQuery()) {
            rs.next();
            return !rs.getBoolean(1);
        } catch (SQLException e) {
            throw new StoreException(location(), "cannot read the queue", e);
        }
    }

    @Override
    protected boolean locksInIdentityOrder() {
        return true;
    }

    @Override
    protected Duration runAliveFor() {
        return lease;
    }

    /** In one statement, returning what went in. */
    @Override
    protected Set<String> insertDiscovered(Connection c, List<Discovered> candidates, Instant now) throws SQLException {
        Set<String> inserted = new HashSet<>();
        int n = candidates.size();
        String[] parents = new String[n];
        Integer[] depths = new Integer[n];
        String[] rules = new String[n];
        Integer[] pages = new Integer[n];
        for (int i = 0; i < n; i++) {
            Discovered d = candidates.get(i);
            parents[i] = d.lineage().parent();
            depths[i] = d.lineage().depth();
            rules[i] = d.lineage().rule();
            pages[i] = d.lineage().page();
        }
        try (PreparedStatement st = c.prepareStatement("INSERT INTO queue (request, method, url, headers, body, parent, depth, rule, page) "
                + "SELECT " + PgRequests.VALUES + ", p, d, r, pg FROM unnest(" + PgRequests.ARRAYS
                + ", ?::text[], ?::integer[], ?::text[], ?::integer[]) AS t(i, m, u, h, b, p, d, r, pg) ORDER BY i "
                + "ON CONFLICT (request) DO NOTHING RETURNING request")) {
            PgRequests.bind(st, c, 1, candidates.stream().map(Discovered::request).toList());
            st.setArray(6, c.createArrayOf("text", parents));
            st.setArray(7, c.createArrayOf("integer", depths));
            st.setArray(8, c.createArrayOf("text", rules));
            st.setArray(9, c.createArrayOf("integer", pages));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
        }
        return inserted;
    }

    /**
     * Marks the requests' queue rows finished where this worker still holds the lease of its latest claim, or where
     * nobody does (its lease expired and no one has claimed it since); returns their identities.
     */
    @Override
    protected Set<String> finish(Connection c, List<RequestResult> batch) throws SQLException {
        Long[] ids = new Long[batch.size()];
        String[] states = new String[batch.size()];
        Integer[] claims = new Integer[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            Held h = held.get(batch.get(i).id());
            ids[i] = h == null ? -1 : h.id(); // -1: not claimed here (matches no row)
            claims[i] = h == null ? -1 : h.claim();
            states[i] = batch.get(i).ok() ? "done" : "failed";
        }
        Set<String> finished = new HashSet<>();
        try (PreparedStatement st = c.prepareStatement("""
                UPDATE queue q SET state = v.state, lease_owner = NULL, leased_at = NULL, lease_until = NULL,
                                   finished_by = ?, finished_at = now()
                FROM unnest(?::bigint[], ?::text[], ?::integer[]) AS v(id, state, claim)
                WHERE q.id = v.id AND q.claims = v.claim
                  AND ((q.state = 'leased' AND q.lease_owner = ?) OR q.state = 'queued')
                RETURNING q.request""")) {
            st.setString(1, workerId());
            st.setArray(2, c.createArrayOf("bigint", ids));
            st.setArray(3, c.createArrayOf("text", states));
            st.setArray(4, c.createArrayOf("integer", claims));
            st.setString(5, workerId());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    finished.add(rs.getString(1));
                }
            }
        }
        return finished;
    }

    /**
     * Of results this worker could not finish, those whose requests it had finished already: a commit whose answer
     * was lost with the connection, then retried. The rest belong to another worker.
     */
    @Override
    protected List<RequestResult> finishedEarlier(List<RequestResult> notFinished) throws StoreException {
        Set<String> earlier = db.reading("cannot read the queue", c -> {
            Set<String> ids = new HashSet<>();
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT request FROM queue WHERE request = ANY(?) AND finished_by = ? AND state IN ('done', 'failed')")) {
                st.setArray(1, c.createArrayOf("text", notFinished.stream().map(RequestResult::id).toArray()));
                st.setString(2, workerId());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
        return notFinished.stream().filter(r -> earlier.contains(r.id())).toList();
    }

    /**
     * The heartbeat: renew own leases, put expired ones back, say this worker is alive. Each statement commits
     * on its own and skips rows locked by others (this worker's writer finishing them, another worker's
     * heartbeat), so it never waits on them nor deadlocks with them. Never throws.
     */
    private void beat() {
        try (Connection c = db.connection();
             PreparedStatement renew = c.prepareStatement("""
                     UPDATE queue SET lease_until = now() + ? * interval '1 millisecond'
                     WHERE id IN (SELECT id FROM queue WHERE lease_owner = ? AND state = 'leased' FOR UPDATE SKIP LOCKED)""");
             PreparedStatement reap = c.prepareStatement("""
                     UPDATE queue SET state = 'queued', lease_owner = NULL, leased_at = NULL, lease_until = NULL
                     WHERE id IN (SELECT id FROM queue WHERE state = 'leased' AND lease_until < now()
                                  ORDER BY id FOR UPDATE SKIP LOCKED)""");
             PreparedStatement seen = c.prepareStatement("UPDATE workers SET seen_at = now() WHERE id = ?");
             PreparedStatement alive = c.prepareStatement(
                     "UPDATE runs SET seen_at = now(), alive_until = now() + ? * interval '1 millisecond' WHERE id = ?")) {
            renew.setLong(1, lease.toMillis());
            renew.setString(2, workerId());
            renew.executeUpdate();
            int reaped = reap.executeUpdate();
            claimFloor.set(0); // the next claim looks from the start: rows queued again below the floor
            seen.setString(1, workerId());
            seen.executeUpdate();
            Long current = run();
            if (current != null) {
                alive.setLong(1, lease.toMillis());
                alive.setLong(2, current);
                alive.executeUpdate();
            }
            if (reaped > 0) {
                log.info("{} URLs returned to the queue: the worker holding them stopped renewing its lease", reaped);
            }
            if (heartbeatFailing) {
                heartbeatFailing = false;
                log.info("the database answers again; leases renewed");
            }
        } catch (SQLException | RuntimeException e) {
            if (!heartbeatFailing) {
                heartbeatFailing = true;
                log.warn("cannot renew this worker's leases ({}); retrying every {} ms", e.getMessage(), lease.toMillis() / 3);
            }
        }
    }

    /** Loads through {@link PgEnqueue}: a URL with a password is not queued (see there). */
    @Override
    public Loaded load(InputSource source, InputRequests reader, ResumeMode mode, Instant runStart, Duration outage,
                       Consumer<List<RequestResult>> committed, BooleanSupplier stopped)
            throws StoreException, IOException, InterruptedException {
        return PgEnqueue.loader(db, reader, mode, runStart, Instant::now, outage, run()).load(source, committed, stopped);
    }

    @Override
    public void releaseAll() throws StoreException {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement release = c.prepareStatement("UPDATE queue SET state = 'queued', lease_owner = NULL, "
                    + "leased_at = NULL, lease_until = NULL WHERE lease_owner = ? AND state = 'leased'")) {
                release.setString(1, workerId());
                int n = release.executeUpdate();
                c.commit();
                if (n > 0) {
                    log.info("{} unfinished URLs returned to the queue", n);
                }
            } catch (SQLException e) {
                PgDatabase.rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException(location(), "cannot return unfinished URLs to the queue (they return by themselves when "
                    + "this worker's lease expires, within " + lease.toSeconds() + " s)", e);
        }
    }

    /** Stops the heartbeat and marks the worker stopped. Does not release leases: call {@link #releaseAll} first. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (heartbeatFailing) {
            return; // the database is away; its last heartbeat tells when this worker was last seen
        }
        try (Connection c = db.connection(); PreparedStatement st = c.prepareStatement("UPDATE workers SET stopped_at = now() WHERE id = ?")) {
            st.setString(1, workerId());
            st.executeUpdate();
        } catch (SQLException e) {
            log.debug("cannot mark worker {} stopped: {}", workerId(), e.getMessage());
        }
    }
}
