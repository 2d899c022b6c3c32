package dev.sluice;

import java.util.Collection;
import java.util.List;

/**
 * A queue of URLs shared by several workers, on as many machines as needed: each URL is claimed by one
 * worker at a time under a lease, and finished in the same transaction that stores its result, so it
 * ends with exactly one final row whichever worker ran it. A worker that dies loses only its leases;
 * once they expire, other workers claim its URLs again.
 *
 * <p>Threading: {@link #claim} and {@link #drained} are called by the pipeline's admission thread,
 * {@link #complete} by its writer thread, the rest by the owner when no run uses the queue.
 */
public interface WorkQueue extends AutoCloseable {

    /** A URL this worker now holds, with the validators of its stored ok row (for a conditional refetch). */
    record Claim(String url, Validators validators) {
    }

    /** Claims up to {@code max} queued URLs, first in first out; an empty list when none is queued now. */
    List<Claim> claim(int max) throws StoreException;

    /** Whether no URL is queued or leased by any worker: there is nothing left to do or to wait for. */
    boolean drained() throws StoreException;

    /**
     * Stores results of claimed URLs and finishes their queue rows, all in one transaction. Returns the
     * results stored; a URL whose lease another worker has taken meanwhile (this worker was presumed dead)
     * is left out, and its result dropped: the other worker's is the one kept.
     */
    List<UrlResult> complete(Collection<UrlResult> batch) throws StoreException;

    /** Gives back to the queue every URL this worker holds and has not finished (at the end of a run). */
    void releaseAll() throws StoreException;

    /**
     * The per-host slots this worker shares with the queue's other workers, so per-host limits hold across
     * all of them; null when it shares none (its limits are its own).
     */
    default dev.sluice.limit.SharedSlots hostSlots() {
        return null;
    }

    /** This worker's name in the queue (lease owner). */
    String workerId();

    /** A human-readable name of where the queue is, without secrets. */
    String location();

    @Override
    void close() throws StoreException;
}
