package dev.sluice.internal.pipeline;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The URL jobs of a run that have not ended (waiting in the scheduler or running an attempt), so that
 * a stop can interrupt the attempts still running after the grace period, and so the run can wait for
 * all of them to end.
 *
 * <p>Thread-safe: the set is concurrent, the count atomic; waiting for zero uses {@code lock} and its
 * condition (a {@link ReentrantLock}, because virtual threads may take it).
 */
final class LiveJobs {
    private final Set<RequestJob> jobs = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Live jobs. Changed without the lock; the lock is taken only to wake waiters when it reaches zero. */
    private final AtomicInteger count = new AtomicInteger();

    void started(RequestJob job) {
        jobs.add(job);
        count.incrementAndGet();
    }

    void ended(RequestJob job) {
        jobs.remove(job);
        if (count.decrementAndGet() == 0) {
            // A waiter checks the count under the lock before it waits, so this signal cannot slip past it.
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Interrupts the attempts running now. */
    void interruptRunning() {
        jobs.forEach(RequestJob::interrupt);
    }

    /**
     * Wakes {@link #awaitZeroOrStop} so it re-checks its stop condition. The caller changes that
     * condition first; the signal is sent under the lock the waiter checks it under, so it is never lost.
     */
    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no job is live or {@code stopping} is true (re-checked on every {@link #wake}); returns whether none is live. */
    boolean awaitZeroOrStop(BooleanSupplier stopping) throws InterruptedException {
        lock.lock();
        try {
            while (count.get() > 0 && !stopping.getAsBoolean()) {
                changed.await();
            }
            return count.get() == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no job is live or the timeout passes; returns whether none is live. */
    boolean awaitZero(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (count.get() > 0 && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return count.get() == 0;
        } finally {
            lock.unlock();
        }
    }
}
