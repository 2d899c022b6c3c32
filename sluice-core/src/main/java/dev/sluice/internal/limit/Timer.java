package dev.sluice.internal.limit;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs the scheduler's wake-ups later: a task after a delay, cancellable. In a run, one daemon platform thread
 * ({@link #onThread}); in tests, a recording timer whose due tasks the test runs itself.
 *
 * <p>Thread-safe. The scheduler calls {@link #schedule} under its lock: it only queues the task (under the timer's own
 * queue lock, a leaf), never runs it there.
 */
interface Timer {
    /** A task scheduled and not yet run. */
    @FunctionalInterface
    interface Cancellable {
        /** It will not run, unless it has started already. */
        void cancel();
    }

    /** Runs {@code task} once, {@code delayNanos} from now (by the scheduler's {@link Ticker}), on the timer's thread. */
    Cancellable schedule(Runnable task, long delayNanos);

    /** Tasks not run yet never run; waits a moment for one running. Called once, with no lock held. */
    void shutdown();

    /** One daemon platform thread named {@code name}, started at the first task; ends at {@link #shutdown()}. */
    static Timer onThread(String name) {
        ScheduledThreadPoolExecutor executor =
                new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().name(name).daemon(true).unstarted(r));
        executor.setRemoveOnCancelPolicy(true);
        return new Timer() {
            @Override
            public Cancellable schedule(Runnable task, long delayNanos) {
                ScheduledFuture<?> f = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            }

            @Override
            public void shutdown() {
                executor.shutdownNow();
                try {
                    // Its tasks are short and take the scheduler's lock only briefly: it ends at once, and no thread
                    // outlives the run.
                    executor.awaitTermination(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }
}
