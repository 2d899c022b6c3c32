package dev.sluice.origin;

import java.util.concurrent.atomic.AtomicInteger;

/** Requests in progress and their high-water mark. Thread-safe, lock-free. */
final class Gauge {
    private final AtomicInteger current = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();

    /** Counts a request in; returns the requests in progress, this one included. */
    int enter() {
        int now = current.incrementAndGet();
        max.accumulateAndGet(now, Math::max);
        return now;
    }

    void exit() {
        current.decrementAndGet();
    }

    int current() {
        return current.get();
    }

    int max() {
        return max.get();
    }

    /** Restarts the high-water mark from the requests in progress now. */
    void resetMax() {
        // Zero first, then fold in the current level: an enter() racing with this
        // either raises the mark itself after the zero, or is already in current.
        max.set(0);
        max.accumulateAndGet(current.get(), Math::max);
    }
}
