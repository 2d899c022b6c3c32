package dev.sluice.internal.limit;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bound on the weight (bytes of bodies, rows of results) that a stage holds, beside its queue's bound on the count:
 * a producer reserves an item's weight before handing it over and blocks while the budget is spent; the consumer
 * gives it back when it is done with the item. An item heavier than the whole budget is let in when nothing else is
 * held, so it waits alone instead of forever. Any thread.
 *
 * <p>Reserving takes no lock while the budget has room; a producer that must wait counts itself as a waiter, so that
 * giving back takes the lock only when someone waits.
 */
public final class WeightBudget {
    private final long budget;
    private final AtomicLong held = new AtomicLong();
    private final AtomicInteger waiters = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when weight is given back; guarded by {@link #lock}. */
    private final Condition freed = lock.newCondition();

    public WeightBudget(long budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be positive, was " + budget);
        }
        this.budget = budget;
    }

    /** The weight held now. */
    public long held() {
        return held.get();
    }

    /** Whether a producer waits for weight to be given back now. */
    public boolean wanted() {
        return waiters.get() > 0;
    }

    /** Reserves {@code weight}, waiting while the budget has no room for it. */
    public void reserve(long weight) throws InterruptedException {
        if (tryReserve(weight)) {
            return;
        }
        lock.lock();
        try {
            // Counted as waiting before looking again: a consumer that gives weight back after that look sees the
            // waiter and signals (under the lock, so not before this thread awaits).
            waiters.incrementAndGet();
            try {
                while (!tryReserve(weight)) {
                    freed.await();
                }
            } finally {
                waiters.decrementAndGet();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Gives {@code weight} back. */
    public void release(long weight) {
        if (weight == 0) {
            return;
        }
        held.addAndGet(-weight);
        if (waiters.get() > 0) {
            lock.lock();
            try {
                freed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean tryReserve(long weight) {
        while (true) {
            long now = held.get();
            if (now > 0 && now + weight > budget) {
                return false; // (nothing held takes any weight: one heavier than the budget waits for that)
            }
            if (held.compareAndSet(now, now + weight)) {
                return true;
            }
        }
    }
}
