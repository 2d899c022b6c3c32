package dev.sluice.limit;

/**
 * One host's circuit breaker: it <em>opens</em> when the host has stopped answering, and then the host's
 * URLs fail at once with {@code host_down} instead of each waiting out its timeouts. After
 * {@code cooldownNanos} it is <em>half-open</em>: one probe request goes through while the host's other
 * URLs wait; an answer closes the breaker, another failure opens it for a new cool-down.
 *
 * <p>What "stopped answering" means: {@code threshold} requests in a row failed (connect failures, or
 * timeouts) with no answer in between, and, for timeouts, the host has answered nothing for at least
 * {@code silenceNanos} while requests were waiting for it. A refused connection says the host is not there;
 * a timeout only says that this URL was not answered in time, which is also what a slow or hanging URL of a
 * healthy host looks like. So timeouts count only once the host has been silent for as long as one URL may
 * spend on all its attempts (the scheduler passes that): a URL that hangs and then succeeds within its
 * retries is answered before its host could be judged down by its own timeouts. Any answer from the host,
 * whatever its status, resets the count and the silence.
 *
 * <p>Not thread-safe: the {@link Scheduler} calls it under its lock. Times are {@code System.nanoTime()}.
 */
final class HostBreaker {
    /** What the host's next URL may do. */
    enum Admit { GO, PROBE, WAIT, REFUSE }

    private final int threshold;
    private final long cooldownNanos;
    private final long silenceNanos;
    private int failures;
    private boolean open;
    private long openUntil;
    private boolean probing;
    /** Whether a request was sent since the host last answered; then {@link #silentSince} is when the first went. */
    private boolean awaiting;
    private long silentSince;

    /** {@code threshold} 0 turns the breaker off. */
    HostBreaker(int threshold, long cooldownNanos, long silenceNanos) {
        this.threshold = threshold;
        this.cooldownNanos = cooldownNanos;
        this.silenceNanos = silenceNanos;
    }

    /** Whether the next URL may be sent now, as a probe, must wait for the probe, or must be refused. */
    Admit admit(long now) {
        if (!open) {
            return Admit.GO;
        }
        if (now - openUntil < 0) {
            return Admit.REFUSE;
        }
        return probing ? Admit.WAIT : Admit.PROBE;
    }

    /** A request was sent (as a probe when {@link #admit} said {@link Admit#PROBE}). */
    void sent(long now, boolean probe) {
        if (probe) {
            probing = true;
        }
        if (!awaiting) {
            awaiting = true;
            silentSince = now;
        }
    }

    /** The host answered. Returns whether this closed an open breaker. */
    boolean answered() {
        failures = 0;
        probing = false;
        awaiting = false;
        boolean wasOpen = open;
        open = false;
        return wasOpen;
    }

    /** Whether the host has answered nothing since {@code at} while requests were waiting for it. */
    boolean silentSince(long at) {
        return awaiting && at - silentSince >= 0;
    }

    /** A request could not connect. Returns whether this opened the breaker. */
    boolean refused(long now) {
        return failed(now, true);
    }

    /**
     * A request timed out. It counts towards opening only when the host has been silent for the whole
     * silence. Returns whether this opened the breaker.
     */
    boolean timedOut(long now) {
        return failed(now, awaiting && now - silentSince >= silenceNanos);
    }

    private boolean failed(long now, boolean counts) {
        if (threshold == 0) {
            return false;
        }
        if (open) {
            if (probing) { // the probe failed: another cool-down
                probing = false;
                openUntil = now + cooldownNanos;
            }
            return false;
        }
        if (!counts || ++failures < threshold) {
            return false;
        }
        open = true;
        openUntil = now + cooldownNanos;
        return true;
    }

    /** A probe ended without telling anything (cancelled): let another probe go. */
    void probeAbandoned() {
        probing = false;
    }

    /** Whether there is state worth keeping while the host is idle. */
    boolean atRest() {
        return !open && failures == 0;
    }
}
