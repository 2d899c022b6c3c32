package dev.sluice.internal.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Holds each body's processing to its {@link ProcessLimits}: a thread ({@code sluice-process-watch}) looks at
 * every worker every {@value #TICK_MS} ms; a body past its time, or whose thread has allocated more than its
 * memory limit since it began, is asked to stop (its code throws {@link ProcessingStopped} at its next
 * checkpoint); one that has not returned {@value #ABANDON_MS} ms after being asked is abandoned: its URL gets
 * its outcome at once and another thread takes the worker's place (code with no checkpoint, such as a
 * processor stuck in a loop of its own, cannot be stopped from outside: its thread is left running, as a
 * daemon that does not keep the JVM alive).
 *
 * <p>Memory is counted as bytes allocated (HotSpot's per-thread counter, read from this thread): what a body's
 * processing holds is part of what it allocated, so the limit bounds both, and at a tick of 10 ms the
 * processing goes past it by at most what it allocates in 10 ms.
 */
final class ProcessWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProcessWatch.class);
    static final long TICK_MS = 10;
    static final long ABANDON_MS = 1000;

    private final ProcessStage stage;
    private final ProcessLimits limits;
    private final ProcessWorker.Stop tooLong;
    private final ProcessWorker.Stop tooMuchMemory;
    /** HotSpot's per-thread allocation counter; null where the JVM has none (then only time is limited). */
    private final com.sun.management.ThreadMXBean allocation;
    private final Thread thread;
    private volatile boolean closed;

    ProcessWatch(ProcessStage stage, ProcessLimits limits) {
        this.stage = stage;
        this.limits = limits;
        this.tooLong = new ProcessWorker.Stop("processing took longer than " + describe(limits.time())
                + " (the limit per body, --process-timeout)", true);
        this.tooMuchMemory = new ProcessWorker.Stop("processing allocated more than " + describeBytes(limits.allocatedBytes())
                + " (the limit per body, --process-memory)", true);
        this.allocation = allocationCounter();
        this.thread = Thread.ofPlatform().name("sluice-process-watch").daemon(true).start(this::watch);
    }

    /** Bytes the calling thread has allocated so far; 0 where the JVM does not count them. */
    long allocatedByCurrentThread() {
        return allocation == null ? 0 : allocation.getCurrentThreadAllocatedBytes();
    }

    private void watch() {
        while (!closed) {
            long now = System.nanoTime();
            for (ProcessWorker w : stage.workers()) {
                ProcessWorker.Running r = w.running;
                if (r == null) {
                    continue;
                }
                if (r.stopReason() == null) {
                    ProcessWorker.Stop over = over(w, r, now);
                    if (over != null) {
                        r.stop(over, now);
                    }
                } else if (now - r.stopNanos() > ABANDON_MS * 1_000_000 && r.settle()) {
                    stage.abandon(w, r);
                }
            }
            LockSupport.parkNanos(this, TICK_MS * 1_000_000);
        }
    }

    private ProcessWorker.Stop over(ProcessWorker w, ProcessWorker.Running r, long now) {
        if (now - r.startNanos > limits.time().toNanos()) {
            return tooLong;
        }
        if (allocation != null) {
            long allocated = allocation.getThreadAllocatedBytes(w.thread.threadId());
            if (allocated - r.startAllocated > limits.allocatedBytes()) {
                return tooMuchMemory;
            }
        }
        return null;
    }

    /** Stops the watch; returns once it has ended (no abandon is under way after this). Idempotent. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        LockSupport.unpark(thread);
        thread.join();
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        try {
            if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                    && t.isThreadAllocatedMemorySupported()) {
                t.setThreadAllocatedMemoryEnabled(true);
                return t;
            }
        } catch (UnsupportedOperationException | SecurityException e) {
            // falls through
        }
        log.warn("this JVM does not count the memory each thread allocates: --process-memory is not enforced");
        return null;
    }

    static String describe(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 != 0 ? ms + " ms" : ms % 60_000 != 0 ? ms / 1000 + " s" : ms / 60_000 + " min";
    }

    /** {@code bytes} as people write it: whole GiB, else MiB, else KiB (rounded down), else bytes. */
    static String describeBytes(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= 1L << 20) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1L << 10) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }
}
