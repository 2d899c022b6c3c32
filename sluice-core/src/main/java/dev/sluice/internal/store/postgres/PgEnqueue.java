package dev.sluice.internal.store.postgres;

import dev.sluice.Request;
import dev.sluice.ResumeMode;
import dev.sluice.RequestResult;
import dev.sluice.InputSource;
import dev.sluice.spi.InputRequests;
import dev.sluice.internal.input.UrlParser;
import dev.sluice.internal.store.Dialect;
import dev.sluice.internal.store.InputLoader;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * How a batch of input is queued in PostgreSQL ({@link InputLoader} streams the input): the database removes
 * duplicates ({@code ON CONFLICT DO NOTHING} on the request's identity), so loading the same or an overlapping list
 * again, even at the same time from several processes, adds each once. Each batch is inserted in identity order, so
 * two loads of overlapping lists lock rows in one order and cannot deadlock.
 *
 * <p>A URL with a password is not queued: the workers would need it from the queue, where it would be stored. It is
 * finished at once as an {@code invalid_url} row saying so (its password masked).
 */
public final class PgEnqueue implements InputLoader.Step {
    static final int BATCH = 5_000;
    static final String PASSWORD = "a URL with a password cannot be queued: the password would be stored in the database "
            + "(give the workers the header instead: -H 'Authorization: Basic …')";

    private static final String REQUEUE = "UPDATE queue SET state = 'queued', finished_by = NULL, finished_at = NULL WHERE ";

    private PgEnqueue() {
    }

    /**
     * A loader of inputs into the queue of {@code db}, outside any run (as {@code sluice enqueue} loads): {@code reader}
     * reads the input's lines as requests; {@code outage}: how long the database may fail in a row before loading
     * gives up.
     */
    public static InputLoader loader(PgDatabase db, InputRequests reader, ResumeMode mode, Clock clock, Duration outage) {
        return loader(db, reader, mode, clock.instant(), clock::instant, outage, null);
    }

    static InputLoader loader(PgDatabase db, InputRequests reader, ResumeMode mode, Instant runStart,
                              java.util.function.Supplier<Instant> now, Duration outage, Long run) {
        return new InputLoader(db, new PgEnqueue(), reader, mode, runStart, now, outage, run);
    }

    @Override
    public int batchLines() {
        return BATCH;
    }

    @Override
    public String refusal(InputRequests.Valid valid, InputSource.Line line) {
        return UrlParser.passwordMasked(valid.request().url()) ? line.where() + ": " + PASSWORD : null;
    }

    @Override
    public InputLoader.Counts queue(Connection c, InputLoader.Batch batch, ResumeMode mode, Instant runStart) throws SQLException {
        List<Request> requests = batch.requests().values().stream().map(InputRequests.Valid::request)
                .sorted(Comparator.comparing(Request::id)).toList();
        long fresh = insert(c, requests, "queued").size();
        long again = mode == ResumeMode.SKIP_DONE ? 0 : requeue(c, requests, mode, runStart);
        Map<String, RequestResult> failures = new java.util.TreeMap<>(batch.invalid());
        List<RequestResult> invalid = insert(c, failures.values().stream().map(RequestResult::request).toList(), "failed")
                .stream().map(failures::get).toList();
        // Repeats of requests queued before cannot be told from those queued by this load: both are "already there".
        return new InputLoader.Counts(fresh, again, requests.size() - fresh - again, 0, invalid);
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

    /**
     * Queues again the listed requests that are finished and, by the resume mode, due again; returns how many. Those
     * finished since {@code runStart} are not (a replace job resumed: its load starts when the job began).
     */
    private static long requeue(Connection c, List<Request> requests, ResumeMode mode, Instant runStart) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(REQUEUE + "request = ANY(?) AND finished_at < ? AND " + InputLoader.dueStates(mode))) {
            st.setArray(1, c.createArrayOf("text", requests.stream().map(Request::id).toArray()));
            Dialect.POSTGRES.time(st, 2, runStart);
            return st.executeUpdate();
        }
    }

    @Override
    public long requeueDiscovered(Connection c, ResumeMode mode, Instant runStart) throws SQLException {
        // not those this run finished already (claimed before this statement)
        try (PreparedStatement st = c.prepareStatement(REQUEUE + "parent IS NOT NULL AND finished_at < ? AND " + InputLoader.dueStates(mode))) {
            Dialect.POSTGRES.time(st, 1, runStart);
            return st.executeUpdate();
        }
    }

}
