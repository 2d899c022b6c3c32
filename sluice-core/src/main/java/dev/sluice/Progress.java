package dev.sluice;

/**
 * A snapshot of a run in progress, for progress lines. Immutable.
 *
 * @param settled     URLs dealt with: stored (ok or failed), skipped as already done, or duplicates
 * @param total       URL lines in the input when known in advance, and the requests discovered so far; else -1
 * @param ok          stored ok this run
 * @param failed      stored failed this run
 * @param inFlight    requests in flight now
 * @param limit       under an adaptive limit, the concurrency it allows now (summed over the hosts with work,
 *                    at most the global cap); -1 under fixed limits
 * @param requests    requests started so far (attempts, retries included)
 * @param elapsedNanos time since the run started
 * @param discovered  requests the responses of this run added to the frontier so far (each is one more to settle)
 */
public record Progress(long settled, long total, long ok, long failed, int inFlight, int limit, long requests,
                       long elapsedNanos, long discovered) {

    /** The same snapshot with the number of URL lines expected, the discovered requests added to them. */
    public Progress withTotal(long urlLines) {
        return new Progress(settled, urlLines < 0 ? -1 : urlLines + discovered, ok, failed, inFlight, limit, requests,
                elapsedNanos, discovered);
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
