package dev.sluice.pipeline;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The fetch threads of a run that have not ended, each with its phase, so that a stop can interrupt
 * those that are only waiting at once and those mid-request after the grace period, and so the run
 * can wait for all of them to end.
 *
 * <p>Thread-safe: the set is concurrent; the count and its condition are guarded by {@code lock}
 * (a {@link ReentrantLock}, because virtual threads wait on it).
 */
final class LiveJobs {
    /** Where a fetch thread is; only requests in {@link #FETCHING} are allowed the grace period. */
    enum Phase { WAITING, FETCHING }

    private final Set<UrlJob> jobs = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int count; // guarded by lock

    void started(UrlJob job) {
        jobs.add(job);
        lock.lock();
        try {
            count++;
        } finally {
            lock.unlock();
        }
    }

    void ended(UrlJob job) {
        jobs.remove(job);
        lock.lock();
        try {
            if (--count == 0) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Interrupts the jobs in {@code phase} (all of them when null). */
    void interrupt(Phase phase) {
        for (UrlJob job : jobs) {
            if (phase == null || job.phase() == phase) {
                job.interrupt();
            }
        }
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
            while (count > 0 && !stopping.getAsBoolean()) {
                changed.await();
            }
            return count == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no job is live or the timeout passes; returns whether none is live. */
    boolean awaitZero(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (count > 0 && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return count == 0;
        } finally {
            lock.unlock();
        }
    }
}
