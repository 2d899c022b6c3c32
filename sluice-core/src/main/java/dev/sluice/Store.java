package dev.sluice;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where results are kept. One implementation per database engine.
 *
 * <p>Threading: {@link #write} is called only by the pipeline's single writer thread;
 * {@link #alreadyDone} only by its admission thread; the rest by whoever owns the store, when no
 * run is using it. Implementations keep separate connections for the writer and the readers.
 */
public interface Store extends AutoCloseable {

    /**
     * Of these URLs, those whose stored row means they are not fetched again in a run that started at
     * {@code runStart}: under {@link ResumeMode#SKIP_DONE} every URL with a row; under
     * {@link ResumeMode#RETRY_FAILED} those that are ok or were stored by this run; under
     * {@link ResumeMode#REFETCH} those stored by this run.
     */
    Set<String> alreadyDone(Collection<String> urls, ResumeMode mode, Instant runStart) throws StoreException;

    /**
     * Of these URLs, the validators (ETag, Last-Modified) stored with their ok rows, for a refetch to send
     * back; URLs without a row, failed, or stored without validators are absent.
     */
    Map<String, Validators> validators(Collection<String> urls) throws StoreException;

    /**
     * Stores a batch in one transaction: all of it, or none of it. With {@code replacing}, earlier rows of
     * these URLs (results, records, bodies) are replaced; without it the caller knows there are none
     * (a run that skips stored URLs), which saves the work of looking. An {@link UrlResult#unchanged()} result
     * only updates the stored row's fetch time, attempts and elapsed time, and marks it unchanged.
     */
    void write(Collection<UrlResult> batch, boolean replacing) throws StoreException;

    /** Row counts by status and by error code. */
    Counts counts() throws StoreException;

    /** Streams stored results (without records and bodies) in URL order; {@code status} null for all. */
    void scan(UrlResult.Status status, Consumer<UrlResult> sink) throws StoreException;

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
