package dev.sluice.limit;

import java.util.ArrayDeque;

/**
 * Everything the {@link Scheduler} knows about one host (one politeness key): its queue of URLs
 * waiting to be sent, what it has in flight, its limit, its pace, its back-off and its breaker.
 *
 * <p>Not thread-safe: every field is guarded by the scheduler's lock.
 */
final class Host {
    final String key;
    /** URLs waiting for this host, in order; a URL sent back for a host-wide back-off goes first. */
    final ArrayDeque<Scheduler.Task> queue = new ArrayDeque<>();
    /** The cap on requests in flight, unless {@link #adaptive} sets it. */
    private final int fixedLimit;
    final AdaptiveLimit adaptive;
    final HostBackoff backoff;
    final HostBreaker breaker;
    /**
     * Under a fixed cap, the share of it in use after the host pushed back (429/503): halved per event,
     * regained by one slot per round of good answers, so a throttled host is not hit at its full cap the
     * moment its block ends. (An adaptive limit does this itself.)
     */
    private double share = 1;
    /** Smallest spacing of request starts (per-host rate, Crawl-delay); 0 for none. */
    long paceNanos;
    /** Earliest start of the next request under the pace (GCRA: a bucket of depth one). */
    long nextStart;
    int inFlight;
    /** URLs of this host waiting out their own retry delay (not in the queue). */
    int delayed;
    /** In the scheduler's ring of hosts that can send now. */
    boolean inReady;
    /** The instant a timer will look at this host again, or 0 for none pending. */
    long wakeAt;
    /** The adaptive limit last logged, and when: changes are logged at most every few seconds per host. */
    int loggedLimit;
    long limitLoggedAt;

    Host(String key, int fixedLimit, AdaptiveLimit adaptive, HostBackoff backoff, HostBreaker breaker, long paceNanos) {
        this.key = key;
        this.fixedLimit = fixedLimit;
        this.adaptive = adaptive;
        this.backoff = backoff;
        this.breaker = breaker;
        this.paceNanos = paceNanos;
    }

    /** The cap on requests in flight now. */
    int limit() {
        return adaptive != null ? adaptive.current() : Math.max(1, (int) (fixedLimit * share));
    }

    /** The host pushed back: a fixed cap's share halves. */
    void shrink() {
        share = Math.max(1.0 / fixedLimit, share / 2);
    }

    /** A good answer: a fixed cap regains one slot per round of answers (as many as the cap in use). */
    void regain() {
        share = Math.min(1, share + 1.0 / ((double) fixedLimit * limit()));
    }

    /** Whether the cap is back to whole. */
    boolean capWhole() {
        return share >= 1;
    }

    /** The cap as learnt (an adaptive limit's probe rounds aside), for progress and logs. */
    int learntLimit() {
        return adaptive != null ? adaptive.limit() : fixedLimit;
    }

    /** The earliest instant a request may start, as far as time is concerned: the pace and the back-off. */
    long earliestStart() {
        long blocked = backoff.blockedUntil();
        return nextStart - blocked >= 0 ? nextStart : blocked;
    }

    /** Nothing queued, in flight or waiting to come back. */
    boolean idle() {
        return queue.isEmpty() && inFlight == 0 && delayed == 0;
    }
}
