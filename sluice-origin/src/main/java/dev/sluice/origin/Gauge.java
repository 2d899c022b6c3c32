package dev.sluice.origin;

import java.util.concurrent.atomic.AtomicInteger;

/** Requests in progress and their high-water mark. Thread-safe, lock-free. */
final class Gauge {
    private final AtomicInteger current = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();

    void enter() {
        max.accumulateAndGet(current.incrementAndGet(), Math::max);
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
