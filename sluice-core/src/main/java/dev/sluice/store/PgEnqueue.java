package dev.sluice.store;

import dev.sluice.ErrorKind;
import dev.sluice.ResumeMode;
import dev.sluice.StoreException;
import dev.sluice.UrlResult;
import dev.sluice.UrlSource;
import dev.sluice.WorkQueue;
import dev.sluice.input.UrlParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Loads URLs into the work queue: the input is streamed in batches of {@value #BATCH} lines, one
 * transaction each, and the database removes duplicates ({@code ON CONFLICT DO NOTHING} on the URL), so
 * running it again with the same or an overlapping list, even at the same time, adds each URL once.
 *
 * <p>A line that is not a fetchable URL, or one with a password, is finished at once: a {@code failed} row
 * ({@code invalid_url}, naming its line; its password masked) in the same transaction. Each batch is inserted
 * in URL order, so two loads of overlapping lists lock rows in one order and cannot deadlock.
 *
 * <p>Runs on the caller's thread. A batch is retried through a database outage, like the writer's.
 */
public final class PgEnqueue {
    private static final Logger log = LoggerFactory.getLogger(PgEnqueue.class);
    static final int BATCH = 5_000;
    /** Longer URLs do not fit a btree index entry (about 2,700 bytes): they cannot be a key of the queue. */
    static final int MAX_URL_BYTES = 2_048;
    /** Why a URL with a password is not queued: the workers would need it from the queue, where it would be stored. */
    static final String PASSWORD = "a URL with a password cannot be queued: the password would be stored in the database "
            + "(give the workers the header instead: -H 'Authorization: Basic …')";

    private final PgDatabase db;
    private final ResumeMode mode;
    private final Clock clock;
    private final StoreRetry retry;

    /** {@code outage}: how long the database may fail in a row before loading gives up (see {@link StoreRetry}). */
    public PgEnqueue(PgDatabase db, ResumeMode mode, Clock clock, java.time.Duration outage) {
        this.db = db;
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
        long tooLong = 0;
        try (source) {
            while (!stopped.getAsBoolean()) {
                TreeSet<String> urls = new TreeSet<>();
                Map<String, UrlResult> failures = new LinkedHashMap<>();
                int n = 0;
                UrlSource.Line line;
                while (n < BATCH && (line = source.next()) != null) {
                    n++;
                    String text = line.text();
                    if (text.getBytes(StandardCharsets.UTF_8).length > MAX_URL_BYTES) {
                        tooLong++;
                        log.warn("{}: skipped: longer than {} bytes, too long to be a key of the queue", line.where(), MAX_URL_BYTES);
                    } else {
                        classify(line, urls, failures);
                    }
                    if (!source.ready()) {
                        break; // a slow pipe: what has come is worked on now, not after a full batch
                    }
                }
                if (n == 0) {
                    break;
                }
                lines += n;
                List<UrlResult> newInvalid = new ArrayList<>();
                long[] counts = loadBatch(new ArrayList<>(urls), failures, newInvalid);
                queued += counts[0];
                requeued += counts[1];
                invalid += newInvalid.size();
                already += urls.size() - counts[0] - counts[1];
                committed.accept(newInvalid);
            }
        }
        // Duplicate lines cannot be told from URLs queued before: both are "already there".
        return new WorkQueue.Loaded(lines, queued, requeued, already, 0, invalid, tooLong);
    }

    /** A line of the input: a URL to queue, or an invalid line's failed result. */
    private void classify(UrlSource.Line line, TreeSet<String> urls, Map<String, UrlResult> failures) {
        String text = line.text();
        String url = UrlParser.masked(text);
        String why = url.equals(text) ? null : PASSWORD;
        try {
            UrlParser.parse(text);
        } catch (UrlParser.InvalidUrlException e) {
            why = e.getMessage();
        }
        if (why == null) {
            urls.add(text);
        } else {
            failures.putIfAbsent(url, UrlResult.failed(url, ErrorKind.INVALID_URL, line.where() + ": " + why,
                    null, 0, 0, clock.instant()));
        }
    }

    /**
     * One batch in one transaction, retried through an outage (and if it deadlocks anyway); returns {new, requeued}
     * and adds the invalid lines stored to {@code newInvalid}.
     */
    private long[] loadBatch(List<String> urls, Map<String, UrlResult> failures, List<UrlResult> newInvalid)
            throws StoreException, InterruptedException {
        return retry.call("loading " + (urls.size() + failures.size()) + " URLs into the queue", () -> {
            try (Connection c = db.connection()) {
                c.setAutoCommit(false);
                try {
                    long fresh = insert(c, urls, "queued").size();
                    long again = mode == ResumeMode.SKIP_DONE ? 0 : requeue(c, urls);
                    List<UrlResult> invalid = insert(c, new ArrayList<>(failures.keySet()), "failed").stream()
                            .map(failures::get).toList();
                    PgRows.write(c, invalid);
                    c.commit();
                    newInvalid.clear(); // a retried batch: only the last try's count
                    newInvalid.addAll(invalid);
                    return new long[] {fresh, again};
                } catch (SQLException e) {
                    throw PgRows.rolledBack(c, e);
                }
            } catch (SQLException e) {
                throw new StoreException(db.location(), "cannot add URLs to the queue", e);
            }
        });
    }

    /** Inserts the URLs not yet in the queue, in the given state; returns those inserted. */
    private static List<String> insert(Connection c, List<String> urls, String state) throws SQLException {
        List<String> inserted = new ArrayList<>();
        if (urls.isEmpty()) {
            return inserted;
        }
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO queue (url, state, finished_by, finished_at)
                SELECT u, ?, CASE WHEN ? = 'failed' THEN 'enqueue' END, CASE WHEN ? = 'failed' THEN now() END
                FROM unnest(?::text[]) WITH ORDINALITY AS t(u, n) ORDER BY n
                ON CONFLICT (url) DO NOTHING
                RETURNING url""")) {
            st.setString(1, state);
            st.setString(2, state);
            st.setString(3, state);
            st.setArray(4, c.createArrayOf("text", urls.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
        }
        return inserted;
    }

    /** Queues again the listed URLs that are finished and, by the resume mode, due again; returns how many. */
    private long requeue(Connection c, List<String> urls) throws SQLException {
        String due = mode == ResumeMode.RETRY_FAILED ? "state = 'failed'" : "state IN ('done', 'failed')";
        try (PreparedStatement st = c.prepareStatement("UPDATE queue SET state = 'queued', finished_by = NULL, finished_at = NULL "
                + "WHERE url = ANY(?) AND " + due)) {
            st.setArray(1, c.createArrayOf("text", urls.toArray()));
            return st.executeUpdate();
        }
    }
}
