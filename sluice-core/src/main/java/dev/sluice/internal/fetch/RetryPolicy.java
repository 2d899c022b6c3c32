package dev.sluice.internal.fetch;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * How long to wait before retry number {@code n} (1-based): exponential back-off with full jitter,
 * or the server's Retry-After when it sent one, capped.
 *
 * <p>Without Retry-After the delay is uniform in {@code [0, min(cap, base × 2^(n-1))]} ("full jitter",
 * which spreads retries of many URLs so they do not come back in waves). With Retry-After the delay
 * is {@code min(retryAfter, maxRetryAfter)}: the server said when, so no earlier.
 *
 * <p>Thread-safe when {@code random} is (the default draws from {@code ThreadLocalRandom}).
 */
public final class RetryPolicy {
    private final long baseNanos;
    private final long capNanos;
    private final long maxRetryAfterNanos;
    /** Given an exclusive bound b > 0, returns a uniform value in [0, b). */
    private final LongUnaryOperator random;

    public RetryPolicy(Duration base, Duration cap, Duration maxRetryAfter, LongUnaryOperator random) {
        this.baseNanos = base.toNanos();
        this.capNanos = cap.toNanos();
        this.maxRetryAfterNanos = maxRetryAfter.toNanos();
        this.random = random;
    }

    public RetryPolicy(Duration base, Duration cap, Duration maxRetryAfter) {
        this(base, cap, maxRetryAfter, bound -> java.util.concurrent.ThreadLocalRandom.current().nextLong(bound));
    }

    /** The delay before retry {@code retry} (1 = the first retry). */
    public Duration delay(int retry, Duration retryAfter) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be >= 1, was " + retry);
        }
        if (retryAfter != null) {
            return Duration.ofNanos(Math.min(retryAfter.toNanos(), maxRetryAfterNanos));
        }
        return Duration.ofNanos(random.applyAsLong(ceiling(retry) + 1));
    }

    /** The largest delay retry {@code retry} can get without Retry-After: min(cap, base × 2^(retry-1)). */
    public long ceiling(int retry) {
        int shift = Math.min(retry - 1, 62);
        long grown = baseNanos << shift;
        return (grown >>> shift) != baseNanos || grown < 0 ? capNanos : Math.min(capNanos, grown);
    }
}
