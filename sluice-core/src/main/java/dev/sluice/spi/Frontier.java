package dev.sluice.spi;

import dev.sluice.InputSource;
import dev.sluice.Request;
import dev.sluice.RequestResult;
import dev.sluice.ResumeMode;
import dev.sluice.RunState;
import dev.sluice.RunSummary;
import dev.sluice.SluiceConfig;
import dev.sluice.StoreException;
import dev.sluice.Validators;
import dev.sluice.Lineage;
import dev.sluice.spi.InputRequests;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The frontier: every URL a job has to fetch, whether loaded from its input or discovered in a response, kept
 * in the database (table {@code queue}) so that memory does not grow with it and a crash loses none of it. A
 * URL is in it once (the database removes duplicates), is claimed by one worker at a time, and is finished in
 * the same transaction that stores its result and inserts the URLs its response discovered, so it ends with
 * exactly one final row whichever worker ran it. One implementation per database: SQLite's is worked by one
 * process; PostgreSQL's is shared by several workers under leases, and a worker that dies loses only its
 * leases: once they expire, other workers claim its URLs again.
 *
 * <p>Threading: {@link #claim} and {@link #drained} are called by the pipeline's admission thread,
 * {@link #complete} by its writer thread, {@link #prepare} by its CPU threads, {@link #load} by a loading thread, the
 * rest by the owner when no run uses the frontier.
 */
public interface Frontier extends AutoCloseable {

    /**
     * A request this worker now holds.
     *
     * @param request    the request, as its row keeps it (its URL's password masked)
     * @param fetchAs    the URL to fetch: the request's, or the URL as the input wrote it when that carries a password;
     *                   null when the password is not known here (it is never stored)
     * @param validators those of its stored ok row, for a conditional refetch
     * @param lineage    where it came from
     */
    record Claim(Request request, String fetchAs, Validators validators, Lineage lineage) {
    }

    /**
     * What loading an input did.
     *
     * @param lines      input lines read
     * @param queued     requests new to the frontier
     * @param requeued   requests stored before and queued again ({@code --retry-failed}, {@code --refetch})
     * @param skipped    requests the frontier had from an earlier run, not due again
     * @param duplicates lines repeating a request this load had queued (where the frontier can tell; else in skipped)
     * @param invalid    lines stored as failed ({@code invalid_url})
     */
    record Loaded(long lines, long queued, long requeued, long skipped, long duplicates, long invalid) {
    }

    /**
     * How a run starts, as table {@code runs} records it.
     *
     * @param command   its command line, secrets masked ({@link Secrets#commandLine}); null when not started by one
     * @param config    its configuration, recorded with the values of credential headers masked
     * @param startedAt when it started
     * @param facts     what its requests meet, written beside its results by each commit and at its end; null for none
     */
    record RunStart(String command, SluiceConfig config, Instant startedAt, dev.sluice.spi.RunFacts facts) {
    }

    /**
     * How a run ended, as table {@code runs} records it.
     *
     * @param state   {@link RunState#DONE}, {@link RunState#INTERRUPTED} or {@link RunState#FATAL}
     * @param message why it failed, for {@link RunState#FATAL}; else null
     * @param summary what it did
     * @param endedAt when it ended
     */
    record RunEnd(RunState state, String message, RunSummary summary, Instant endedAt) {
    }

    /**
     * Records the start of a run on this frontier (a row of {@code runs}; in SQLite, runs left {@code running} by a
     * process that died become {@link RunState#LOST}) and returns its id: the results stored from now on, by
     * {@link #complete} and {@link #load}, carry it. Called once, before anything is loaded or claimed.
     */
    long beginRun(RunStart start) throws StoreException;

    /** Records how the run begun by {@link #beginRun} ended, with its summary and the facts not written yet. */
    void endRun(RunEnd end) throws StoreException;

    /** Claims up to {@code max} queued URLs, first in first out; an empty list when none is queued now. */
    List<Claim> claim(int max) throws StoreException;

    /** Whether no URL is queued or leased by any worker: there is nothing left to do or to wait for. */
    boolean drained() throws StoreException;

    /**
     * Stores results of claimed URLs, finishes their queue rows and adds the requests their responses discovered
     * ({@link RequestResult#discovered()}; one already in the frontier is left as it is), with the run's facts not written
     * yet ({@link RunStart#facts()}), all in one transaction.
     * Returns the results stored, each with only the discovered requests that were new; a URL whose lease another
     * worker has taken meanwhile (this worker was presumed dead) is left out, and its result dropped with what it
     * discovered: the other worker's is the one kept.
     */
    List<RequestResult> complete(Collection<RequestResult> batch) throws StoreException;

    /**
     * A processed result, before it waits for its {@link #complete}: the work on it that needs no database, done here on
     * a CPU thread rather than on the one writer thread that every commit waits for (SQL frontiers fit its typed rows
     * to their columns as last committed). Optional work: a result not prepared, or prepared for columns that have
     * changed since, is completed all the same. Never throws.
     */
    default void prepare(RequestResult result) {
    }

    /**
     * From now on, discovered requests join the frontier only while it holds fewer than {@code max} requests
     * ({@code --max-requests}, counted in the database at each commit that discovered some); the others are
     * dropped. -1: no limit. Input URLs are never dropped.
     */
    void limitRequests(long max);

    /**
     * From now on, completions also store each result's {@linkplain RequestResult#extraction() rows} in the typed
     * table {@code schema} describes (and its child tables), in the same transaction. Called before each run (with the
     * same schema on one frontier); creates the table and its declared columns where they are not there yet. For a
     * replace job ({@code schema}'s table is the staged one), returns when its staged table was made: the job's start,
     * which its runs' loading takes as theirs (what was finished before is fetched again); else null.
     */
    Instant storeTables(TableSchema schema) throws StoreException;

    /**
     * The replace job whose tables {@link #storeTables} stores has done all its work: its staged tables take the place
     * of their namesakes, in one transaction, unless a request is still queued or being fetched (by another worker,
     * which does it when it ends). Returns whether they did.
     */
    boolean replaceTables() throws StoreException;

    /**
     * Loads the lines of {@code source}, read as requests by {@code reader}, into the frontier, in batches of one
     * transaction each, until it ends or {@code stopped} says so; a line that is not a request Sluice can send is stored at once as a failed row
     * ({@code invalid_url}, naming its line), and {@code invalidStored} is told of those after their commit.
     * Under {@code mode}, URLs stored before {@code runStart} are queued again or skipped. A batch is retried
     * through a database outage of up to {@code outage}.
     */
    Loaded load(InputSource source, InputRequests reader, ResumeMode mode, Instant runStart, Duration outage,
                Consumer<List<RequestResult>> invalidStored, BooleanSupplier stopped)
            throws StoreException, IOException, InterruptedException;

    /** Gives back to the queue every URL this worker holds and has not finished (at the end of a run). */
    void releaseAll() throws StoreException;

    /**
     * The per-host slots this worker shares with the queue's other workers, so per-host limits hold across
     * all of them; null when it shares none (its limits are its own).
     */
    default dev.sluice.spi.HostSlots hostSlots() {
        return null;
    }

    /** This worker's name in the queue (lease owner). */
    String workerId();

    /** A human-readable name of where the queue is, without secrets. */
    String location();

    @Override
    void close() throws StoreException;
}
