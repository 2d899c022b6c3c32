package dev.sluice;

/**
 * A snapshot of a run in progress, for progress lines. Immutable.
 *
 * @param settled     input URLs dealt with: stored (ok or failed), skipped as already done, or duplicates
 * @param total       URL lines in the input when known in advance, else -1
 * @param ok          stored ok this run
 * @param failed      stored failed this run
 * @param inFlight    requests in flight now
 * @param limit       under an adaptive limit, the concurrency it allows now (summed over the hosts with work,
 *                    at most the global cap); -1 under fixed limits
 * @param requests    requests started so far (attempts, retries included)
 * @param elapsedNanos time since the run started
 */
public record Progress(long settled, long total, long ok, long failed, int inFlight, int limit, long requests,
                       long elapsedNanos) {

    /** The same snapshot with the number of URL lines expected. */
    public Progress withTotal(long total) {
        return new Progress(settled, total, ok, failed, inFlight, limit, requests, elapsedNanos);
    }

    /** Seconds until done at the average rate so far, or -1 when unknown. */
    public long etaSeconds() {
        if (total < 0 || settled == 0 || settled >= total) {
            return total >= 0 && settled >= total ? 0 : -1;
        }
        double perNano = settled / (double) elapsedNanos;
        return (long) ((total - settled) / perNano / 1e9);
    }
}
