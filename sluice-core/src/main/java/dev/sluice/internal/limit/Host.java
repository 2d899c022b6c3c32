package dev.sluice.internal.limit;

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
    /** Its recent answers: whether its pushbacks are about the host as a whole. */
    final PushbackWindow pushback = new PushbackWindow();
    /**
     * Under a fixed cap, the share of it in use after the host pushed back (429/503): halved per event,
     * regained by one slot per round of good answers, so a throttled host is not hit at its full cap the
     * moment its block ends. (An adaptive limit does this itself.)
     */
    private double share = 1;
    /** Smallest spacing of request starts (per-host rate, Crawl-delay) for the whole host; 0 for none. */
    long paceNanos;
    /**
     * Slots of the host this process holds when they are shared with other workers ({@link HostSlots}),
     * else {@link Integer#MAX_VALUE}: what may be in flight here at most, whatever the limit.
     */
    int held = Integer.MAX_VALUE;
    /** Earliest start of the next request under the pace (GCRA: a bucket of depth one). */
    long nextStart;
    int inFlight;
    /** URLs of this host waiting out their own retry delay (not in the queue). */
    int delayed;
    /** In the scheduler's ring of hosts that can send now. */
    boolean inReady;
    /** The instant a timer will look at this host again, or 0 for none pending; and that timer's task. */
    long wakeAt;
    Timer.Cancellable wake;
    /** The adaptive limit last logged, and when: changes are logged at most every few seconds per host. */
    int loggedLimit;
    long limitLoggedAt;
    /** When it was last logged as held back as a whole. */
    long heldLoggedAt;
    /** When it last answered anything (any status). */
    long lastAnswerAt;

    Host(String key, int fixedLimit, AdaptiveLimit adaptive, HostBackoff backoff, HostBreaker breaker, long paceNanos) {
        this.key = key;
        this.fixedLimit = fixedLimit;
        this.adaptive = adaptive;
        this.backoff = backoff;
        this.breaker = breaker;
        this.paceNanos = paceNanos;
    }

    /** The cap on requests in flight now, as this host's politeness says (whatever the slots held). */
    int limit() {
        return adaptive != null ? adaptive.current() : Math.max(1, (int) (fixedLimit * share));
    }

    /** What may be in flight now: the limit, and no more than the shared slots held. */
    int sendLimit() {
        return Math.min(limit(), held);
    }

    /** Whether this process shares the host's slots with other workers. */
    boolean shared() {
        return held != Integer.MAX_VALUE;
    }

    /**
     * The spacing of this process's request starts: the host's pace, or with shared slots a share of it in
     * proportion to the slots held (a worker with 1 of 8 slots sends at an eighth of the rate), so the rate
     * holds across all workers.
     */
    long spacing() {
        if (paceNanos == 0 || !shared()) {
            return paceNanos;
        }
        return held == 0 ? paceNanos : paceNanos * fixedLimit / held;
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

    /** Nothing queued, in flight or waiting to come back, and no shared slot held. */
    boolean idle() {
        return queue.isEmpty() && inFlight == 0 && delayed == 0 && (held == 0 || !shared());
    }
}
