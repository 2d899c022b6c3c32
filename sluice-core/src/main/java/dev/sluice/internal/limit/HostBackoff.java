package dev.sluice.internal.limit;

import dev.sluice.internal.fetch.RetryPolicy;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * One host's throttling state: when the host answers 429 or 503, no request goes to it until
 * {@link #blockedUntil()}: for as long as its {@code Retry-After} says (capped), or else for an
 * exponentially growing, jittered time: the growth counts the pushbacks in a row, and a good answer
 * starts it again, as classic exponential back-off does. (Undoing one step per good answer made the
 * count a random walk for a host answering 429 half the time: blocks drifted up to the cap and the host
 * all but stopped, measured; halving it still left a fifth of the blocks at 16 steps or more.) What
 * recovers gradually is the host's concurrency, in {@link Host}.
 *
 * <p>Requests already in flight when the host first pushed back answer a moment later, often with the
 * same 429; those are one event, not many: only a request sent after the block began grows it.
 *
 * <p>Not thread-safe: the {@link Scheduler} calls it under its lock. Times are the scheduler's {@link Ticker}'s.
 */
final class HostBackoff {
    /** The growth of the block (its ceilings) and the cap on Retry-After: the same as for one URL's retries. */
    private final RetryPolicy policy;
    /** Given an exclusive bound b > 0, a uniform value in [0, b). */
    private final LongUnaryOperator random;
    private int level;
    private boolean everBlocked;
    private long blockedSince;
    private long blockedUntil;

    /** @param now the current instant: nothing is blocked before it */
    HostBackoff(RetryPolicy policy, LongUnaryOperator random, long now) {
        this.policy = policy;
        this.random = random;
        this.blockedUntil = now;
    }

    /**
     * The host pushed back on a request sent at {@code sentAt}.
     *
     * @param retryAfter what its Retry-After asked for, or null when it sent none
     * @return whether this is a new event (the request was sent after the last block began)
     */
    boolean throttled(long sentAt, Duration retryAfter, long now) {
        boolean newEvent = !everBlocked || sentAt - blockedSince >= 0;
        long wait;
        if (retryAfter != null) {
            wait = policy.delay(1, retryAfter).toNanos(); // capped by --max-retry-after
        } else if (newEvent) {
            level = Math.min(level + 1, 62);
            // "Equal jitter": at least half the step, so a block is never next to nothing.
            long step = policy.ceiling(level);
            wait = step / 2 + random.applyAsLong(step / 2 + 1);
        } else {
            return false; // the same event, answered late
        }
        if (newEvent) {
            everBlocked = true;
            blockedSince = now;
        }
        if (now + wait - blockedUntil > 0) {
            blockedUntil = now + wait;
        }
        return newEvent;
    }

    /** The host answered normally: the next pushback starts the growth again. */
    void answered() {
        level = 0;
    }

    /** No request may start before this instant. */
    long blockedUntil() {
        return blockedUntil;
    }

    /** Whether there is state worth keeping while the host is idle. */
    boolean atRest(long now) {
        return level == 0 && now - blockedUntil >= 0;
    }
}
