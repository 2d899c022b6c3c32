package dev.sluice.internal.store;

import dev.sluice.Printable;
import dev.sluice.Request;
import dev.sluice.StoreException;
import dev.sluice.TableSpec;
import dev.sluice.RequestResult;
import dev.sluice.Validators;
import dev.sluice.spi.Frontier;
import dev.sluice.Discovered;
import dev.sluice.Lineage;
import dev.sluice.spi.RunFacts;
import dev.sluice.internal.store.runs.RunFactsRows;
import dev.sluice.internal.store.runs.RunRows;
import dev.sluice.internal.store.tables.StagedTables;
import dev.sluice.internal.store.tables.TypedTables;
import dev.sluice.spi.TableSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The frontier's one road in both databases: how a batch of results is completed, how what responses discovered
 * joins the frontier, how a run is recorded. What each database does its own way (claims, leases, finishing queue
 * rows, inserting requests) is a subclass's: {@code SqliteFrontier} for one process on a file, {@code PgFrontier}
 * for workers sharing a database under leases.
 *
 * <p>Completion ({@link #complete}), in one transaction: one result per request; the queue rows of the requests this
 * worker still holds are finished ({@link #finish}), and only their results go on; their rows are written; a 304 whose
 * stored row had vanished fails its queue row too; what they discovered is inserted, under {@code --max-requests};
 * the run is marked seen and its facts not yet written are written. Then, after the commit, the requests are
 * forgotten and the facts marked written.
 *
 * <p>Threads: {@link #complete} on the pipeline's writer thread; claims ({@code claim}, {@code drained}) on its
 * admission thread; {@link #load} on a loading thread; {@link #beginRun}/{@link #endRun} on the run's own thread
 * before and after the others. {@link #held} is shared by claims and completions (a concurrent map); {@link #run}
 * and {@link #facts} are written once, before any other thread reads them.
 */
public abstract class SqlFrontier implements Frontier {
    private static final Logger log = LoggerFactory.getLogger(SqlFrontier.class);

    /**
     * A request this worker holds: its queue row, the claim number it holds it under ({@code queue.claims}; 0 where
     * nobody else can claim it), and whether it had a stored result when claimed (only then can earlier records and
     * bodies need replacing).
     */
    protected record Held(long id, int claim, boolean stored) {
    }

    protected final SqlDatabase db;
    /** Requests claimed and not finished, by identity. Put by claims, removed by completions. */
    protected final Map<String, Held> held = new ConcurrentHashMap<>();
    private final String worker;
    /** The run begun on this frontier ({@code results.run}), null before {@link #beginRun}. */
    private volatile Long run;
    /** Its facts, written by each commit; null for none. */
    private volatile RunFacts facts;
    /** Where results' rows go ({@code --table}), and as what; null: no typed table. */
    private volatile TypedTables tables;
    private volatile TableSchema tableSchema;
    /** When the staged table of a replace job was made; null for other write modes. */
    private volatile Instant staged;
    /** {@code --max-requests}: the most rows the frontier may hold before discoveries are dropped; -1 no limit. */
    private volatile long requestLimit = -1;

    protected SqlFrontier(SqlDatabase db, String worker) {
        this.db = db;
        this.worker = worker;
    }

    // ---- what each database does its own way

    /**
     * Finishes the queue rows of those requests of {@code batch} this worker still holds: {@code done} for an ok
     * result, {@code failed} for the others. Returns the identities finished; a result of one not finished is not
     * stored (another worker holds it now). Writer thread, inside the completion's transaction.
     */
    protected abstract Set<String> finish(Connection c, List<RequestResult> batch) throws SQLException;

    /**
     * Inserts the discovered requests into the queue, in the given order, each unless it is there already; returns the
     * identities inserted. Writer thread, inside the completion's transaction.
     */
    protected abstract Set<String> insertDiscovered(Connection c, List<Discovered> requests, Instant now) throws SQLException;

    /**
     * Whether completions lock rows in identity order: where several workers finish and insert overlapping requests,
     * one order for all means no deadlock. One process needs none, and keeps its batches in the order they came.
     */
    protected abstract boolean locksInIdentityOrder();

    /**
     * Of results whose requests {@link #finish} did not finish, those this worker had finished already (a commit whose
     * answer was lost with the connection, then retried): they are stored, once. None by default.
     */
    protected List<RequestResult> finishedEarlier(List<RequestResult> notFinished) throws StoreException {
        return List.of();
    }

    /** How long a run stays alive unless its worker says so again (PostgreSQL's lease); null: as long as its process. */
    protected abstract Duration runAliveFor();

    /** Done in the transaction that records a run's start, before it (SQLite marks runs left running lost). */
    protected void beforeRunStart(Connection c) throws SQLException {
    }

    /** Forgets a request once its result is committed. */
    protected void forget(String id) {
        held.remove(id);
    }

    // ---- the shared road

    @Override
    public final String workerId() {
        return worker;
    }

    @Override
    public final String location() {
        return db.location();
    }

    /** The run begun on this frontier, null before {@link #beginRun}. */
    protected final Long run() {
        return run;
    }

    /** The URL to fetch for a claimed request: its own by default. */
    protected String fetchAs(Request request) {
        return request.url();
    }

    protected final Claim claimOf(long queueId, int claim, Request request, String status, String etag, String lastModified,
                                  Lineage lineage) {
        held.put(request.id(), new Held(queueId, claim, status != null));
        // validators only from an ok row: a refetch asks whether that result is still current; a replace job reads
        // every body again, its rows being in the table it replaces
        return new Claim(request, fetchAs(request), "ok".equals(status) && staged == null ? new Validators(etag, lastModified)
                : Validators.NONE, lineage);
    }

    @Override
    public final long beginRun(RunStart start) throws StoreException {
        long id = db.writes().inTransaction("cannot record the start of the run", c -> {
            beforeRunStart(c);
            return RunRows.insert(c, db.dialect(), worker, start, runAliveFor());
        });
        run = id;
        facts = start.facts();
        return id;
    }

    @Override
    public final void endRun(RunEnd end) throws StoreException {
        Long id = run;
        if (id == null) {
            throw new IllegalStateException("no run begun on this frontier");
        }
        RunFacts.Pending pending = facts == null ? null : facts.pending();
        db.writes().inTransaction("cannot record the end of the run", c -> {
            RunRows.end(c, db.dialect(), id, end);
            if (pending != null) {
                RunFactsRows.write(c, db.dialect(), id, pending);
            }
            return null;
        });
        if (pending != null) {
            facts.written(pending);
        }
    }

    @Override
    public final Instant storeTables(TableSchema schema) throws StoreException {
        if (schema.equals(tableSchema)) {
            return staged; // another run on this frontier, with the same table
        }
        if (tableSchema != null) {
            throw new IllegalStateException("this frontier stores table " + tableSchema.table() + " already");
        }
        tables = TypedTables.open(db, schema);
        tableSchema = schema;
        if (schema.spec().write() == TableSpec.WriteMode.REPLACE) {
            staged = db.writes().inTransaction("cannot read table " + schema.table(),
                    c -> StagedTables.begun(c, db.dialect(), schema.table()));
        }
        return staged;
    }

    @Override
    public final boolean replaceTables() throws StoreException {
        TableSchema schema = tableSchema;
        if (schema == null || staged == null) {
            throw new IllegalStateException("no replace job stores its tables on this frontier");
        }
        boolean done = db.writes().inTransaction("cannot put table " + schema.table() + " in place",
                c -> queueDrained(c) && StagedTables.putInPlace(c, db.dialect(), schema.table()));
        if (done) { // the next run of the job stages its tables anew
            tables = null;
            tableSchema = null;
            staged = null;
        }
        return done;
    }

    /** Whether no request is queued or being fetched, by any worker. */
    private static boolean queueDrained(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM queue WHERE state IN ('queued', 'leased') LIMIT 1");
             ResultSet rs = st.executeQuery()) {
            return !rs.next();
        }
    }

    @Override
    public final void limitRequests(long max) {
        requestLimit = max;
    }

    /** The requests' results stored, and those of the batch not stored (not this worker's). */
    private record Completion(List<RequestResult> stored, List<RequestResult> notFinished) {
    }

    @Override
    public final void prepare(RequestResult result) {
        TypedTables typed = tables;
        if (typed != null) {
            typed.prepare(result);
        }
    }

    @Override
    public final List<RequestResult> complete(Collection<RequestResult> batch) throws StoreException {
        List<RequestResult> once = firstOfEach(batch);
        RunFacts.Pending pending = facts == null ? null : facts.pending();
        Long current = run;
        String what = "cannot store " + once.size() + (once.size() == 1 ? " result" : " results");
        TypedTables typed = tables;
        TypedTables.Plan[] planned = new TypedTables.Plan[1];
        Completion done = db.writes().inTransaction(what, c -> {
            // schema changes first: their lock is taken before any row's
            TypedTables.Plan plan = typed == null ? null : typed.plan(c, once);
            planned[0] = plan;
            Set<String> mine = finish(c, once);
            List<RequestResult> owned = new ArrayList<>(mine.size());
            List<RequestResult> notFinished = new ArrayList<>();
            for (RequestResult r : once) {
                (mine.contains(r.id()) ? owned : notFinished).add(r);
            }
            java.util.function.Predicate<String> mayHaveRows = id -> {
                Held h = held.get(id);
                return h == null || h.stored();
            };
            Set<String> vanished = db.rows().write(c, owned, mayHaveRows, current);
            if (plan != null) {
                typed.write(c, plan, owned, mayHaveRows, current);
            }
            if (!vanished.isEmpty()) {
                failQueueRows(c, vanished);
            }
            List<RequestResult> stored = insertDiscoveries(c, owned);
            markSeen(c, current, owned);
            if (pending != null) {
                RunFactsRows.write(c, db.dialect(), current, pending);
            }
            return new Completion(stored, notFinished);
        });
        if (pending != null) {
            facts.written(pending);
        }
        if (typed != null) {
            typed.committed(planned[0]);
        }
        List<RequestResult> stored = done.stored();
        if (!done.notFinished().isEmpty()) {
            List<RequestResult> earlier = finishedEarlier(done.notFinished());
            stored = new ArrayList<>(stored);
            stored.addAll(earlier);
            if (earlier.size() < done.notFinished().size()) {
                log.warn("{} results not stored: another worker took over their URLs after this worker's lease expired",
                        done.notFinished().size() - earlier.size());
            }
        }
        for (RequestResult r : once) {
            forget(r.id());
        }
        if (typed != null) {
            typed.forget(batch);
        }
        return stored;
    }

    /** One result per request, the first (a request is finished once); in identity order where locks need one. */
    private List<RequestResult> firstOfEach(Collection<RequestResult> batch) {
        Set<String> seen = new HashSet<>();
        List<RequestResult> once = new ArrayList<>(batch.size());
        for (RequestResult r : batch) {
            if (seen.add(r.id())) {
                once.add(r);
            }
        }
        if (locksInIdentityOrder()) {
            once.sort(Comparator.comparing(RequestResult::id));
        }
        return once;
    }

    /** The queue rows of 304s whose stored row had vanished: stored as failures, so failed (for --retry-failed). */
    private void failQueueRows(Connection c, Set<String> ids) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE queue SET state = 'failed' WHERE id = ?")) {
            for (String id : ids) {
                st.setLong(1, held.get(id).id());
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    /** The run was seen at its batch's latest fetch: what a lost run's record says of when it was last alive. */
    private void markSeen(Connection c, Long current, List<RequestResult> batch) throws SQLException {
        if (current == null || batch.isEmpty()) {
            return;
        }
        Instant latest = batch.stream().map(RequestResult::fetchedAt).max(Instant::compareTo).orElseThrow();
        try (PreparedStatement st = c.prepareStatement("UPDATE runs SET seen_at = "
                + db.dialect().greatest("seen_at", "?") + " WHERE id = ?")) {
            db.dialect().time(st, 1, latest);
            st.setLong(2, current);
            st.executeUpdate();
        }
    }

    /**
     * Inserts what the stored results discovered, each request once, skipping those the frontier has; returns the
     * results with only the requests that were new, each credited to the first result that found it. Under
     * {@code --max-requests} the frontier's rows are counted first (with several workers, two committing at once may
     * each fill the same room, so the limit can be passed by a batch). A next page already in the frontier stops its
     * chain, said once at WARN unless it is there at the same place in its chain (a page issued at once).
     */
    private List<RequestResult> insertDiscoveries(Connection c, List<RequestResult> stored) throws SQLException {
        Map<String, Discovered> found = locksInIdentityOrder() ? new TreeMap<>() : new LinkedHashMap<>();
        Map<String, RequestResult> finder = new HashMap<>();
        for (RequestResult r : stored) {
            for (Discovered d : r.discovered()) {
                if (found.putIfAbsent(d.request().id(), d) == null) {
                    finder.put(d.request().id(), r);
                }
            }
        }
        if (found.isEmpty()) {
            return stored;
        }
        List<Discovered> candidates = new ArrayList<>(found.values());
        long limit = requestLimit;
        long room = limit < 0 ? Long.MAX_VALUE : Math.max(0, limit - count(c));
        Set<String> inserted = new HashSet<>();
        Instant now = Instant.now();
        int next = 0;
        while (next < candidates.size() && room > 0) { // a request already there leaves its room to the next
            List<Discovered> chunk = candidates.subList(next, (int) Math.min(candidates.size(), next + room));
            Set<String> fresh = insertDiscovered(c, chunk, now);
            inserted.addAll(fresh);
            room -= fresh.size();
            next += chunk.size();
        }
        for (Discovered d : candidates.subList(0, next)) {
            if (!inserted.contains(d.request().id()) && Lineage.PAGINATE.equals(d.lineage().rule())
                    && !sameChainPlace(c, d)) {
                log.warn("{}: its next page {} was seen before (a repeated cursor or next link): that pagination chain stops here",
                        Printable.of(finder.get(d.request().id()).request().toString()), Printable.of(d.url()));
            }
        }
        List<RequestResult> out = new ArrayList<>(stored.size());
        for (RequestResult r : stored) {
            out.add(r.discovered().isEmpty() ? r : r.withDiscovered(r.discovered().stream()
                    .filter(d -> inserted.remove(d.request().id())).toList()));
        }
        return out;
    }

    /**
     * Whether the frontier holds {@code d}'s request at the same place in a pagination chain: a page issued at once
     * (from a total or a last link) that its previous page links again, not a cursor or link leading back.
     */
    private static boolean sameChainPlace(Connection c, Discovered d) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT page FROM queue WHERE request = ?")) {
            st.setString(1, d.request().id());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getInt(1) == d.lineage().page();
            }
        }
    }

    /** How many requests the frontier holds, for {@code --max-requests}. */
    private static long count(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM queue"); ResultSet rs = st.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** A request as a queue row keeps it (headers: a JSON object's text or null; body: null when none). */
    public static Request request(String id, String method, String url, String headers, byte[] body) {
        return Request.stored(id, method, url, Request.headersFromJson(headers), body);
    }
}
