package dev.sluice.internal.process;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One thread of the CPU stage ({@code sluice-process-N}) and the body it is processing now, as the
 * {@link ProcessWatch} and the stage's finish see it.
 *
 * <p>A body's outcome is delivered by whoever {@linkplain Running#settle() settles} it first: its own
 * thread when processing returns, or the watch when the thread did not come back after being asked to
 * stop (the thread is then abandoned: it ends, unseen, whenever its code returns).
 */
final class ProcessWorker {
    private static final ThreadLocal<ProcessWorker> CURRENT = new ThreadLocal<>();

    /** Why a body's processing is asked to stop: past a limit (its URL fails, with this detail) or cancelled (no row). */
    record Stop(String detail, boolean failsUrl) {
        static final Stop CANCELLED = new Stop("cancelled: the run is stopping", false);
    }

    /** A body being processed: when it began, what its thread had allocated then, and whether it must stop. */
    static final class Running {
        final ProcessStage.Job job;
        final long startNanos;
        final long startAllocated;
        private volatile Stop stop;
        private volatile long stopNanos;
        private final AtomicBoolean settled = new AtomicBoolean();

        Running(ProcessStage.Job job, long startNanos, long startAllocated) {
            this.job = job;
            this.startNanos = startNanos;
            this.startAllocated = startAllocated;
        }

        /** Asks the processing to stop at its next checkpoint; the first reason given stays. Any thread. */
        void stop(Stop reason, long nowNanos) {
            if (stop == null) {
                stopNanos = nowNanos;
                stop = reason;
            }
        }

        Stop stopReason() {
            return stop;
        }

        long stopNanos() {
            return stopNanos;
        }

        /** True for the one caller that delivers this body's outcome. */
        boolean settle() {
            return settled.compareAndSet(false, true);
        }
    }

    final Thread thread;
    /** The body this thread is processing; null between bodies. Written by the thread, read by the watch. */
    volatile Running running;

    ProcessWorker(String name, java.util.function.Consumer<ProcessWorker> loop) {
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(() -> {
            CURRENT.set(this);
            loop.accept(this);
        });
    }

    /**
     * Throws {@link ProcessingStopped} when the body being processed on this thread was asked to stop. Called
     * by processing code at points it passes often (every jq function call and every value a function emits);
     * costs a thread-local read and a volatile read. Does nothing outside the CPU stage.
     */
    static void checkpoint() {
        ProcessWorker w = CURRENT.get();
        if (w != null) {
            Running r = w.running;
            if (r != null) {
                Stop s = r.stop;
                if (s != null) {
                    throw new ProcessingStopped(s.detail());
                }
            }
        }
    }
}
