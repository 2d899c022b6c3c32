package dev.sluice.internal.process;

import dev.sluice.ErrorKind;
import dev.sluice.Extraction;
import dev.sluice.FetchedBody;
import dev.sluice.Printable;
import dev.sluice.Processor;
import dev.sluice.Request;
import dev.sluice.RequestResult;
import dev.sluice.Validators;
import dev.sluice.Discovered;
import dev.sluice.internal.discover.Discovery;
import dev.sluice.Lineage;
import dev.sluice.internal.discover.Response;
import dev.sluice.internal.limit.WeightBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The CPU stage: a pool of platform threads ({@code sluice-process-N}, {@link ProcessWorker}) that turn fetched
 * bodies into results: size, content type, SHA-256, then the user's {@link Processor}.
 *
 * <p>Queue: bounded twice, in bodies ({@code capacity}) and in bytes ({@code byteBudget}: the bodies
 * queued never add up to more, except one body larger than the budget, which waits for an empty queue);
 * producers are the fetch threads, consumers this pool's threads. Full means the producer blocks in
 * {@link #submit} while still holding its fetch slot: slow processing slows fetching instead of piling
 * bodies up in memory. Under load the consumers look at the queue every half millisecond rather than
 * being woken per body; idle, they block.
 *
 * <p>Bounded in time and memory per body ({@link ProcessLimits}, held by a {@link ProcessWatch}): a body past
 * either fails its URL with {@code process}; a thread that does not come back when asked is replaced, so
 * the pool keeps serving the other URLs. {@link #finish} ends the stage, within a deadline when the run is
 * stopping: what cannot be processed by then is dropped (no row; a re-run fetches it).
 *
 * <p>Whatever the processor throws becomes a failed result ({@code process}); nothing thrown here is
 * lost. Thread-safe.
 */
public final class ProcessStage {
    private static final Logger log = LoggerFactory.getLogger(ProcessStage.class);
    private static final HexFormat HEX = HexFormat.of();
    /** For {@link #finish(LongSupplier)}: no deadline. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    /**
     * A fetched body on its way to processing, with what the result row needs from the fetch, and what the discovery
     * rules need: the request, its URL as requested (its password, if any, not in it), the Link headers, the
     * request's lineage.
     */
    public record Job(FetchedBody fetched, Validators validators, int attempts, long startNanos,
                      Request request, String requestUrl, List<String> links, Lineage lineage) {
    }

    /** Where results go (the writer's queue); may block. */
    @FunctionalInterface
    public interface Output {
        void put(RequestResult result) throws InterruptedException;
    }

    private static final long LINGER_NANOS = 500_000;
    private static final int IDLE_LOOKS = 20;
    private static final long IDLE_WAIT_MS = 50;

    private final BlockingQueue<Job> queue;
    /** Bytes of the bodies in {@link #queue}: reserved before a put, given back when taken. */
    private final WeightBudget queuedBytes;
    private final Processor processor;
    /** The typed table's extraction, run after the processor; null when there is no {@code --table}. */
    private final Tables tables;
    private final Discovery discovery;
    private final boolean keepBodies;
    private final Clock clock;
    private final Output output;
    /** Told the request identity of each body dropped without a row (cancelled by a stop). */
    private final Consumer<String> dropped;
    /** The threads serving the queue now; an abandoned one leaves, its replacement joins. */
    private final List<ProcessWorker> workers = new CopyOnWriteArrayList<>();
    private final AtomicInteger threadNumbers = new AtomicInteger();
    private final ProcessWatch watch;
    /** Set by finish: no more submits; a thread that finds the queue empty ends. */
    private volatile boolean closed;
    /** Set by finish past its deadline: bodies still queued are dropped instead of processed. */
    private volatile boolean cancelling;

    /**
     * {@code discovery} runs after {@code processor} on each body, within the same limits; a failure of either fails
     * the URL with {@code process}.
     */
    public ProcessStage(int threadCount, int capacity, long byteBudget, Processor processor, Tables tables, Discovery discovery,
                        ProcessLimits limits, boolean keepBodies, Clock clock, Output output, Consumer<String> dropped) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.queuedBytes = new WeightBudget(byteBudget);
        this.clock = clock;
        this.processor = processor;
        this.tables = tables;
        this.discovery = discovery;
        this.keepBodies = keepBodies;
        this.output = output;
        this.dropped = dropped;
        this.watch = new ProcessWatch(this, limits);
        for (int i = 0; i < threadCount; i++) {
            startWorker(null);
        }
    }

    /** Bodies waiting for a processing thread now. Any thread. */
    public int queued() {
        return queue.size();
    }

    /** Hands a body over; blocks while the queue is full (in bodies or in bytes). Called by fetch threads. */
    public void submit(Job job) throws InterruptedException {
        long size = job.fetched().body().length;
        queuedBytes.reserve(size);
        try {
            queue.put(job);
        } catch (InterruptedException e) {
            queuedBytes.release(size);
            throw e;
        }
    }

    /** Bytes of the bodies queued now; for tests. */
    long queuedBytes() {
        return queuedBytes.held();
    }

    /** The threads serving the queue now; for the watch. */
    List<ProcessWorker> workers() {
        return workers;
    }

    /** After the last submit: lets the threads process everything queued, then ends them. */
    public void finish() throws InterruptedException {
        finish(() -> NO_DEADLINE);
    }

    /**
     * After the last submit: lets the threads process what is queued until {@code deadline} (a
     * {@link System#nanoTime()} value, or {@link #NO_DEADLINE}; asked again while waiting, as a stop may come
     * meanwhile); past it, drops what is still queued and asks
     * the bodies being processed to stop, waits {@value ProcessWatch#ABANDON_MS} ms more for them, and drops
     * those that did not come back (their threads are left behind). Returns when no thread of the stage will
     * deliver anything more.
     */
    public void finish(LongSupplier deadline) throws InterruptedException {
        closed = true;
        try {
            if (awaitWorkers(deadline)) {
                return;
            }
            cancelling = true;
            for (Job job; (job = queue.poll()) != null; ) {
                queuedBytes.release(job.fetched().body().length);
                dropped.accept(job.request().id());
            }
            long now = System.nanoTime();
            for (ProcessWorker w : workers) {
                ProcessWorker.Running r = w.running;
                if (r != null) {
                    r.stop(ProcessWorker.Stop.CANCELLED, now);
                }
            }
            long abandonAt = now + ProcessWatch.ABANDON_MS * 1_000_000;
            if (awaitWorkers(() -> abandonAt)) {
                return;
            }
            watch.close(); // from here on this thread alone abandons, so that none is started behind its back
            for (ProcessWorker w : workers) {
                ProcessWorker.Running r = w.running;
                if (r != null && r.settle()) {
                    workers.remove(w);
                    log.warn("processing {} did not stop when the run ended; its thread {} is left behind",
                            Printable.of(r.job.fetched().url()), w.thread.getName());
                    dropped.accept(r.job.request().id());
                }
            }
            // What is left delivers what it settled (a replacement the watch started, a body that just ended), then ends.
            awaitWorkers(() -> NO_DEADLINE);
        } finally {
            watch.close();
        }
    }

    /**
     * Waits for every worker thread to end, until the deadline; true when they all did. Looks again every
     * {@value #IDLE_WAIT_MS} ms: the watch may abandon the thread waited for (it then leaves {@link #workers})
     * and start another.
     */
    private boolean awaitWorkers(LongSupplier deadline) throws InterruptedException {
        while (!workers.isEmpty()) {
            ProcessWorker w = workers.get(0);
            long deadlineNanos = deadline.getAsLong();
            long wait = TimeUnit.MILLISECONDS.toNanos(IDLE_WAIT_MS);
            if (deadlineNanos != NO_DEADLINE) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait = Math.min(wait, left);
            }
            if (w.thread.getState() == Thread.State.NEW) {
                LockSupport.parkNanos(this, wait); // listed before it starts, so that no finish misses it
            } else if (w.thread.join(java.time.Duration.ofNanos(wait))) {
                workers.remove(w);
            }
        }
        return true;
    }

    /**
     * Called by the watch for a body that did not stop when asked, after it settled it: the body's URL gets its
     * outcome from a new thread, which then serves the queue in the abandoned one's place.
     */
    void abandon(ProcessWorker stuck, ProcessWorker.Running r) {
        log.warn("processing {} did not stop within {} ms of being asked ({}); its thread {} is left behind and another takes its place",
                Printable.of(r.job.fetched().url()), ProcessWatch.ABANDON_MS, r.stopReason().detail(), stuck.thread.getName());
        startWorker(r); // listed before the stuck one leaves: a finish waiting for the list never sees it empty between
        workers.remove(stuck);
    }

    /** Starts a worker thread; {@code abandoned}: a body whose outcome it delivers first. */
    private void startWorker(ProcessWorker.Running abandoned) {
        ProcessWorker w = new ProcessWorker("sluice-process-" + threadNumbers.getAndIncrement(), self -> work(self, abandoned));
        workers.add(w);
        w.thread.start();
    }

    private void work(ProcessWorker self, ProcessWorker.Running abandoned) {
        MessageDigest sha256 = newSha256();
        try {
            if (abandoned != null) {
                deliver(abandoned, stoppedResult(abandoned, abandoned.stopReason()));
            }
            for (Job job; (job = next()) != null; ) {
                if (cancelling) {
                    dropped.accept(job.request().id());
                    continue;
                }
                ProcessWorker.Running r = new ProcessWorker.Running(job, System.nanoTime(), watch.allocatedByCurrentThread());
                self.running = r;
                RequestResult result = processGuarded(r, sha256);
                self.running = null;
                if (!r.settle()) {
                    return; // abandoned: the watch settled it meanwhile and another thread has taken this one's place
                }
                deliver(r, result);
            }
        } catch (InterruptedException e) {
            // nobody interrupts these threads; if someone does, what is queued is not stored (a re-run fetches it)
            Thread.currentThread().interrupt();
        }
    }

    /** The next body to process, or null when the stage is finished and the queue empty. */
    private Job next() throws InterruptedException {
        int idleLooks = 0;
        while (true) {
            Job job = queue.poll();
            if (job == null) {
                if (closed) {
                    return null;
                }
                // Under load, look at the queue every LINGER instead of waiting on it, so producers do not wake this
                // thread for every body (a futex call and a context switch each); after IDLE_LOOKS empty looks, wait.
                if (idleLooks++ < IDLE_LOOKS) {
                    LockSupport.parkNanos(this, LINGER_NANOS);
                    continue;
                }
                job = queue.poll(IDLE_WAIT_MS, TimeUnit.MILLISECONDS);
                if (job == null) {
                    continue;
                }
            }
            queuedBytes.release(job.fetched().body().length);
            return job;
        }
    }

    /** Hands a body's outcome on: its result to the output, or, for none (cancelled), its URL to the dropped. */
    private void deliver(ProcessWorker.Running r, RequestResult result) throws InterruptedException {
        if (result == null) {
            dropped.accept(r.job.request().id());
        } else {
            output.put(result);
        }
    }

    /** Never throws: a failure of ours becomes the URL's failed row too, so no job is left without one. */
    private RequestResult processGuarded(ProcessWorker.Running r, MessageDigest sha256) {
        try {
            return process(r, sha256);
        } catch (RuntimeException | Error e) {
            log.error("processing {} failed unexpectedly", Printable.of(r.job.fetched().url()), e);
            return failed(r.job, "unexpected failure: " + e);
        }
    }

    private RequestResult process(ProcessWorker.Running r, MessageDigest sha256) {
        Job job = r.job;
        FetchedBody f = job.fetched();
        String digest = HEX.formatHex(sha256.digest(f.body()));
        Instant fetchedAt = clock.instant();
        List<String> records;
        Extraction extraction = Extraction.NONE;
        List<Discovered> discovered = List.of();
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
            if (tables != null) {
                extraction = tables.extract().apply(f, fetchedAt);
            }
            discovered = discovery.isEmpty() ? List.of() : discovery.discover(new Response(job.request(), job.requestUrl(),
                    f.finalUri(), f.httpStatus(), f.contentType(), job.links(), f.body(), items(records, extraction),
                    job.lineage(), f.headers()));
        } catch (ProcessingStopped e) {
            return stoppedResult(r, r.stopReason());
        } catch (OutOfMemoryError e) {
            records = List.of();
            extraction = Extraction.NONE;
            failure = "ran out of memory while processing (the heap is " + ProcessWatch.describeBytes(Runtime.getRuntime().maxMemory())
                    + "; --process-memory bounds one body, SLUICE_HEAP the heap)";
        } catch (StackOverflowError e) {
            records = List.of();
            extraction = Extraction.NONE;
            failure = "processing recursed too deeply (stack overflow)";
        } catch (Throwable e) { // whatever user code throws, even an AssertionError, becomes this URL's row
            records = List.of();
            extraction = Extraction.NONE;
            failure = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            if (!(e instanceof Exception) || e instanceof RuntimeException) {
                log.debug("processor threw on {}", Printable.of(f.url()), e); // unexpected throwables keep their trace for -v
            }
        }
        long elapsedMs = (System.nanoTime() - job.startNanos()) / 1_000_000;
        boolean ok = failure == null;
        return new RequestResult(job.request(), ok ? RequestResult.Status.OK : RequestResult.Status.FAILED, f.httpStatus(),
                job.attempts(), ok ? null : ErrorKind.PROCESS, failure, (long) f.body().length, f.contentType(),
                digest, elapsedMs, fetchedAt, records, extraction, keepBodies ? f.body() : null, job.validators(), false,
                discovered);
    }

    /** How many items a body gave, for "empty page": its top-level rows with a table, its records with --jq; else -1. */
    private int items(List<String> records, Extraction extraction) {
        if (tables != null) {
            return (int) extraction.rows().stream().filter(row -> !row.child()).count();
        }
        return processor == Processor.NONE ? -1 : records.size();
    }

    /** The outcome of a body asked to stop: a failed row past a limit, none (null) when cancelled. */
    private RequestResult stoppedResult(ProcessWorker.Running r, ProcessWorker.Stop stop) {
        return stop.failsUrl() ? failed(r.job, stop.detail()) : null;
    }

    private RequestResult failed(Job job, String detail) {
        FetchedBody f = job.fetched();
        return RequestResult.failed(job.request(), ErrorKind.PROCESS, detail, f.httpStatus(), job.attempts(),
                (System.nanoTime() - job.startNanos()) / 1_000_000, clock.instant());
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
