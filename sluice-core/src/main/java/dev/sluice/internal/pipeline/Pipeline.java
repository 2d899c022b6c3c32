package dev.sluice.internal.pipeline;

import dev.sluice.RunObserver;
import dev.sluice.ErrorKind;
import dev.sluice.Printable;
import dev.sluice.Processor;
import dev.sluice.internal.process.Tables;
import dev.sluice.Progress;
import dev.sluice.ResumeMode;
import dev.sluice.RunState;
import dev.sluice.RunSummary;
import dev.sluice.SluiceConfig;
import dev.sluice.StoreException;
import dev.sluice.TableSpec;
import dev.sluice.RequestResult;
import dev.sluice.Request;
import dev.sluice.InputSource;
import dev.sluice.spi.Frontier;
import dev.sluice.internal.discover.Discovery;
import dev.sluice.internal.fetch.HttpFetcher;
import dev.sluice.internal.fetch.RetryPolicy;
import dev.sluice.internal.input.UrlParser;
import dev.sluice.internal.limit.HostKeys;
import dev.sluice.internal.robots.RobotsCache;
import dev.sluice.internal.robots.RobotsRules;
import dev.sluice.internal.limit.Scheduler;
import dev.sluice.internal.limit.SlotBroker;
import dev.sluice.internal.process.ProcessLimits;
import dev.sluice.internal.process.ProcessStage;
import dev.sluice.internal.store.StoreRetry;
import dev.sluice.internal.store.Writer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * One run of the pipeline, assembled here top to bottom:
 *
 * <pre>
 *  input ─▶ loading ─▶ frontier ─▶ admission ─▶ scheduler ─▶ fetch threads ─▶ CPU stage ─▶ writer ─▶ frontier
 *           (1 thread)  (queue      (1 thread,    (per-host    (virtual, one    (bounded     (1 thread,   and results
 *                       table)      claims as     queues, no   per attempt)     platform     batched
 *                                   the window    threads)                      pool)        transactions)
 *                                   has room)
 * </pre>
 *
 * <p>The URLs come from the database's frontier, a {@link Frontier} ({@code queue} table): claimed in batches as
 * the window has room, each result stored in the transaction that finishes its URL there. A run over an input
 * ({@link #run}) loads the input into the frontier on a thread of its own meanwhile (the database removes
 * duplicates and skips what is stored); a worker ({@link #work}) only claims, with the frontier's other workers.
 *
 * <p>Every hand-off is bounded: the <em>window</em> (URLs admitted and not yet stored), the global and
 * per-host slots, the CPU queue, the writer queue. A URL leaves the window only when its row is
 * committed (or it is cancelled), so memory does not grow with the input and nothing is lost.
 *
 * <p>Threads: loading ({@code sluice-input}, platform, daemon: it may block on standard input), admission
 * ({@code sluice-admit}, platform), the
 * scheduler's timer ({@code sluice-timer}), fetch threads (virtual, {@code sluice-fetch}, one per
 * granted attempt), CPU threads ({@code sluice-process-N}), the writer ({@code sluice-writer}). All are
 * ended before {@link #run} returns, except a loading thread still blocked reading an input that
 * will not end. The HTTP client (and Jetty's threads) belong to the caller, which keeps it from run to run.
 *
 * <p>Used once: {@link #run} on one thread; {@link #stop} and {@link #progress} from any thread.
 */
public final class Pipeline {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    /** Most URLs claimed from a work queue at once. */
    private static final int CLAIM = 256;
    /**
     * Most bytes of bodies waiting in the CPU queue (a body larger than that waits alone): bounds what a backlog
     * of large bodies holds in memory, 32 MiB instead of 64 × --max-body. Small bodies meet the count bound first.
     */
    static final long CPU_QUEUE_BYTES = 32L << 20;
    /**
     * Most rows (results, records, typed tables' rows and rejects) waiting for the writer and in its batch: bounds
     * what bodies that yield thousands of rows each hold in memory (a typed row of a few columns is some 500 bytes
     * on the heap: about 32 MiB), where the count of results alone would let 2 × 1,000 of them wait.
     */
    static final long WRITER_ROWS = 1L << 16;
    /** How often a worker with nothing to claim looks at the queue again. */
    private static final long IDLE_POLL_MS = 200;

    /** How long the end of a run waits for the input's loading to stop: a read of standard input cannot be interrupted. */
    private static final long LOADING_EXIT_SECONDS = 5;

    private final SluiceConfig config;
    private final Frontier queue;
    private final Processor processor;
    /** The typed table the rows go to; null when there is none. */
    private final Tables tables;
    private final Discovery discovery;
    private final Clock clock;
    private final RunStats stats = new RunStats();
    /** What requests meet per host and second by second, written beside the results. */
    private final RunFactsRecorder facts;
    /** The run's facts and the caller's observer (metrics), told the same. */
    private final RunObserver observer;
    private final LiveJobs live = new LiveJobs();
    private final RetryPolicy retryPolicy;
    private final Scheduler scheduler;
    private final HostKeys hostKeys;
    /** Requests admitted and not yet stored or cancelled, by identity: the in-run de-duplication set. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Semaphore window;
    private final int windowSize;
    /** Tripped when admission ends or a stop is requested. */
    private final CountDownLatch admissionOver = new CountDownLatch(1);
    /** Guards the stopping transition against a job being started: no job starts after stop() returns. */
    private final ReentrantLock admitLock = new ReentrantLock();
    private volatile boolean stopping;
    /** When the first stop was asked ({@link System#nanoTime()}); meaningful once {@link #stopping}. */
    private volatile long stoppedAtNanos;
    private volatile StoreException storeFailure;
    private volatile Exception inputFailure;
    private volatile Thread admissionThread;
    /**
     * Set by the admission thread while it waits with URLs in flight for what they may discover, or for the last of
     * the run: the writer then commits at once.
     */
    private volatile boolean starving;
    /** How many bodies wait for the CPU stage and results for the writer: set once both exist (execute). */
    private volatile java.util.function.IntSupplier cpuQueued;
    private volatile java.util.function.IntSupplier writerQueued;
    /** The command line recorded with the run, secrets masked; null when none. */
    private final String command;
    /** Whatever ended the run by surprise (a bug), for its record; set by the thread that runs it. */
    private Throwable unexpected;
    /** Set when something claimable may have been committed since the admission thread's last claim began. */
    private final AtomicBoolean newWork = new AtomicBoolean();

    /**
     * A run on {@code queue}. A worker among others (a queue whose per-host slots are shared) holds no more URLs
     * than it can soon work on (eight times its concurrency, at least 64), so that the others get their share.
     */
    public Pipeline(SluiceConfig config, Frontier queue, Processor processor, Tables tables, Discovery discovery, Clock clock,
                    String command, RunObserver observer) {
        this(config, queue, queue.hostSlots() == null ? config.window()
                : Math.min(config.window(), Math.max(64, 8 * config.concurrency())), processor, tables, discovery, clock, command,
                observer);
    }

    private Pipeline(SluiceConfig config, Frontier queue, int window, Processor processor, Tables tables, Discovery discovery,
                     Clock clock, String command, RunObserver observer) {
        this.command = command;
        this.facts = new RunFactsRecorder(clock);
        this.observer = RunObserver.both(facts, observer);
        this.config = config;
        this.queue = queue;
        this.processor = processor;
        this.tables = tables;
        this.discovery = discovery;
        this.clock = clock;
        this.retryPolicy = new RetryPolicy(config.backoffBase(), config.backoffCap(), config.maxRetryAfter());
        this.scheduler = new Scheduler(config, retryPolicy, queue.hostSlots() != null, this.observer);
        this.hostKeys = new HostKeys(config.hostKey());
        this.window = new Semaphore(window);
        this.windowSize = window;
    }

    /** Sets the number of URL lines expected, for progress; -1 when unknown. */
    public void expectTotal(long urlLines) {
        stats.expectTotal(urlLines);
    }

    public Progress progress() {
        return stats.progress(scheduler.inFlight(), config.adaptive() ? scheduler.limit() : -1);
    }

    /**
     * Asks the run to stop: no new URL is admitted and no new attempt starts; requests in flight may
     * finish within the grace period, then are aborted. What was fetched is stored. Idempotent, any
     * thread; may be called before {@link #run}, which then stops at once.
     */
    public void stop() {
        admitLock.lock();
        try {
            if (!stopping) {
                stoppedAtNanos = System.nanoTime();
            }
            stopping = true;
        } finally {
            admitLock.unlock();
        }
        Thread a = admissionThread;
        if (a != null) {
            a.interrupt();
        }
        admissionOver.countDown();
        live.wake();
    }

    /**
     * Loads {@code source} into the frontier and works on it meanwhile, fetching with {@code fetcher}, until the
     * input is loaded and the frontier drained, or the run is stopped; returns when every claimed URL is stored
     * or cancelled. Throws when the store failed for good (what was committed stays) or the input could not be read.
     */
    public RunSummary run(InputSource source, HttpFetcher fetcher) throws StoreException, IOException, InterruptedException {
        Instant start = clock.instant();
        queue.beginRun(new Frontier.RunStart(command, config, start, facts));
        RunSummary summary;
        try {
            // A replace job fetches every request again that it has not fetched itself since it began (a run that
            // resumes it fetches what is left): its load refetches what was finished before the job's start.
            Instant staged = openTables();
            InputLoading loading = staged == null ? new InputLoading(source, config.resumeMode(), start)
                    : new InputLoading(source, ResumeMode.REFETCH, staged);
            loading.thread.start();
            try {
                summary = workOn(fetcher, loading::running);
            } finally {
                loading.finish();
            }
        } catch (Throwable t) {
            unexpected = t;
            throw t;
        } finally {
            endRun();
        }
        if (inputFailure instanceof IOException e) {
            throw e;
        }
        return summary;
    }

    /**
     * Works on the queue: claims URLs, fetches, processes and stores them, until the queue is drained (no
     * URL queued or leased by any worker) and {@code moreComing} is false, or the run is stopped. At the end,
     * URLs claimed and not finished go back to the queue. Throws when the database failed for longer than
     * the outage limit (what was committed stays).
     */
    public RunSummary work(HttpFetcher fetcher, BooleanSupplier moreComing) throws StoreException, InterruptedException {
        queue.beginRun(new Frontier.RunStart(command, config, clock.instant(), facts));
        try {
            return workOn(fetcher, moreComing);
        } catch (Throwable t) {
            unexpected = t;
            throw t;
        } finally {
            endRun();
        }
    }

    /**
     * Records how the run ended: fatal when the store or the input failed (or something unforeseen ended it), else
     * interrupted when stopped, else done. Best effort: when the database is away the run's row stays running, and
     * reads lost once its worker is gone.
     */
    private void endRun() {
        String message = storeFailure != null ? storeFailure.getMessage()
                : inputFailure instanceof IOException e ? "cannot read the input: " + e.getMessage()
                : inputFailure != null ? inputFailure.toString()
                : unexpected != null ? unexpected.toString() : null;
        RunState state = message != null ? RunState.FATAL : stopping ? RunState.INTERRUPTED : RunState.DONE;
        try {
            queue.endRun(new Frontier.RunEnd(state, message, stats.summary(stopping), clock.instant()));
        } catch (StoreException e) {
            log.warn("the end of the run is not recorded: {}", e.getMessage());
        }
    }

    /** Opens the typed table's store; returns when a replace job's staged table was made, else null. */
    private Instant openTables() throws StoreException {
        return tables == null ? null : queue.storeTables(tables.schema());
    }

    private RunSummary workOn(HttpFetcher fetcher, BooleanSupplier moreComing) throws StoreException, InterruptedException {
        queue.limitRequests(config.maxRequests());
        boolean replacing = openTables() != null;
        SlotBroker slots = queue.hostSlots() == null ? null : new SlotBroker(scheduler, queue.hostSlots()).start();
        try {
            RunSummary summary = execute(fetcher, (ctx, writer) -> admitFromQueue(ctx, writer, moreComing));
            if (replacing && !stopping) { // drained: the job is done (a stop, a store or input failure stops it)
                String table = tables.schema().spec().name().substring(TableSpec.STAGED.length());
                if (new StoreRetry(config.storeOutage()).call("put table " + table + " in place", queue::replaceTables)) {
                    log.info("table {} replaced with the rows of this job", table);
                } else {
                    log.info("table {} is replaced when the requests other workers hold are done", table);
                }
            }
            return summary;
        } finally {
            if (slots != null) {
                slots.close();
            }
            awaitAdmission(); // a claim in progress at a stop must end before what is held is given back
            releaseClaims();
        }
    }

    /**
     * The input's loading into the frontier, on its own thread ({@code sluice-input}, platform, daemon: it may
     * block on standard input). Invalid lines are stored by the loading itself, and counted here once committed.
     */
    private final class InputLoading {
        private final Thread thread;
        private volatile boolean running = true;

        /** {@code since}: requests finished before are due under {@code mode}, those finished since are this run's. */
        InputLoading(InputSource source, ResumeMode mode, Instant since) {
            thread = Thread.ofPlatform().name("sluice-input").daemon(true).unstarted(() -> {
                try {
                    Frontier.Loaded loaded = queue.load(source, config.input(), mode, since, config.storeOutage(),
                            this::committed, () -> stopping);
                    stats.skipped(loaded.skipped());
                    stats.duplicates(loaded.duplicates());
                } catch (InterruptedException e) {
                    // stopping
                } catch (StoreException e) {
                    fail(e);
                } catch (IOException | UncheckedIOException e) {
                    inputFailure = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e; // thrown by run()
                    stop();
                } catch (RuntimeException e) {
                    inputFailure = e; // thrown by run()
                    stop();
                } finally {
                    running = false;
                    newWork();
                }
            });
        }

        /** A batch of the input is committed: its URLs may be claimed; its invalid lines are stored rows. */
        private void committed(List<RequestResult> invalid) {
            invalid.forEach(Pipeline.this::reportStored);
            newWork();
        }

        boolean running() {
            return running;
        }

        /** Waits for the loading to end: at once after a stop (it ends after its batch), 5 s at most on a blocked read. */
        void finish() {
            try {
                if (!thread.join(java.time.Duration.ofSeconds(LOADING_EXIT_SECONDS))) {
                    log.warn("the input is still being read; lines not loaded yet are not in the queue (run again to load them)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int queued(java.util.function.IntSupplier depth) {
        return depth == null ? 0 : depth.getAsInt();
    }

    /** The writer's commit of a batch, timed for the observer. Writer thread. */
    private List<RequestResult> complete(java.util.Collection<RequestResult> batch) throws StoreException {
        long start = System.nanoTime();
        List<RequestResult> stored = queue.complete(batch);
        observer.committed(stored.size(), System.nanoTime() - start);
        return stored;
    }

    /** A processed result to the writer, prepared first by the frontier, on this CPU thread (see {@link Frontier#prepare}). */
    private void handOver(RequestResult result, Writer writer) throws InterruptedException {
        queue.prepare(result);
        writer.put(result);
    }

    /** Wakes the admission thread if it waits for work to claim: some may have been committed. Any thread. */
    private void newWork() {
        newWork.set(true);
        Thread a = admissionThread;
        if (a != null) {
            LockSupport.unpark(a);
        }
    }

    /** Waits (10 s at most) for the admission thread to end: it may be inside a claim, which ignores interrupts. */
    private void awaitAdmission() {
        Thread a = admissionThread;
        if (a == null) {
            return;
        }
        try {
            if (!a.join(java.time.Duration.ofSeconds(10))) {
                log.warn("a claim did not end within 10 s; the URLs it took return to the queue when their lease expires");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Gives back what this worker holds unfinished; best effort: otherwise the leases expire. */
    private void releaseClaims() {
        if (storeFailure != null) {
            log.warn("the URLs this worker holds return to the queue when its leases expire");
            return; // the database is away: trying would only wait for it again
        }
        try {
            queue.releaseAll();
        } catch (StoreException e) {
            log.warn("{}", e.getMessage());
        }
    }

    /** The admission thread's work: feeds URL jobs until its source ends or the run stops. */
    private interface Admission {
        void admit(JobContext ctx, Writer writer);
    }

    private RunSummary execute(HttpFetcher fetcher, Admission feed) throws StoreException, InterruptedException {
        boolean callerInterrupted = false;
        // A batch is at most half the window: the window is what can be fetched ahead of the commits, so a bigger
        // batch could never fill and each commit would wait out the batch delay (measured: a worker whose window
        // is 256 waited 100 ms per commit, 1,600 URLs/s); half lets one batch fill while the other commits.
        int batchRows = Math.max(1, Math.min(config.writeBatchRows(), windowSize / 2));
        Writer writer = new Writer(this::complete, Math.max(2 * batchRows, 256), WRITER_ROWS, batchRows,
                config.writeBatchDelay(), config.storeOutage(), new StoredResults(), () -> starving);
        // The CPU queue holds what arrives while its threads linger between looks (0.5 ms): 64 bodies, or more with more
        // threads, and at most CPU_QUEUE_BYTES of them (one larger body alone), so that large bodies cannot pile up.
        ProcessStage process = new ProcessStage(config.processThreads(), Math.max(64, 4 * config.processThreads()),
                CPU_QUEUE_BYTES, processor, tables, discovery, new ProcessLimits(config.processTimeout(), config.processMemoryBytes()),
                config.storeBodies(), clock, r -> handOver(r, writer), this::cancelled);
        cpuQueued = process::queued;
        writerQueued = writer::queued;
        try {
            JobContext ctx = new JobContext(scheduler, fetcher, retryPolicy, config.retries(), process, writer::put, stats, live,
                    clock, () -> stopping, this::cancelled, robots(), config.maxRetryAfter(), observer);
            Thread admission = Thread.ofPlatform().name("sluice-admit").unstarted(() -> feed.admit(ctx, writer));
            admissionThread = admission;
            admission.start();
            callerInterrupted = awaitJobs();
        } finally {
            // Teardown is not interruptible: the writer must get to commit what is queued.
            cancelWaiting(); // none left unless the run was stopped; also ends the scheduler's timer
            finishUninterruptibly(() -> process.finish(this::processingDeadline));
            finishUninterruptibly(writer::finish);
        }
        if (callerInterrupted) {
            Thread.currentThread().interrupt(); // restored only now, after the teardown
        }
        if (storeFailure != null) {
            throw storeFailure;
        }
        if (inputFailure instanceof RuntimeException e) {
            throw e;
        }
        return stats.summary(stopping);
    }

    /**
     * Until when the CPU stage may go on at the end: without a stop, until it has processed everything; after a stop,
     * within the same grace as the requests in flight (counted from the stop); at once when the store failed.
     * What it cannot process by then gets no row.
     */
    private long processingDeadline() {
        if (storeFailure != null) {
            return System.nanoTime();
        }
        return stopping ? stoppedAtNanos + config.grace().toNanos() : ProcessStage.NO_DEADLINE;
    }

    /** The robots.txt rules of this run, matched against our User-Agent's product token; null when not respected. */
    private RobotsCache robots() {
        if (!config.respectRobots()) {
            return null;
        }
        String userAgent = config.effectiveHeaders().stream().filter(h -> h.name().equalsIgnoreCase("User-Agent"))
                .map(SluiceConfig.Header::value).findFirst().orElse(SluiceConfig.DEFAULT_USER_AGENT);
        return new RobotsCache(RobotsRules.agentOf(userAgent));
    }

    private interface Finish {
        void run() throws InterruptedException;
    }

    private static void finishUninterruptibly(Finish step) {
        boolean interrupted = false;
        while (true) {
            try {
                step.run();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for admission and then every fetch thread to end. An interrupt of the caller stops the run
     * (gracefully); returns whether there was one, for the caller to restore after the teardown.
     */
    private boolean awaitJobs() {
        boolean interrupted = false;
        while (true) {
            try {
                admissionOver.await();
                drainJobs();
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
                stop();
            }
        }
    }

    /** Waits for every URL job to end; once stopping, cancels those waiting now and aborts requests after the grace. */
    private void drainJobs() throws InterruptedException {
        if (live.awaitZeroOrStop(() -> stopping)) {
            return;
        }
        cancelWaiting();
        long grace = storeFailure != null ? 0 : config.grace().toNanos();
        if (!live.awaitZero(grace, TimeUnit.NANOSECONDS)) {
            log.info("grace period over: aborting the requests still in flight");
            live.interruptRunning();
            while (!live.awaitZero(1, TimeUnit.SECONDS)) {
                live.interruptRunning();
            }
        }
    }

    /** Ends scheduling: URLs still waiting for their host or a retry end without a row. */
    private void cancelWaiting() {
        for (Scheduler.Task task : scheduler.shutdown()) {
            ((RequestJob) task).cancel();
        }
    }

    // --- admission: the sluice-admit thread -------------------------------------------------------

    /**
     * A worker's admission: claims URLs as the window has room, at least a quarter of the window at once (one
     * query per batch, not per URL). When nothing is queued it looks again every {@value #IDLE_POLL_MS} ms;
     * other workers' leases may still expire and come back. A claim is retried through a database outage.
     */
    private void admitFromQueue(JobContext ctx, Writer writer, BooleanSupplier moreComing) {
        StoreRetry retry = new StoreRetry(config.storeOutage());
        int least = Math.max(1, Math.min(CLAIM, windowSize / 4));
        try {
            while (!stopping) {
                window.acquire(least);
                int room = least + drainWindow(CLAIM - least);
                newWork.set(false); // what is committed from now on may not be seen by this claim: it sets the flag again
                List<Frontier.Claim> claims = retry.call("claiming URLs", () -> queue.claim(room));
                if (stopping) {
                    break; // a claim that ended after the stop: its URLs go back with releaseAll
                }
                window.release(room - claims.size());
                if (!claims.isEmpty()) {
                    starving = false;
                }
                for (Frontier.Claim claim : claims) {
                    if (pending.add(claim.request().id())) {
                        admitClaim(claim, ctx, writer);
                    } else {
                        // Claimed again after this worker's lease had lapsed, while its job still runs here:
                        // that job's result finishes it, under this newer claim.
                        window.release();
                    }
                }
                if (claims.isEmpty()) {
                    if (pending.isEmpty() && !moreComing.getAsBoolean() && retry.call("reading the queue", queue::drained)) {
                        break;
                    }
                    // Woken early when a batch is loaded or results are committed (they may have discovered more);
                    // not waiting at all when that happened during the claim. What is fetched is committed at once
                    // meanwhile (starving): it may be what discovers the next work (a next page), or, once no more
                    // input is coming, it is the run's last work, which the batch delay would only make end later.
                    if (!newWork.get()) {
                        starving = !pending.isEmpty() && (!discovery.isEmpty() || !moreComing.getAsBoolean());
                        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(IDLE_POLL_MS));
                    }
                    if (Thread.interrupted()) {
                        throw new InterruptedException("stopping");
                    }
                }
            }
        } catch (InterruptedException e) {
            // stopping
        } catch (StoreException e) {
            fail(e);
        } catch (RuntimeException e) {
            inputFailure = e; // thrown by run()
            stop();
        } finally {
            admissionOver.countDown();
        }
    }

    /** Takes up to {@code max} more free permits of the window without waiting; returns how many. */
    private int drainWindow(int max) {
        int taken = 0;
        while (taken < max && window.tryAcquire()) {
            taken++;
        }
        return taken;
    }

    private void admitClaim(Frontier.Claim claim, JobContext ctx, Writer writer) throws InterruptedException {
        Request request = claim.request();
        if (claim.fetchAs() == null) {
            writer.put(RequestResult.failed(request, ErrorKind.INVALID_URL, "its password is not stored, so it cannot be fetched "
                    + "without the input that has it: run again with that input", null, 0, 0, clock.instant()));
            return;
        }
        try {
            UrlParser.Parsed parsed = UrlParser.parse(claim.fetchAs());
            startJob(new RequestJob(ctx, request, parsed, hostKeys.of(parsed), claim.validators(), claim.lineage()));
        } catch (UrlParser.InvalidUrlException e) { // queued by something else than Sluice's loading
            writer.put(RequestResult.failed(request, ErrorKind.INVALID_URL, e.getMessage(), null, 0, 0, clock.instant()));
        }
    }

    private void startJob(RequestJob job) throws InterruptedException {
        admitLock.lock();
        try {
            if (stopping) {
                throw new InterruptedException("stopping");
            }
            job.start();
        } finally {
            admitLock.unlock();
        }
    }

    // --- settling: a URL leaves the window -------------------------------------------------------

    /** A request (by identity) ended without a row. */
    private void cancelled(String id) {
        stats.cancelled();
        settle(id);
    }

    private void settle(String id) {
        pending.remove(id);
        window.release();
    }

    private void fail(StoreException e) {
        if (storeFailure == null) {
            storeFailure = e;
            log.error("the store failed; stopping the run: {}", e.getMessage());
        }
        stop();
    }

    /** Counts a stored result, and logs it once when it failed. */
    private void reportStored(RequestResult r) {
        stats.stored(r);
        if (!r.ok()) {
            log.warn("failed {}: {} ({}){}", Printable.of(r.url()), r.error().code(), Printable.of(r.detail()),
                    r.attempts() == 0 ? "" : r.attempts() == 1 ? " after 1 attempt" : " after " + r.attempts() + " attempts");
        }
    }

    /** The writer's listener; runs on the writer thread. */
    private final class StoredResults implements Writer.Listener {
        @Override
        public void committed(List<RequestResult> batch) {
            // the facts' sample is written by the next commit
            observer.sample(new RunObserver.Load(scheduler.inFlight(), config.adaptive() ? scheduler.limit() : -1,
                    windowSize - window.availablePermits(), queued(cpuQueued), queued(writerQueued)));
            for (RequestResult r : batch) {
                observer.stored(r);
                reportStored(r);
                pending.remove(r.id());
            }
            window.release(batch.size());
            newWork();
        }

        @Override
        public void superseded(List<RequestResult> results) {
            results.forEach(r -> settle(r.id())); // the other worker's result counts, in its own run
        }

        @Override
        public void storeFailed(StoreException e) {
            fail(e);
        }

        @Override
        public void dropped(List<RequestResult> batch) {
            batch.forEach(r -> cancelled(r.id()));
        }
    }
}
