package dev.sluice.internal.limit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The scheduler's time in tests: a ticker that moves only when the test {@link #advance advances} it, and a timer that
 * records its tasks and runs each, at its due instant, as the time passes it. Everything runs on the test's thread.
 *
 * <p>The origin is 5 s before {@code Long.MAX_VALUE}, so instants wrap round to negative values within a test, as
 * {@code System.nanoTime()} may: code that compares instants with {@code <} instead of by subtraction fails here.
 */
final class FakeTime implements Ticker, Timer {
    static final long ORIGIN = Long.MAX_VALUE - Duration.ofSeconds(5).toNanos();

    private long now = ORIGIN;
    private long sequence;
    private boolean shutdown;
    private final List<Task> tasks = new ArrayList<>();

    private static final class Task {
        final long due;
        final long sequence;
        final Runnable action;
        boolean cancelled;

        Task(long due, long sequence, Runnable action) {
            this.due = due;
            this.sequence = sequence;
            this.action = action;
        }
    }

    @Override
    public synchronized long read() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Runnable action, long delayNanos) {
        if (shutdown) {
            throw new IllegalStateException("scheduled after shutdown");
        }
        Task t = new Task(now + Math.max(0, delayNanos), sequence++, action);
        tasks.add(t);
        return () -> {
            synchronized (this) {
                t.cancelled = true;
            }
        };
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
        tasks.clear();
    }

    synchronized boolean isShutdown() {
        return shutdown;
    }

    /** Moves the time on by {@code d}; each task falling due meanwhile runs at its due instant, in order. */
    void advance(Duration d) {
        long end;
        synchronized (this) {
            end = now + d.toNanos();
        }
        for (Task t; (t = nextDue(end)) != null; ) {
            t.action.run(); // with no lock of this class held: the task takes the scheduler's
        }
        synchronized (this) {
            now = end;
        }
    }

    void advanceMillis(long ms) {
        advance(Duration.ofMillis(ms));
    }

    private synchronized Task nextDue(long end) {
        tasks.removeIf(t -> t.cancelled);
        Task first = tasks.stream().filter(t -> t.due - end <= 0)
                .min(Comparator.<Task>comparingLong(t -> t.due - now).thenComparingLong(t -> t.sequence)).orElse(null);
        if (first != null) {
            tasks.remove(first);
            if (first.due - now > 0) {
                now = first.due;
            }
        }
        return first;
    }

    /** Milliseconds since the origin (what the tests write as "at"). */
    synchronized double millis() {
        return (now - ORIGIN) / 1e6;
    }

    /** The due instants of the tasks pending, in ms since the origin, earliest first. */
    synchronized List<Double> pendingMillis() {
        return tasks.stream().filter(t -> !t.cancelled).map(t -> (t.due - ORIGIN) / 1e6).sorted().toList();
    }
}
