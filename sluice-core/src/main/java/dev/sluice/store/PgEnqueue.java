package dev.sluice.store;

import dev.sluice.ErrorKind;
import dev.sluice.Request;
import dev.sluice.ResumeMode;
import dev.sluice.StoreException;
import dev.sluice.UrlResult;
import dev.sluice.UrlSource;
import dev.sluice.WorkQueue;
import dev.sluice.input.InputRequests;
import dev.sluice.input.UrlParser;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Loads requests into the work queue: the input is streamed in batches of {@value #BATCH} lines, one
 * transaction each, and the database removes duplicates ({@code ON CONFLICT DO NOTHING} on the request's
 * identity), so running it again with the same or an overlapping list, even at the same time, adds each once.
 *
 * <p>A line that is not a request Sluice can send, or one whose URL has a password, is finished at once: a
 * {@code failed} row ({@code invalid_url}, naming its line; its password masked) in the same transaction. Each
 * batch is inserted in identity order, so two loads of overlapping lists lock rows in one order and cannot deadlock.
 *
 * <p>Runs on the caller's thread. A batch is retried through a database outage, like the writer's.
 */
public final class PgEnqueue {
    static final int BATCH = 5_000;
    /** Why a URL with a password is not queued: the workers would need it from the queue, where it would be stored. */
    static final String PASSWORD = "a URL with a password cannot be queued: the password would be stored in the database "
            + "(give the workers the header instead: -H 'Authorization: Basic …')";

    private final PgDatabase db;
    private final InputRequests reader;
    private final ResumeMode mode;
    private final Clock clock;
    private final StoreRetry retry;
    private final Long run;

    /**
     * {@code reader} reads the input's lines as requests; {@code outage}: how long the database may fail in a row
     * before loading gives up (see {@link StoreRetry}); {@code run}: the run whose input this is, which the rows of
     * invalid lines say stored them (null: none, as for {@code sluice enqueue}).
     */
    public PgEnqueue(PgDatabase db, InputRequests reader, ResumeMode mode, Clock clock, java.time.Duration outage, Long run) {
        this.run = run;
        this.db = db;
        this.reader = reader;
        this.mode = mode;
        this.clock = clock;
        this.retry = new StoreRetry(outage);
    }

    /** Loads every line of {@code source}; returns when all is committed. */
    public WorkQueue.Loaded load(UrlSource source) throws StoreException, IOException, InterruptedException {
        return load(source, invalid -> { }, () -> false);
    }

    /**
     * Loads the lines of {@code source} until it ends or {@code stopped} says so (checked between batches); after
     * each batch's commit {@code committed} is told of the invalid lines it stored.
     */
    public WorkQueue.Loaded load(UrlSource source, Consumer<List<UrlResult>> committed, BooleanSupplier stopped)
            throws StoreException, IOException, InterruptedException {
        long lines = 0;
        long queued = 0;
        long already = 0;
        long requeued = 0;
        long invalid = 0;
        try (source) {
            while (!stopped.getAsBoolean()) {
                TreeMap<String, Request> requests = new TreeMap<>();
                Map<String, UrlResult> failures = new TreeMap<>();
                int n = 0;
                UrlSource.Line line;
                while (n < BATCH && (line = source.next()) != null) {
                    n++;
                    classify(line, requests, failures);
                    if (!source.ready()) {
                        break; // a slow pipe: what has come is worked on now, not after a full batch
                    }
                }
                if (n == 0) {
                    break;
                }
                lines += n;
                List<UrlResult> newInvalid = new ArrayList<>();
                long[] counts = loadBatch(new ArrayList<>(requests.values()), failures, newInvalid);
                queued += counts[0];
                requeued += counts[1];
                invalid += newInvalid.size();
                already += requests.size() - counts[0] - counts[1];
                committed.accept(newInvalid);
            }
        }
        // Duplicate lines cannot be told from requests queued before: both are "already there".
        return new WorkQueue.Loaded(lines, queued, requeued, already, 0, invalid);
    }

    /** A line of the input: a request to queue (by identity), or an invalid line's failed result. */
    private void classify(UrlSource.Line line, Map<String, Request> requests, Map<String, UrlResult> failures) {
        InputRequests.Read read = reader.read(line);
        Request request = read.request();
        String why = switch (read) {
            case InputRequests.Invalid bad -> bad.detail();
            case InputRequests.Valid valid -> UrlParser.passwordMasked(request.url()) ? line.where() + ": " + PASSWORD : null;
        };
        if (why == null) {
            requests.putIfAbsent(request.id(), request);
        } else {
            failures.putIfAbsent(request.id(), UrlResult.failed(request, ErrorKind.INVALID_URL, why, null, 0, 0, clock.instant()));
        }
    }

    /**
     * One batch in one transaction, retried through an outage (and if it deadlocks anyway); returns {new, requeued}
     * and adds the invalid lines stored to {@code newInvalid}.
     */
    private long[] loadBatch(List<Request> requests, Map<String, UrlResult> failures, List<UrlResult> newInvalid)
            throws StoreException, InterruptedException {
        return retry.call("loading " + (requests.size() + failures.size()) + " requests into the queue", () -> {
            try (Connection c = db.connection()) {
                c.setAutoCommit(false);
                try {
                    long fresh = insert(c, requests, "queued").size();
                    long again = mode == ResumeMode.SKIP_DONE ? 0 : requeue(c, requests);
                    List<UrlResult> invalid = insert(c, failures.values().stream().map(UrlResult::request).toList(), "failed")
                            .stream().map(failures::get).toList();
                    PgRows.write(c, invalid, run);
                    c.commit();
                    newInvalid.clear(); // a retried batch: only the last try's count
                    newInvalid.addAll(invalid);
                    return new long[] {fresh, again};
                } catch (SQLException e) {
                    throw PgRows.rolledBack(c, e);
                }
            } catch (SQLException e) {
                throw new StoreException(db.location(), "cannot add requests to the queue", e);
            }
        });
    }

    /** Inserts the requests not yet in the queue (in the given order), in the given state; returns the identities inserted. */
    private static List<String> insert(Connection c, List<Request> requests, String state) throws SQLException {
        List<String> inserted = new ArrayList<>();
        if (requests.isEmpty()) {
            return inserted;
        }
        try (PreparedStatement st = c.prepareStatement("INSERT INTO queue (request, method, url, headers, body, state, "
                + "finished_by, finished_at) SELECT " + PgRequests.VALUES + ", ?, CASE WHEN ? = 'failed' THEN 'enqueue' END, "
                + "CASE WHEN ? = 'failed' THEN now() END FROM unnest(" + PgRequests.ARRAYS + ") WITH ORDINALITY AS t(i, m, u, h, b, n) "
                + "ORDER BY n ON CONFLICT (request) DO NOTHING RETURNING request")) {
            st.setString(1, state);
            st.setString(2, state);
            st.setString(3, state);
            PgRequests.bind(st, c, 4, requests);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
        }
        return inserted;
    }

    /** Queues again the listed requests that are finished and, by the resume mode, due again; returns how many. */
    private long requeue(Connection c, List<Request> requests) throws SQLException {
        String due = mode == ResumeMode.RETRY_FAILED ? "state = 'failed'" : "state IN ('done', 'failed')";
        try (PreparedStatement st = c.prepareStatement("UPDATE queue SET state = 'queued', finished_by = NULL, finished_at = NULL "
                + "WHERE request = ANY(?) AND " + due)) {
            st.setArray(1, c.createArrayOf("text", requests.stream().map(Request::id).toArray()));
            return st.executeUpdate();
        }
    }
}
