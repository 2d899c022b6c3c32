package dev.sluice.internal.store;

import dev.sluice.ErrorKind;
import dev.sluice.ResumeMode;
import dev.sluice.StoreException;
import dev.sluice.RequestResult;
import dev.sluice.InputSource;
import dev.sluice.spi.Frontier;
import dev.sluice.spi.InputRequests;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Loads an input into the frontier, the same way in both databases: the lines are streamed in batches, each read as
 * requests ({@link InputRequests}), repeats within a batch dropped, and each batch queued in one transaction by the
 * database's {@link Step} (which decides, against what the frontier holds, what is new, due again or skipped). An
 * invalid line is stored at once as a failed row ({@code invalid_url}, naming its line) in its batch's transaction.
 * A batch is retried through a database outage ({@link StoreRetry}).
 *
 * <p>Runs on its caller's thread (a run's {@code sluice-input} thread, or {@code sluice enqueue}'s main thread), on a
 * connection of its own ({@link SqlDatabase#loading()}). Not thread-safe.
 */
public final class InputLoader {

    /** How one database queues a batch. */
    public interface Step {
        /** Lines per batch and transaction. */
        int batchLines();

        /** Why a valid request cannot be queued here (it becomes an {@code invalid_url} row), or null when it can. */
        default String refusal(InputRequests.Valid valid, InputSource.Line line) {
            return null;
        }

        /** Queues the batch inside the caller's transaction, under {@code mode}, for a run started at {@code runStart}. */
        Counts queue(Connection c, Batch batch, ResumeMode mode, Instant runStart) throws SQLException;

        /**
         * Queues again, inside the caller's transaction, the finished requests that discovery added and that are due
         * under {@code mode} (never {@link ResumeMode#SKIP_DONE}), for a run started at {@code runStart}; returns how
         * many. No input line names them, so no batch would: a crawl's pages are fetched again with its seeds.
         */
        long requeueDiscovered(Connection c, ResumeMode mode, Instant runStart) throws SQLException;
    }

    /**
     * One batch of input lines: the requests to queue by identity, in input order; the invalid lines as failed
     * results, by identity; how many lines repeated a request of the batch.
     */
    public record Batch(long lines, LinkedHashMap<String, InputRequests.Valid> requests,
                        LinkedHashMap<String, RequestResult> invalid, long repeats) {
    }

    /**
     * What queueing a batch did.
     *
     * @param invalidStored the batch's invalid lines new to the frontier, whose failed rows are to be stored
     */
    public record Counts(long queued, long requeued, long skipped, long duplicates, List<RequestResult> invalidStored) {
    }

    /** SQL for the finished queue rows due again under {@code mode}: failed ones, or all finished ones. */
    public static String dueStates(ResumeMode mode) {
        return mode == ResumeMode.RETRY_FAILED ? "state = 'failed'" : "state IN ('done', 'failed')";
    }

    private final SqlDatabase db;
    private final Step step;
    private final InputRequests reader;
    private final ResumeMode mode;
    private final Instant runStart;
    private final Supplier<Instant> now;
    private final StoreRetry retry;
    private final Long run;

    /**
     * {@code runStart}: when the run began (rows it queues carry it); {@code now}: the time invalid lines are stored
     * at; {@code outage}: how long the database may fail in a row before loading gives up; {@code run}: the run whose
     * input this is, which the rows of invalid lines say stored them (null: none, as for {@code sluice enqueue}).
     */
    public InputLoader(SqlDatabase db, Step step, InputRequests reader, ResumeMode mode, Instant runStart,
                       Supplier<Instant> now, Duration outage, Long run) {
        this.db = db;
        this.step = step;
        this.reader = reader;
        this.mode = mode;
        this.runStart = runStart;
        this.now = now;
        this.retry = new StoreRetry(outage);
        this.run = run;
    }

    /** Loads every line of {@code source}; returns when all is committed. */
    public Frontier.Loaded load(InputSource source) throws StoreException, IOException, InterruptedException {
        return load(source, invalid -> { }, () -> false);
    }

    /**
     * Loads the lines of {@code source} until it ends or {@code stopped} says so (checked between batches); after each
     * batch's commit {@code committed} is told of the invalid lines it stored.
     */
    public Frontier.Loaded load(InputSource source, Consumer<List<RequestResult>> committed, BooleanSupplier stopped)
            throws StoreException, IOException, InterruptedException {
        long lines = 0;
        long queued = 0;
        long requeued = 0;
        long skipped = 0;
        long duplicates = 0;
        long invalid = 0;
        try (source; Transactions tx = db.loading()) {
            if (mode != ResumeMode.SKIP_DONE) {
                String what = "queue again the discovered requests due under " + mode.name().toLowerCase(java.util.Locale.ROOT);
                requeued += retry.call(what, () -> tx.inTransaction("cannot " + what,
                        c -> step.requeueDiscovered(c, mode, runStart)));
            }
            while (!stopped.getAsBoolean()) {
                Batch batch = read(source);
                if (batch.lines() == 0) {
                    break;
                }
                String what = "load " + batch.lines() + (batch.lines() == 1 ? " line" : " lines") + " into the queue";
                Counts counts = retry.call(what, () -> tx.inTransaction("cannot " + what, c -> {
                    Counts done = step.queue(c, batch, mode, runStart);
                    db.rows().write(c, done.invalidStored(), id -> false, run);
                    return done;
                }));
                lines += batch.lines();
                queued += counts.queued();
                requeued += counts.requeued();
                skipped += counts.skipped();
                duplicates += counts.duplicates() + batch.repeats();
                invalid += counts.invalidStored().size();
                committed.accept(counts.invalidStored());
            }
        }
        return new Frontier.Loaded(lines, queued, requeued, skipped, duplicates, invalid);
    }

    private Batch read(InputSource source) throws IOException {
        LinkedHashMap<String, InputRequests.Valid> requests = new LinkedHashMap<>();
        LinkedHashMap<String, RequestResult> invalid = new LinkedHashMap<>();
        long lines = 0;
        long repeats = 0;
        InputSource.Line line;
        while (lines < step.batchLines() && (line = source.next()) != null) {
            lines++;
            InputRequests.Read read = reader.read(line);
            String id = read.request().id();
            String why = switch (read) {
                case InputRequests.Invalid bad -> bad.detail();
                case InputRequests.Valid valid -> step.refusal(valid, line);
            };
            if (requests.containsKey(id) || invalid.containsKey(id)) {
                repeats++;
            } else if (why == null) {
                requests.put(id, (InputRequests.Valid) read);
            } else {
                invalid.put(id, RequestResult.failed(read.request(), ErrorKind.INVALID_URL, why, null, 0, 0, now.get()));
            }
            if (!source.ready()) {
                break; // a slow pipe: what has come is worked on now, not after a full batch
            }
        }
        return new Batch(lines, requests, invalid, repeats);
    }
}
