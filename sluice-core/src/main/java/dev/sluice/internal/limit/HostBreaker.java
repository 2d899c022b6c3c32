package dev.sluice.internal.limit;

/**
 * One host's circuit breaker: it <em>opens</em> when the host has stopped answering, and then the host's
 * URLs fail at once with {@code host_down} instead of each waiting out its timeouts. After
 * {@code cooldownNanos} it is <em>half-open</em>: one probe request goes through while the host's other
 * URLs wait; an answer closes the breaker, another failure opens it for a new cool-down.
 *
 * <p>What "stopped answering" means: {@code threshold} requests in a row failed with no answer in between.
 * When they were refused (connect failures) the host is not there, and the breaker opens. When they timed
 * out, the host may be down, or these URLs may just be slow or hang while the host answers everything
 * else (at the end of a run only the hanging URLs are left, so their timeouts come in a row). The two look
 * the same from these requests, so the breaker asks the host directly: it becomes <em>suspect</em>, the
 * host's URLs wait, and one <em>liveness check</em> (a request any live server answers at once,
 * whatever it answers) decides: an answer closes it, no answer opens it. Any answer from the host, to any
 * request, whatever its status, resets the count.
 *
 * <p>Not thread-safe: the {@link Scheduler} calls it under its lock. Times are the scheduler's {@link Ticker}'s.
 */
final class HostBreaker {
    /** What the host's next URL may do. */
    enum Admit { GO, CHECK, PROBE, WAIT, REFUSE }

    private enum State { CLOSED, SUSPECT, OPEN }

    private final int threshold;
    private final long cooldownNanos;
    private State state = State.CLOSED;
    private int failures;
    private long openUntil;
    /** A liveness check (while suspect) or a probe (while open, after the cool-down) is in flight. */
    private boolean asking;

    /** {@code threshold} 0 turns the breaker off. */
    HostBreaker(int threshold, long cooldownNanos) {
        this.threshold = threshold;
        this.cooldownNanos = cooldownNanos;
    }

    /** Whether the next URL may be sent now, as a liveness check or a probe, must wait, or must be refused. */
    Admit admit(long now) {
        return switch (state) {
            case CLOSED -> Admit.GO;
            case SUSPECT -> asking ? Admit.WAIT : Admit.CHECK;
            case OPEN -> now - openUntil < 0 ? Admit.REFUSE : asking ? Admit.WAIT : Admit.PROBE;
        };
    }

    /** A liveness check or a probe was sent (after {@link #admit} said so). */
    void asked() {
        asking = true;
    }

    /** The host answered. Returns whether this closed a breaker that was open. */
    boolean answered() {
        boolean wasOpen = state == State.OPEN;
        state = State.CLOSED;
        failures = 0;
        asking = false;
        return wasOpen;
    }

    /** A request could not connect. Returns whether this opened the breaker. */
    boolean refused(long now, boolean asked) {
        return failed(now, asked, true);
    }

    /** A request timed out (no complete answer). Returns whether this opened the breaker. */
    boolean timedOut(long now, boolean asked) {
        return failed(now, asked, false);
    }

    /**
     * @param asked whether the failed request was the liveness check or the probe
     * @param refused a connect failure (the host is not there), not a timeout
     */
    private boolean failed(long now, boolean asked, boolean refused) {
        if (threshold == 0) {
            return false;
        }
        if (asked || (state == State.CLOSED && ++failures >= threshold && refused)) {
            return open(now); // the check or the probe found no one, or the host refuses connections
        }
        if (state == State.CLOSED && failures >= threshold) {
            state = State.SUSPECT; // timeouts in a row: ask the host itself
        }
        return false;
    }

    private boolean open(long now) {
        boolean opened = state != State.OPEN;
        state = State.OPEN;
        asking = false;
        openUntil = now + cooldownNanos;
        return opened;
    }

    /** A check or probe ended without telling anything (cancelled): let another one go. */
    void askAbandoned() {
        asking = false;
    }

    /** Whether its URLs must wait for a liveness check now. */
    boolean suspect() {
        return state == State.SUSPECT;
    }

    /** Whether there is state worth keeping while the host is idle. */
    boolean atRest() {
        return state == State.CLOSED && failures == 0;
    }
}
