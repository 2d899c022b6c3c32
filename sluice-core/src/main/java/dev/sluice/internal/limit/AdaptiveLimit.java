package dev.sluice.internal.limit;

/**
 * One host's in-flight limit under {@code --concurrency auto}: it follows the server, growing while
 * latency stays flat and shrinking when requests start to queue at the server or the server sheds
 * load (429/503, connect failures, timeouts).
 *
 * <p>The estimate is TCP Vegas's, taken once per <em>round</em> (about {@code limit} finished
 * requests): with {@code base} the server's no-load latency and {@code avg} this round's mean, the
 * server holds about {@code queued = limit × (1 − base/avg)} requests beyond what it serves at once.
 * The base is the lowest <em>round mean</em> seen lately, not the lowest single round trip as in
 * Vegas: the minimum of many samples sits below their mean by a few standard deviations of the noise,
 * which at a limit of 200 reads as a queue of tens of requests and shrinks the limit for nothing
 * (simulated: 48 % of the best throughput with 2 % noise, against 97 % with round means). Fewer than α queued: the server has room, the limit grows
 * (doubling until the first sign of congestion, then by one). More than β: the limit shrinks by the
 * excess. In between it holds. A round with a shed request halves the limit, as TCP does on loss.
 * α and β grow with log10 of the limit (2 and 4 times it; Netflix's concurrency-limits Vegas uses 3
 * and 6, which in simulations of a server with a knee held the limit further past it, costing 2–8 %
 * of throughput), so a large limit is not shaken by jitter of a few milliseconds.
 *
 * <p>A round counts only the requests granted during it with the host at its limit: those granted
 * before were sent under another limit, and those granted below it met a lighter server; either would
 * blur the picture (after a decrease, the queue built by the old limit would count against the new
 * one; after a probe, the first answers at the restored limit would still be fast). A host that never
 * fills its limit (it has no more URLs waiting) thus never grows it: there is nothing to learn.
 *
 * <p>The base is the minimum over the last {@value #BASE_ROUNDS} rounds, so it follows a server that
 * got slower for good instead of shrinking the limit forever. A host held at its knee never shows its
 * no-load latency (every request meets the same queue), so the base would creep up and the limit with
 * it; as BBR does, every {@value #PROBE_EVERY}th round is therefore a <em>probe</em> at half the limit,
 * which sees the server unloaded and keeps the base honest. It costs under 2 % of throughput.
 *
 * <p>Not thread-safe: the {@link Scheduler} calls it under its lock.
 */
public final class AdaptiveLimit {
    static final int PROBE_EVERY = 32;
    static final int BASE_ROUNDS = PROBE_EVERY + 4;
    private static final int MIN_ROUND = 4;

    private final int max;
    private double limit;
    private boolean slowStart = true;

    private int samples;
    private int answered;
    private long rttSum;
    private boolean shed;

    private final double[] roundMeans = new double[BASE_ROUNDS];
    /** Rounds ended so far; the current round's number. */
    private int rounds;
    private int roundMeansKept;
    private boolean probing;

    /** Starts at {@code initial} (capped by {@code max}); never goes below 1 or above {@code max}. */
    public AdaptiveLimit(int initial, int max) {
        if (max < 1 || initial < 1) {
            throw new IllegalArgumentException("limits must be >= 1: initial " + initial + ", max " + max);
        }
        this.max = max;
        this.limit = Math.min(initial, max);
    }

    /** The limit learnt so far, at least 1. */
    public int limit() {
        return (int) limit;
    }

    /** The limit to apply now: {@link #limit()}, or half of it during a probe round. */
    public int current() {
        return probing ? Math.max(1, limit() / 2) : limit();
    }

    /** The current round's number, to give {@link #onSample} for a request granted now. */
    public int round() {
        return rounds;
    }

    /**
     * Records one finished request.
     *
     * @param round    {@link #round()} when it was granted
     * @param rttNanos how long it took, from being granted to its answer
     * @param inFlight requests in flight to the host when it was granted, itself included
     * @param shed     the server refused it for load (429/503), or could not be reached in time
     * @return whether {@link #limit()} changed
     */
    public boolean onSample(int round, long rttNanos, int inFlight, boolean shed) {
        if (round != rounds || !shed && inFlight < current()) {
            return false; // granted in an earlier round, or below the limit
        }
        samples++;
        if (shed) {
            this.shed = true;
        } else {
            answered++;
            rttSum += rttNanos;
        }
        if (samples < Math.max(MIN_ROUND, current())) {
            return false;
        }
        int before = limit();
        endRound();
        return limit() != before;
    }

    private void endRound() {
        if (shed) {
            slowStart = false;
            limit = Math.max(1, limit / 2);
        } else if (answered > 0) {
            double mean = (double) rttSum / answered;
            roundMeans[roundMeansKept++ % BASE_ROUNDS] = mean;
            if (!probing) {
                adjust(mean);
            }
        }
        rounds++;
        probing = !slowStart && rounds % PROBE_EVERY == 0;
        samples = 0;
        answered = 0;
        rttSum = 0;
        shed = false;
    }

    /** Vegas: grow, hold or shrink by the number of requests queued at the server. */
    private void adjust(double avg) {
        double queued = limit * (1 - base() / avg);
        double log = Math.log10(Math.max(limit, 1));
        double alpha = Math.max(1, 2 * log);
        double beta = Math.max(2, 4 * log);
        if (queued > beta) {
            slowStart = false;
            limit = Math.max(1, limit - Math.max(1, queued - beta));
        } else if (queued < alpha) {
            limit = Math.min(max, slowStart ? limit * 2 : limit + 1);
        }
    }

    private double base() {
        double min = Double.MAX_VALUE;
        for (int i = 0; i < Math.min(roundMeansKept, BASE_ROUNDS); i++) {
            min = Math.min(min, roundMeans[i]);
        }
        return min;
    }
}
