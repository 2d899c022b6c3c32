package dev.sluice.limit;

/**
 * One host's circuit breaker: after {@code threshold} consecutive requests that could not reach it
 * (connect failures, timeouts) it <em>opens</em>, and the host's URLs fail at once with
 * {@code host_down} instead of each waiting out its timeouts. After {@code cooldownNanos} it is
 * <em>half-open</em>: one probe request goes through while the host's other URLs wait; an answer
 * closes the breaker, another failure opens it for a new cool-down.
 *
 * <p>Any answer from the host (whatever its status) counts as reachable and resets the count.
 *
 * <p>Not thread-safe: the {@link Scheduler} calls it under its lock. Times are {@code System.nanoTime()}.
 */
final class HostBreaker {
    /** What the host's next URL may do. */
    enum Admit { GO, PROBE, WAIT, REFUSE }

    private final int threshold;
    private final long cooldownNanos;
    private int failures;
    private boolean open;
    private long openUntil;
    private boolean probing;

    /** {@code threshold} 0 turns the breaker off. */
    HostBreaker(int threshold, long cooldownNanos) {
        this.threshold = threshold;
        this.cooldownNanos = cooldownNanos;
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

    /** A probe was sent (after {@link #admit} said {@link Admit#PROBE}). */
    void probeSent() {
        probing = true;
    }

    /** The host answered. Returns whether this closed an open breaker. */
    boolean answered() {
        failures = 0;
        probing = false;
        boolean wasOpen = open;
        open = false;
        return wasOpen;
    }

    /** A request could not reach the host. Returns whether this opened the breaker. */
    boolean unreachable(long now) {
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
        if (++failures < threshold) {
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
