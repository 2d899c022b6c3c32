package dev.sluice.spi;

import dev.sluice.RequestResult;
import dev.sluice.RunRecord;
import dev.sluice.StoreException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where results are kept. One implementation per database engine.
 *
 * <p>A run works through the store's {@link #frontier()}, which stores each result in the transaction that
 * finishes its URL; the rest is for whoever owns the store when no run writes to it (status, export).
 */
public interface Store extends AutoCloseable {

    /**
     * The frontier of this database, for one run to load its input into and work on. Closing it leaves the store
     * open. (With PostgreSQL it joins the shared queue as a new worker.)
     */
    Frontier frontier() throws StoreException;

    /** Row counts by status and by error code. */
    Counts counts() throws StoreException;

    /**
     * The last {@code limit} runs recorded on this database, newest first (table {@code runs}). A run left
     * {@code running} by a process that is gone reads {@link RunState#LOST}.
     */
    java.util.List<RunRecord> runs(int limit) throws StoreException;

    /**
     * The report of {@code which} runs recorded on this database, aggregated in it and bounded whatever the results'
     * number; also while runs write to it. A {@link StoreException} naming what is missing when there are none.
     */
    RunReport report(RunReport.Selection which) throws StoreException;

    /** Streams stored results (without records and bodies) in URL order; {@code status} null for all. */
    void scan(RequestResult.Status status, Consumer<RequestResult> sink) throws StoreException;

    /** A human-readable name of where the data is, e.g. the database file's path. */
    String location();

    @Override
    void close() throws StoreException;

    /** Counts of stored rows. */
    record Counts(long ok, long failed, Map<String, Long> byError) {
        public long total() {
            return ok + failed;
        }
    }
}
