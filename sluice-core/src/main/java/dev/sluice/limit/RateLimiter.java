package dev.sluice.limit;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A smooth rate limit: permits are spaced {@code 1/rate} apart with no burst (a token bucket of
 * depth one, computed as a "next free instant", GCRA). A caller reserves the next free instant with
 * one CAS and then sleeps until it, so no lock is held while waiting.
 *
 * <p>Thread-safe. The clock is injectable (nanoTime-like, monotonic) so tests can drive it.
 */
public final class RateLimiter {
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    /** The earliest instant (nanoClock) at which the next permit may be used. */
    private final AtomicLong nextFree;

    public RateLimiter(double permitsPerSecond, LongSupplier nanoClock) {
        if (!(permitsPerSecond > 0)) {
            throw new IllegalArgumentException("rate must be > 0, was " + permitsPerSecond);
        }
        this.intervalNanos = Math.max(1, (long) (TimeUnit.SECONDS.toNanos(1) / permitsPerSecond));
        this.nanoClock = nanoClock;
        this.nextFree = new AtomicLong(nanoClock.getAsLong());
    }

    /** Reserves the next permit; returns how long (ns) the caller must wait before using it. */
    public long reserve() {
        long now = nanoClock.getAsLong();
        long slot = nextFree.getAndAccumulate(now, (prev, n) -> Math.max(prev, n) + intervalNanos);
        return Math.max(0, slot - now);
    }

    /** Reserves the next permit and sleeps until it may be used. */
    public void acquire() throws InterruptedException {
        long wait = reserve();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
