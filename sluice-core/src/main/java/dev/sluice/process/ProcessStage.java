package dev.sluice.process;

import dev.sluice.ErrorKind;
import dev.sluice.FetchedBody;
import dev.sluice.Processor;
import dev.sluice.UrlResult;
import dev.sluice.Validators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.LockSupport;

/**
 * The CPU stage: a fixed pool of platform threads ({@code sluice-process-N}) that turn fetched bodies
 * into results: size, content type, SHA-256, then the user's {@link Processor}.
 *
 * <p>Queue: bounded twice, in bodies ({@code capacity}) and in bytes ({@code byteBudget}: the bodies
 * queued never add up to more, except one body larger than the budget, which waits for an empty queue);
 * producers are the fetch threads, consumers this pool's threads. Full means the producer blocks in
 * {@link #submit} while still holding its fetch slot: slow processing slows fetching instead of piling
 * bodies up in memory. Under load the consumers look at the queue every half millisecond rather than
 * being woken per body; idle, they block.
 *
 * <p>Whatever the processor throws becomes a failed result ({@code process}); nothing thrown here is
 * lost. Thread-safe.
 */
public final class ProcessStage {
    private static final Logger log = LoggerFactory.getLogger(ProcessStage.class);
    private static final HexFormat HEX = HexFormat.of();

    /** A fetched body on its way to processing, with what the result row needs from the fetch. */
    public record Job(FetchedBody fetched, Validators validators, int attempts, long startNanos) {
    }

    /** Where results go (the writer's queue); may block. */
    @FunctionalInterface
    public interface Output {
        void put(UrlResult result) throws InterruptedException;
    }

    private static final Job END = new Job(null, Validators.NONE, 0, 0);
    private static final int DRAIN = 16;
    private static final long LINGER_NANOS = 500_000;
    private static final int IDLE_LOOKS = 20;

    private final BlockingQueue<Job> queue;
    private final long byteBudget;
    /** Bytes of the bodies in {@link #queue} (reserved before a put, given back when taken). Any thread. */
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Producers waiting for bytes; read by consumers to skip the lock when nobody waits. */
    private final AtomicInteger bytesWaiters = new AtomicInteger();
    private final ReentrantLock bytesLock = new ReentrantLock();
    /** Signalled when bytes are given back; guarded by {@link #bytesLock}. */
    private final Condition bytesFreed = bytesLock.newCondition();
    private final Processor processor;
    private final boolean keepBodies;
    private final Clock clock;
    private final Output output;
    private final List<Thread> threads = new ArrayList<>();

    public ProcessStage(int threadCount, int capacity, long byteBudget, Processor processor, boolean keepBodies, Clock clock,
                        Output output) {
        if (byteBudget < 1) {
            throw new IllegalArgumentException("byteBudget must be positive, was " + byteBudget);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.byteBudget = byteBudget;
        this.clock = clock;
        this.processor = processor;
        this.keepBodies = keepBodies;
        this.output = output;
        for (int i = 0; i < threadCount; i++) {
            threads.add(Thread.ofPlatform().name("sluice-process-" + i).unstarted(this::work));
        }
        threads.forEach(Thread::start);
    }

    /** Hands a body over; blocks while the queue is full (in bodies or in bytes). Called by fetch threads. */
    public void submit(Job job) throws InterruptedException {
        long size = job.fetched().body().length;
        reserve(size);
        try {
            queue.put(job);
        } catch (InterruptedException e) {
            release(size);
            throw e;
        }
    }

    /** Bytes of the bodies queued now; for tests. */
    long queuedBytes() {
        return queuedBytes.get();
    }

    private boolean tryReserve(long size) {
        while (true) {
            long queued = queuedBytes.get();
            if (queued > 0 && queued + size > byteBudget) {
                return false; // (an empty queue takes any body: one larger than the budget waits for that)
            }
            if (queuedBytes.compareAndSet(queued, queued + size)) {
                return true;
            }
        }
    }

    private void reserve(long size) throws InterruptedException {
        if (tryReserve(size)) {
            return;
        }
        bytesLock.lock();
        try {
            // Counted as waiting before looking again: a consumer that gives bytes back after that look sees
            // the waiter and signals (under the lock, so not before this thread awaits).
            bytesWaiters.incrementAndGet();
            try {
                while (!tryReserve(size)) {
                    bytesFreed.await();
                }
            } finally {
                bytesWaiters.decrementAndGet();
            }
        } finally {
            bytesLock.unlock();
        }
    }

    private void release(long size) {
        if (size == 0) {
            return;
        }
        queuedBytes.addAndGet(-size);
        if (bytesWaiters.get() > 0) {
            bytesLock.lock();
            try {
                bytesFreed.signalAll();
            } finally {
                bytesLock.unlock();
            }
        }
    }

    /** After the last submit: lets the threads finish what is queued, then waits for them to end. */
    public void finish() throws InterruptedException {
        for (int i = 0; i < threads.size(); i++) {
            queue.put(END);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private void work() {
        MessageDigest sha256 = newSha256();
        List<Job> jobs = new ArrayList<>(DRAIN);
        int idleLooks = 0;
        try {
            while (true) {
                // Under load, look at the queue every LINGER instead of waiting on it, so producers do not
                // wake this thread for every body (a futex call and a context switch each); after IDLE_LOOKS
                // empty looks, wait to be woken. Then take what has queued up in one go.
                Job first = queue.poll();
                if (first == null) {
                    if (idleLooks++ < IDLE_LOOKS) {
                        LockSupport.parkNanos(this, LINGER_NANOS);
                        continue;
                    }
                    first = queue.take();
                }
                idleLooks = 0;
                jobs.add(first);
                queue.drainTo(jobs, DRAIN - 1);
                long taken = 0;
                for (Job j : jobs) {
                    taken += j == END ? 0 : j.fetched().body().length;
                }
                release(taken);
                for (int i = 0; i < jobs.size(); i++) {
                    if (jobs.get(i) == END) {
                        // Only ENDs follow an END (finish() comes after the last submit): give the others back.
                        for (int others = jobs.size() - i - 1; others > 0; others--) {
                            queue.put(END);
                        }
                        return;
                    }
                    output.put(processGuarded(jobs.get(i), sha256));
                }
                jobs.clear();
            }
        } catch (InterruptedException e) {
            // nobody interrupts these threads; if someone does, what is queued is not stored (a re-run fetches it)
            Thread.currentThread().interrupt();
        }
    }

    /** Never throws: a failure of ours becomes the URL's failed row too, so no job is left without one. */
    private UrlResult processGuarded(Job job, MessageDigest sha256) {
        try {
            return process(job, sha256);
        } catch (RuntimeException | Error e) {
            log.error("processing {} failed unexpectedly", job.fetched().url(), e);
            FetchedBody f = job.fetched();
            return UrlResult.failed(f.url(), ErrorKind.PROCESS, "unexpected failure: " + e, f.httpStatus(), job.attempts(),
                    (System.nanoTime() - job.startNanos()) / 1_000_000, clock.instant());
        }
    }

    private UrlResult process(Job job, MessageDigest sha256) {
        FetchedBody f = job.fetched();
        String digest = HEX.formatHex(sha256.digest(f.body()));
        List<String> records;
        String failure = null;
        try {
            List<String> produced = processor.process(f);
            if (produced == null) {
                throw new IllegalStateException("the processor returned null instead of a list");
            }
            if (produced.stream().anyMatch(java.util.Objects::isNull)) { // (List.of().contains(null) would throw)
                throw new IllegalStateException("the processor returned a null record");
            }
            records = List.copyOf(produced);
        } catch (Throwable e) { // whatever user code throws, even an AssertionError, becomes this URL's row
            records = List.of();
            failure = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            if (!(e instanceof Exception) || e instanceof RuntimeException) {
                log.debug("processor threw on {}", f.url(), e); // unexpected throwables keep their trace for -v
            }
        }
        long elapsedMs = (System.nanoTime() - job.startNanos()) / 1_000_000;
        boolean ok = failure == null;
        return new UrlResult(f.url(), ok ? UrlResult.Status.OK : UrlResult.Status.FAILED, f.httpStatus(),
                job.attempts(), ok ? null : ErrorKind.PROCESS, failure, (long) f.body().length, f.contentType(),
                digest, elapsedMs, clock.instant(), records, keepBodies ? f.body() : null, job.validators(), false);
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
