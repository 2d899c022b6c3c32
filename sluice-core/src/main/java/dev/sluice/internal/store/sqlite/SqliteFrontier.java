package dev.sluice.internal.store.sqlite;

import dev.sluice.Request;
import dev.sluice.ResumeMode;
import dev.sluice.StoreException;
import dev.sluice.RequestResult;
import dev.sluice.InputSource;
import dev.sluice.Discovered;
import dev.sluice.Lineage;
import dev.sluice.spi.InputRequests;
import dev.sluice.internal.input.UrlParser;
import dev.sluice.internal.store.InputLoader;
import dev.sluice.internal.store.SqlFrontier;
import dev.sluice.internal.store.Timestamps;
import dev.sluice.internal.store.WorkerIds;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
public final class SqliteFrontier extends SqlFrontier {
    /** Lines loaded per transaction: small enough that the writer, waiting for the loader's transaction, waits little. */
    static final int LOAD_BATCH = 1_000;
    private static final int IN_CHUNK = 500;

    private final SqliteDatabase store;
    /** Claims take ids above this one. Admission thread only. */
    private long cursor;
    /** The input's URLs that carry a password, as written, by their request's identity: only in memory, for this run. */
    private final ConcurrentHashMap<String, String> withPassword = new ConcurrentHashMap<>();
    /** The writer connection's statements, made on its first completion. Writer thread only. */
    private Connection writer;
    private PreparedStatement finish;
    private PreparedStatement insert;

    SqliteFrontier(SqliteDatabase store) {
        super(store, WorkerIds.next());
        this.store = store;
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
                        cursor = Math.max(cursor, id);
                        claimed.add(claimOf(id, 0, request(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                        rs.getBytes(6)), rs.getString(11), rs.getString(12), rs.getString(13),
                                new Lineage(rs.getString(7), rs.getInt(8), rs.getString(9), rs.getInt(10))));
                    }
                }
            }
            return claimed;
        });
    }

    /** The URL to fetch for a request: as the input wrote it when it had a password; null when that is not known here. */
    @Override
    protected String fetchAs(Request request) {
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

    /** Every result is this process's to store: nobody else works on the file. */
    @Override
    protected Set<String> finish(Connection c, List<RequestResult> batch) throws SQLException {
        prepare(c);
        Set<String> finished = new HashSet<>();
        try {
            for (RequestResult r : batch) {
                Held h = held.get(r.id());
                if (h == null) {
                    throw new IllegalStateException("a result for a request this run did not claim: " + r.request());
                }
                finish.setString(1, r.ok() ? "done" : "failed");
                finish.setString(2, Timestamps.format(r.fetchedAt()));
                finish.setLong(3, h.id());
                finish.addBatch();
                finished.add(r.id());
            }
            finish.executeBatch();
        } catch (SQLException | RuntimeException e) {
            finish.clearBatch();
            throw e;
        }
        return finished;
    }

    /** One at a time: whether each went in decides what its response is credited with. */
    @Override
    protected Set<String> insertDiscovered(Connection c, List<Discovered> requests, Instant now) throws SQLException {
        prepare(c);
        Set<String> inserted = new HashSet<>();
        String at = Timestamps.format(now);
        for (Discovered d : requests) {
            bindRequest(insert, d.request());
            insert.setString(6, d.lineage().parent());
            insert.setInt(7, d.lineage().depth());
            insert.setString(8, d.lineage().rule());
            insert.setInt(9, d.lineage().page());
            insert.setString(10, at);
            if (insert.executeUpdate() == 1) {
                inserted.add(d.request().id());
            }
        }
        return inserted;
    }

    private void prepare(Connection c) throws SQLException {
        if (writer != c) {
            finish = c.prepareStatement("UPDATE queue SET state = ?, finished_at = ? WHERE id = ?");
            insert = c.prepareStatement("INSERT INTO queue (request, method, url, headers, body, parent, depth, "
                    + "rule, page, enqueued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url, request) DO NOTHING");
            writer = c;
        }
    }

    @Override
    protected boolean locksInIdentityOrder() {
        return false;
    }

    @Override
    protected Duration runAliveFor() {
        return null;
    }

    /** Runs left running are lost: this process holds the file's lock, so no other process runs on it now. */
    @Override
    protected void beforeRunStart(Connection c) throws SQLException {
        try (PreparedStatement lost = c.prepareStatement("UPDATE runs SET state = 'lost' WHERE state = 'running'")) {
            lost.executeUpdate();
        }
    }

    @Override
    protected void forget(String id) {
        super.forget(id);
        withPassword.remove(id);
    }

    @Override
    public Loaded load(InputSource source, InputRequests reader, ResumeMode mode, Instant runStart, Duration outage,
                       Consumer<List<RequestResult>> committed, BooleanSupplier stopped)
            throws StoreException, IOException, InterruptedException {
        return new InputLoader(store, new Loading(), reader, mode, runStart, () -> runStart, outage, run())
                .load(source, committed, stopped);
    }

    /**
     * A batch queued in SQLite: what is new goes in at once (most of an input, the first time); only what was there is
     * looked up, and queued again under the resume mode by moving it to the tail. Loading thread only.
     */
    private final class Loading implements InputLoader.Step {

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

        @Override
        public int batchLines() {
            return LOAD_BATCH;
        }

        @Override
        public InputLoader.Counts queue(Connection c, InputLoader.Batch batch, ResumeMode mode, Instant runStarted)
                throws SQLException {
            String runStart = Timestamps.format(runStarted);
            batch.requests().forEach((id, valid) -> {
                if (UrlParser.passwordMasked(valid.request().url())) {
                    withPassword.put(id, valid.fetchAs());
                }
            });
            long queued = 0;
            long requeued = 0;
            long skipped = 0;
            long duplicates = 0;
            List<RequestResult> stored = new ArrayList<>();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO queue (request, method, url, headers, body, "
                    + "state, enqueued_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url, request) DO NOTHING");
                 PreparedStatement requeue = c.prepareStatement("""
                         UPDATE queue SET id = (SELECT max(id) + 1 FROM queue), state = 'queued', enqueued_at = ?,
                                          finished_at = NULL
                         WHERE url = ? AND request = ?""")) {
                List<Request> keys = batch.requests().values().stream().map(InputRequests.Valid::request).toList();
                List<RequestResult> invalid = new ArrayList<>(batch.invalid().values());
                for (Request r : keys) {
                    insert(insert, r, "queued", runStart, null);
                }
                for (RequestResult r : invalid) {
                    insert(insert, r.request(), "failed", runStart, Timestamps.format(r.fetchedAt()));
                }
                int[] inserted = insert.executeBatch();
                List<Request> there = new ArrayList<>();
                for (int i = 0; i < keys.size(); i++) {
                    if (inserted[i] == 1) {
                        queued++;
                    } else {
                        there.add(keys.get(i));
                    }
                }
                for (int i = 0; i < invalid.size(); i++) {
                    if (inserted[keys.size() + i] == 1) {
                        stored.add(invalid.get(i));
                    } else {
                        there.add(invalid.get(i).request());
                    }
                }
                Map<String, Found> found = find(c, there);
                for (Request key : there) {
                    Found f = found.get(key.id());
                    if (f == null || f.thisRun(runStart)) {
                        duplicates++; // queued or finished by this run already (null: discovered meanwhile)
                    } else if (batch.invalid().containsKey(key.id())) {
                        skipped++; // an invalid line: never fetched, so never due again
                    } else if ("queued".equals(f.state())) {
                        queued++; // left queued by an earlier run that stopped: worked now
                    } else if (due(mode, f.state())) {
                        requeue.setString(1, runStart);
                        requeue.setString(2, key.url());
                        requeue.setString(3, key.id());
                        requeue.executeUpdate(); // one at a time: each takes the tail's next id
                        requeued++;
                    } else {
                        skipped++;
                    }
                }
            }
            return new InputLoader.Counts(queued, requeued, skipped, duplicates, stored);
        }

        private static void insert(PreparedStatement insert, Request request, String state, String runStart, String finishedAt)
                throws SQLException {
            bindRequest(insert, request);
            insert.setString(6, state);
            insert.setString(7, runStart);
            insert.setString(8, finishedAt);
            insert.addBatch();
        }

        /**
         * Moves the due rows to the tail in one statement: each id shifted by the largest, so ids stay distinct, keep
         * their order among themselves, and all lie above the claims' cursor.
         */
        @Override
        public long requeueDiscovered(Connection c, ResumeMode mode, Instant runStarted) throws SQLException {
            long top;
            try (PreparedStatement max = c.prepareStatement("SELECT coalesce(max(id), 0) FROM queue");
                 ResultSet rs = max.executeQuery()) {
                top = rs.next() ? rs.getLong(1) : 0;
            }
            try (PreparedStatement st = c.prepareStatement("UPDATE queue SET id = id + ?, state = 'queued', enqueued_at = ?, "
                    + "finished_at = NULL WHERE parent IS NOT NULL AND finished_at < ? AND "
                    + InputLoader.dueStates(mode))) {
                String runStart = Timestamps.format(runStarted);
                st.setLong(1, top);
                st.setString(2, runStart);
                st.setString(3, runStart); // not those this run finished already (claimed before this statement)
                return st.executeUpdate();
            }
        }

        /** Whether a finished URL is queued again under the resume mode. */
        private static boolean due(ResumeMode mode, String state) {
            return switch (mode) {
                case SKIP_DONE -> false;
                case RETRY_FAILED -> "failed".equals(state);
                case REFETCH -> true;
            };
        }

        /** The queue rows of these requests, by identity (looked up by URL: the first column of the queue's key). */
        private static Map<String, Found> find(Connection c, List<Request> keys) throws SQLException {
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
    }

    /** Binds parameters 1 to 5 of {@code st} to the request's identity, method, url, headers (JSON text) and body. */
    private static void bindRequest(PreparedStatement st, Request r) throws SQLException {
        st.setString(1, r.id());
        st.setString(2, r.method());
        st.setString(3, r.url());
        st.setString(4, r.headersJson());
        st.setBytes(5, r.body());
    }

    /** Nothing is leased in SQLite: URLs claimed and not finished are still {@code queued} for the next run. */
    @Override
    public void releaseAll() {
        held.clear();
    }

    /** Leaves the store open. */
    @Override
    public void close() {
        held.clear();
        withPassword.clear(); // the writer's statements close with the writer connection, when the store closes
    }
}
