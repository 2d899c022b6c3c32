package dev.sluice.store;

import dev.sluice.ErrorKind;
import dev.sluice.Request;
import dev.sluice.ResumeMode;
import dev.sluice.StoreException;
import dev.sluice.UrlResult;
import dev.sluice.UrlSource;
import dev.sluice.Validators;
import dev.sluice.WorkQueue;
import dev.sluice.discover.Discovered;
import dev.sluice.discover.Lineage;
import dev.sluice.input.InputRequests;
import dev.sluice.input.UrlParser;
import dev.sluice.pipeline.RunFacts;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The frontier in a SQLite file (table {@code queue}), worked by the one process that holds the file's lock.
 *
 * <p>With one process there is nobody to lease from: a claim only reads, moving a cursor up the queue's ids, and
 * a URL stays {@code queued} until the transaction that stores its result finishes it. So a process killed
 * mid-run leaves its unfinished URLs {@code queued}, and the next run (whose cursor starts at 0) takes them.
 * Ids only grow: what the loader queues, what responses discover, and what a resume queues again (moved to the
 * tail with a new id) is always above the cursor.
 *
 * <p>Threads: claims and {@link #drained} on the admission thread (the store's reader connection), completions
 * on the writer thread (the writer connection), loading on a loading thread (a connection of its own; SQLite
 * lets one of the two write at a time, the other waits up to the busy timeout).
 */
public final class SqliteFrontier implements WorkQueue {
    /** Lines loaded per transaction: small enough that the writer, waiting for the loader's transaction, waits little. */
    static final int LOAD_BATCH = 1_000;
    private static final int IN_CHUNK = 500;

    private final SqliteStore store;
    /** Claims take ids above this one. Admission thread only. */
    private long cursor;
    /**
     * Requests claimed and not finished, by identity: their queue ids, and whether a result of theirs was stored
     * before (only then can records and bodies need replacing). Put by claims, removed by completions.
     */
    private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();
    /** The input's URLs that carry a password, as written, by their request's identity: only in memory, for this run. */
    private final ConcurrentHashMap<String, String> withPassword = new ConcurrentHashMap<>();
    /** The writer connection's statements, made on its first completion. Writer thread only. */
    private PreparedStatement finish;
    private PreparedStatement seen;
    /** This process: runs.worker. */
    private final String worker = WorkerIds.next();
    /** The run begun on this frontier (results.run), null before {@link #beginRun}; written once, before any thread reads it. */
    private volatile Long run;
    /** Its facts, written by each commit; null for none. */
    private volatile RunFacts facts;
    private final Discoveries discovered = new Discoveries();

    private record Held(long id, boolean stored) {
    }

    private SqliteFrontier(SqliteStore store) {
        this.store = store;
    }

    static SqliteFrontier on(SqliteStore store) {
        return new SqliteFrontier(store);
    }

    @Override
    public List<Claim> claim(int max) throws StoreException {
        return store.reading("cannot claim URLs from the queue", c -> {
            List<Claim> claimed = new ArrayList<>(max);
            try (PreparedStatement st = c.prepareStatement("""
                    SELECT q.id, q.request, q.method, q.url, q.headers, q.body, q.parent, q.depth, q.rule, q.page,
                           r.status, r.etag, r.last_modified
                    FROM queue q LEFT JOIN results r ON r.url = q.url AND r.request = q.request
                    WHERE q.state = 'queued' AND q.id > ? ORDER BY q.id LIMIT ?""")) {
                st.setLong(1, cursor);
                st.setInt(2, max);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        Request request = Frontiers.request(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getBytes(6));
                        String status = rs.getString(11);
                        cursor = Math.max(cursor, id);
                        held.put(request.id(), new Held(id, status != null));
                        // validators only from an ok row: a refetch asks whether that result is still current
                        Validators validators = "ok".equals(status) ? new Validators(rs.getString(12), rs.getString(13)) : Validators.NONE;
                        claimed.add(new Claim(request, fetchAs(request), validators,
                                new Lineage(rs.getString(7), rs.getInt(8), rs.getString(9), rs.getInt(10))));
                    }
                }
            }
            return claimed;
        });
    }

    /** The URL to fetch for a request: as the input wrote it when it had a password; null when that is not known here. */
    private String fetchAs(Request request) {
        String written = withPassword.get(request.id());
        if (written != null) {
            return written;
        }
        return UrlParser.passwordMasked(request.url()) ? null : request.url();
    }

    @Override
    public boolean drained() throws StoreException {
        return store.reading("cannot read the queue", c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT NOT EXISTS (SELECT 1 FROM queue WHERE state = 'queued' AND id > ?)")) {
                st.setLong(1, cursor);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        });
    }

    @Override
    public List<UrlResult> complete(Collection<UrlResult> batch) throws StoreException {
        List<UrlResult> once = firstOfEach(batch);
        List<UrlResult> stored = new ArrayList<>(once.size());
        RunFacts.Pending pending = facts == null ? null : facts.pending();
        store.inTransaction("cannot store " + once.size() + (once.size() == 1 ? " result" : " results"), (c, rows) -> {
            Set<String> vanished = rows.write(once, id -> {
                Held h = held.get(id);
                return h == null || h.stored();
            }, run);
            finishAll(c, once, vanished);
            markSeen(c, once);
            if (pending != null) {
                RunFactsRows.write(c, RunRows.Dialect.SQLITE, run, pending);
            }
            stored.clear(); // a transaction tried again starts over
            stored.addAll(discovered.insert(c, once));
        });
        if (pending != null) {
            facts.written(pending);
        }
        for (UrlResult r : once) {
            held.remove(r.id());
            withPassword.remove(r.id());
        }
        return stored;
    }

    /** Runs left running are lost: this process holds the file's lock, so no other process runs on it now. */
    @Override
    public long beginRun(RunStart start) throws StoreException {
        long[] id = new long[1];
        store.inTransaction("cannot record the start of the run", (c, rows) -> {
            try (PreparedStatement lost = c.prepareStatement("UPDATE runs SET state = 'lost' WHERE state = 'running'")) {
                lost.executeUpdate();
            }
            id[0] = RunRows.insert(c, RunRows.Dialect.SQLITE, worker, start, null);
        });
        run = id[0];
        facts = start.facts();
        return id[0];
    }

    @Override
    public void endRun(RunEnd end) throws StoreException {
        Long id = run;
        if (id == null) {
            throw new IllegalStateException("no run begun on this frontier");
        }
        RunFacts.Pending pending = facts == null ? null : facts.pending();
        store.inTransaction("cannot record the end of the run", (c, rows) -> {
            RunRows.end(c, RunRows.Dialect.SQLITE, id, end);
            if (pending != null) {
                RunFactsRows.write(c, RunRows.Dialect.SQLITE, id, pending);
            }
        });
        if (pending != null) {
            facts.written(pending);
        }
    }

    /** The run was seen at its batch's latest fetch: what a lost run's record says of when it was last alive. */
    private void markSeen(Connection c, List<UrlResult> batch) throws SQLException {
        if (run == null || batch.isEmpty()) {
            return;
        }
        if (seen == null) {
            seen = c.prepareStatement("UPDATE runs SET seen_at = max(seen_at, ?) WHERE id = ?");
        }
        Instant latest = batch.stream().map(UrlResult::fetchedAt).max(Instant::compareTo).orElseThrow();
        seen.setString(1, Timestamps.format(latest));
        seen.setLong(2, run);
        seen.executeUpdate();
    }

    @Override
    public void limitRequests(long max) {
        discovered.limit(max);
    }

    /** One result per request, the first: a request is finished once. */
    private static List<UrlResult> firstOfEach(Collection<UrlResult> batch) {
        Set<String> seen = new HashSet<>();
        List<UrlResult> once = new ArrayList<>(batch.size());
        for (UrlResult r : batch) {
            if (seen.add(r.id())) {
                once.add(r);
            }
        }
        return once;
    }

    /** Finishes the batch's queue rows: done when its row is ok, failed when not (a 304 whose row had vanished too). */
    private void finishAll(Connection c, List<UrlResult> batch, Set<String> vanished) throws SQLException {
        if (finish == null) {
            finish = c.prepareStatement("UPDATE queue SET state = ?, finished_at = ? WHERE id = ?");
        }
        try {
            for (UrlResult r : batch) {
                Held h = held.get(r.id());
                if (h == null) {
                    throw new IllegalStateException("a result for a request this run did not claim: " + r.request());
                }
                finish.setString(1, r.ok() && !vanished.contains(r.id()) ? "done" : "failed");
                finish.setString(2, Timestamps.format(r.fetchedAt()));
                finish.setLong(3, h.id());
                finish.addBatch();
            }
            finish.executeBatch();
        } catch (SQLException | RuntimeException e) {
            finish.clearBatch();
            throw e;
        }
    }

    /** Adds what responses discovered to the frontier, in the transaction of their results. Writer thread only. */
    private static final class Discoveries {
        private PreparedStatement insert;
        private volatile long limit = -1;

        void limit(long max) {
            limit = max;
        }

        /** Inserts each result's discovered requests that are new; returns the results with only those. */
        List<UrlResult> insert(Connection c, List<UrlResult> batch) throws SQLException {
            List<UrlResult> out = new ArrayList<>(batch.size());
            String now = null;
            long room = Long.MAX_VALUE;
            for (UrlResult r : batch) {
                if (r.discovered().isEmpty()) {
                    out.add(r);
                    continue;
                }
                if (now == null) {
                    now = Timestamps.format(Instant.now());
                    long max = limit;
                    room = max < 0 ? Long.MAX_VALUE : Math.max(0, max - Frontiers.count(c));
                    if (insert == null) {
                        insert = c.prepareStatement("INSERT INTO queue (request, method, url, headers, body, parent, depth, "
                                + "rule, page, enqueued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url, request) DO NOTHING");
                    }
                }
                List<Discovered> fresh = new ArrayList<>(r.discovered().size());
                for (Discovered d : r.discovered()) {
                    if (room == 0) {
                        break; // --max-requests: the frontier is full
                    }
                    Frontiers.bindRequest(insert, d.request());
                    insert.setString(6, d.lineage().parent());
                    insert.setInt(7, d.lineage().depth());
                    insert.setString(8, d.lineage().rule());
                    insert.setInt(9, d.lineage().page());
                    insert.setString(10, now);
                    if (insert.executeUpdate() == 1) {
                        fresh.add(d);
                        room--;
                    } else if (Lineage.PAGINATE.equals(d.lineage().rule())) {
                        Frontiers.repeatedPage(r.request(), d);
                    }
                }
                out.add(r.withDiscovered(fresh));
            }
            return out;
        }
    }

    @Override
    public Loaded load(UrlSource source, InputRequests reader, ResumeMode mode, Instant runStart, Duration outage,
                       Consumer<List<UrlResult>> committed, BooleanSupplier stopped)
            throws StoreException, IOException, InterruptedException {
        StoreRetry retry = new StoreRetry(outage);
        Loading loading = new Loading(mode, Timestamps.format(runStart));
        try (source; Connection c = store.loaderConnection()) {
            SqliteRows rows = new SqliteRows(c);
            while (!stopped.getAsBoolean()) {
                Batch batch = Batch.read(source, reader, runStart);
                if (batch.lines() == 0) {
                    break;
                }
                batch.requests().forEach((id, valid) -> {
                    if (UrlParser.passwordMasked(valid.request().url())) {
                        withPassword.put(id, valid.fetchAs());
                    }
                });
                List<UrlResult> invalid = retry.call("loading " + batch.lines() + " lines into the queue",
                        () -> loading.load(c, rows, batch));
                committed.accept(invalid);
            }
        } catch (SQLException e) {
            throw Causes.sqlite(store.file(), "cannot close the loading connection", e);
        }
        return loading.summary();
    }

    /**
     * One batch of input lines: the requests to queue by identity, in input order; the invalid lines as failed
     * results; how many lines repeated a request of the batch.
     */
    private record Batch(long lines, LinkedHashMap<String, InputRequests.Valid> requests,
                         LinkedHashMap<String, UrlResult> invalid, long repeats) {
        static Batch read(UrlSource source, InputRequests reader, Instant now) throws IOException {
            LinkedHashMap<String, InputRequests.Valid> requests = new LinkedHashMap<>();
            LinkedHashMap<String, UrlResult> invalid = new LinkedHashMap<>();
            long lines = 0;
            long repeats = 0;
            UrlSource.Line line;
            while (lines < LOAD_BATCH && (line = source.next()) != null) {
                lines++;
                InputRequests.Read read = reader.read(line);
                String id = read.request().id();
                if (requests.containsKey(id) || invalid.containsKey(id)) {
                    repeats++;
                } else if (read instanceof InputRequests.Valid valid) {
                    requests.put(id, valid);
                } else if (read instanceof InputRequests.Invalid bad) {
                    invalid.put(id, UrlResult.failed(bad.request(), ErrorKind.INVALID_URL, bad.detail(), null, 0, 0, now));
                }
                if (!source.ready()) {
                    break; // a slow pipe: what has come is worked on now, not after a full batch
                }
            }
            return new Batch(lines, requests, invalid, repeats);
        }
    }

    /** What a load has done so far, and the transaction of one batch. Loading thread only. */
    private final class Loading {
        private final ResumeMode mode;
        /** The run's start, as stored: rows this run enqueued carry it (or later), rows of earlier runs an earlier time. */
        private final String runStart;
        private long lines;
        private long queued;
        private long requeued;
        private long skipped;
        private long duplicates;
        private long invalid;

        Loading(ResumeMode mode, String runStart) {
            this.mode = mode;
            this.runStart = runStart;
        }

        /** A row of the queue, as a load finds it. */
        private record Found(String state, String enqueuedAt, String finishedAt) {
            /**
             * Whether this run queued or finished it: never queued again by this run. (A row an earlier run left
             * queued, then claimed and finished by this one before its input line was loaded, is this run's too.)
             */
            boolean thisRun(String runStart) {
                return enqueuedAt.compareTo(runStart) >= 0 || finishedAt != null && finishedAt.compareTo(runStart) >= 0;
            }
        }

        /** Loads one batch in one transaction; returns the invalid lines it stored. */
        List<UrlResult> load(Connection c, SqliteRows rows, Batch batch) throws StoreException {
            long[] counts = new long[5]; // queued, requeued, skipped, duplicates, invalid: added only once committed
            List<UrlResult> stored = new ArrayList<>();
            try {
                SqliteTransactions.begin(c);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO queue (request, method, url, headers, body, "
                        + "state, enqueued_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url, request) DO NOTHING");
                     PreparedStatement requeue = c.prepareStatement("""
                             UPDATE queue SET id = (SELECT max(id) + 1 FROM queue), state = 'queued', enqueued_at = ?,
                                              finished_at = NULL
                             WHERE url = ? AND request = ?""")) {
                    // What is new goes in at once (most of an input, the first time); only what was there is looked at.
                    List<Request> keys = batch.requests().values().stream().map(InputRequests.Valid::request).toList();
                    List<UrlResult> invalid = new ArrayList<>(batch.invalid().values());
                    for (InputRequests.Valid valid : batch.requests().values()) {
                        insert(insert, valid.request(), "queued", null);
                    }
                    for (UrlResult r : invalid) {
                        insert(insert, r.request(), "failed", Timestamps.format(r.fetchedAt()));
                    }
                    int[] inserted = insert.executeBatch();
                    List<Request> there = new ArrayList<>();
                    for (int i = 0; i < keys.size(); i++) {
                        if (inserted[i] == 1) {
                            counts[0]++;
                        } else {
                            there.add(keys.get(i));
                        }
                    }
                    for (int i = 0; i < invalid.size(); i++) {
                        if (inserted[keys.size() + i] == 1) {
                            stored.add(invalid.get(i));
                            counts[4]++;
                        } else {
                            there.add(invalid.get(i).request());
                        }
                    }
                    Map<String, Found> found = find(c, there);
                    for (Request key : there) {
                        Found f = found.get(key.id());
                        if (f == null || f.thisRun(runStart)) {
                            counts[3]++; // queued or finished by this run already (null: discovered meanwhile)
                        } else if (batch.invalid().containsKey(key.id())) {
                            counts[2]++; // an invalid line: never fetched, so never due again
                        } else if ("queued".equals(f.state())) {
                            counts[0]++; // left queued by an earlier run that stopped: worked now
                        } else if (due(f.state())) {
                            requeue.setString(1, runStart);
                            requeue.setString(2, key.url());
                            requeue.setString(3, key.id());
                            requeue.executeUpdate(); // one at a time: each takes the tail's next id
                            counts[1]++;
                        } else {
                            counts[2]++;
                        }
                    }
                    rows.write(stored, id -> false, run);
                }
                SqliteTransactions.commit(c);
            } catch (SQLException e) {
                SqliteTransactions.rollback(c, e);
                throw Causes.sqlite(store.file(), "cannot load " + batch.lines() + " lines into the queue", e);
            }
            lines += batch.lines();
            queued += counts[0];
            requeued += counts[1];
            skipped += counts[2];
            duplicates += counts[3] + batch.repeats();
            invalid += counts[4];
            return stored;
        }

        private void insert(PreparedStatement insert, Request request, String state, String finishedAt) throws SQLException {
            Frontiers.bindRequest(insert, request);
            insert.setString(6, state);
            insert.setString(7, runStart);
            insert.setString(8, finishedAt);
            insert.addBatch();
        }

        /** Whether a finished URL is queued again under the resume mode. */
        private boolean due(String state) {
            return switch (mode) {
                case SKIP_DONE -> false;
                case RETRY_FAILED -> "failed".equals(state);
                case REFETCH -> true;
            };
        }

        /** The queue rows of these requests, by identity (looked up by URL: the first column of the queue's key). */
        private Map<String, Found> find(Connection c, List<Request> keys) throws SQLException {
            Map<String, Found> found = new HashMap<>();
            for (int from = 0; from < keys.size(); from += IN_CHUNK) {
                List<Request> chunk = keys.subList(from, Math.min(keys.size(), from + IN_CHUNK));
                try (PreparedStatement st = c.prepareStatement("SELECT request, state, enqueued_at, finished_at FROM queue WHERE url IN ("
                        + "?,".repeat(chunk.size() - 1) + "?)")) {
                    for (int i = 0; i < chunk.size(); i++) {
                        st.setString(i + 1, chunk.get(i).url());
                    }
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            found.put(rs.getString(1), new Found(rs.getString(2), rs.getString(3), rs.getString(4)));
                        }
                    }
                }
            }
            return found;
        }

        Loaded summary() {
            return new Loaded(lines, queued, requeued, skipped, duplicates, invalid);
        }
    }

    /** Nothing is leased in SQLite: URLs claimed and not finished are still {@code queued} for the next run. */
    @Override
    public void releaseAll() {
        held.clear();
    }

    @Override
    public String workerId() {
        return worker;
    }

    @Override
    public String location() {
        return store.location();
    }

    /** Leaves the store open. */
    @Override
    public void close() {
        held.clear();
        withPassword.clear(); // the finish statement closes with the writer connection, when the store closes
    }
}
