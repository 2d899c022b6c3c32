package dev.sluice.internal.pipeline;

import dev.sluice.ErrorKind;
import dev.sluice.FetchedBody;
import dev.sluice.Printable;
import dev.sluice.Request;
import dev.sluice.RequestResult;
import dev.sluice.Validators;
import dev.sluice.Lineage;
import dev.sluice.internal.fetch.Attempt;
import dev.sluice.internal.input.UrlParser;
import dev.sluice.internal.limit.Scheduler;
import dev.sluice.internal.process.ProcessStage;
import dev.sluice.internal.robots.RobotsCache;
import dev.sluice.internal.robots.RobotsRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One URL's life: it waits in the {@link Scheduler} (holding no thread), is granted one attempt at a
 * time on a fresh virtual thread, and then hands its body to the CPU stage, goes back to the scheduler
 * for a retry, or becomes a failed result.
 *
 * <p>Ends exactly once ({@link LiveJobs#ended}) in one of three ways: body handed to the CPU stage,
 * failed result handed to the writer, or cancelled (the run is stopping; no row, so a re-run fetches
 * it). A bug of ours becomes a failed row too, logged with its trace: nothing thrown here vanishes.
 *
 * <p>Threading: at most one thread runs a job at a time (the scheduler grants a URL once per
 * submission), so the attempt count and start time need no lock; they are handed from one attempt's
 * thread to the next through the scheduler's lock.
 */
final class RequestJob implements Scheduler.Task {
    private static final Logger log = LoggerFactory.getLogger(RequestJob.class);
    /** Statuses with which a host pushes back: the URL waits for its host when the scheduler holds it back as a whole. */
    private static final Set<Integer> PUSHBACK = Set.of(429, 503);

    private final JobContext ctx;
    /** The request: its URL as stored (password masked), method, headers, body. */
    private final Request request;
    /** What is fetched: the ASCII host, no user information. */
    private final URI uri;
    /** The {@code Authorization} the URL's user information asks for; null when none. */
    private final String authorization;
    private final String hostKey;
    /** What the stored result was validated by, sent back by a refetch; NONE for a plain fetch. */
    private final Validators validators;
    /** Where the URL came from: what its own discoveries descend from. */
    private final Lineage lineage;
    private int attempts;
    private long start; // set when the first attempt is granted: queueing before that is not the URL's latency
    /**
     * The thread running an attempt now, or null while the job waits in the scheduler. Cleared only by
     * compare-and-set: once an attempt has queued a retry, the next one may already have started.
     */
    private final AtomicReference<Thread> thread = new AtomicReference<>();

    RequestJob(JobContext ctx, Request request, UrlParser.Parsed parsed, String hostKey, Validators validators, Lineage lineage) {
        this.ctx = ctx;
        this.request = request;
        this.uri = parsed.uri();
        this.authorization = parsed.authorization();
        this.hostKey = hostKey;
        this.validators = validators;
        this.lineage = lineage;
    }

    @Override
    public String hostKey() {
        return hostKey;
    }

    /** Hands the job to the scheduler. Called by the admission thread. */
    void start() {
        ctx.live().started(this);
        if (!ctx.scheduler().submit(this)) {
            cancel();
        }
    }

    /** Interrupts the attempt running now, if any. */
    void interrupt() {
        Thread t = thread.get();
        if (t != null) {
            t.interrupt();
        }
    }

    /** The run is stopping and the URL ends without a row. */
    void cancel() {
        ctx.cancelled().accept(request.id());
        ctx.live().ended(this);
    }

    @Override
    public void granted(Scheduler.Permit permit) {
        thread.set(Thread.currentThread());
        boolean ended = true;
        try {
            ended = attempt(permit);
        } catch (InterruptedException e) {
            ctx.cancelled().accept(request.id());
        } catch (RuntimeException | Error e) {
            log.error("unexpected failure while fetching {}", Printable.of(request.toString()), e);
            fail(ErrorKind.IO, "unexpected failure: " + e, null);
        } finally {
            permit.close();
            thread.compareAndSet(Thread.currentThread(), null);
            if (ended) {
                ctx.live().ended(this);
            }
        }
    }

    /** One attempt, holding the permit. Returns whether the job ended (false: it went back to the scheduler). */
    private boolean attempt(Scheduler.Permit permit) throws InterruptedException {
        if (ctx.stopping().getAsBoolean()) {
            throw new InterruptedException("the run is stopping");
        }
        if (attempts == 0 && start == 0) {
            start = System.nanoTime();
        }
        if (permit.livenessCheck()) {
            return checkLiveness(permit);
        }
        if (ctx.robots() != null) {
            RobotsVerdict verdict = robots(permit);
            if (verdict != RobotsVerdict.ALLOWED) {
                return verdict == RobotsVerdict.ENDED;
            }
        }
        attempts++;
        ctx.sent(hostKey, attempts > 1);
        Attempt.Failure f;
        switch (ctx.fetcher().fetch(request, uri, validators, authorization)) {
            case Attempt.Success s -> {
                permit.report(Scheduler.Signal.ANSWERED, null);
                ctx.observer().fetched(hostKey, true, elapsedMillis());
                // Validators of a redirect's target describe that resource, not this URL's: not kept.
                Validators received = s.finalUri().equals(uri) ? new Validators(s.etag(), s.lastModified()) : Validators.NONE;
                // Handed over while the slot is held: a full CPU queue slows fetching (backpressure).
                // The discovery rules build next URLs from the URI as requested: its user information (a password)
                // is not in it, and is not carried to what it discovers.
                ctx.process().submit(new ProcessStage.Job(
                        new FetchedBody(request.url(), s.finalUri(), s.httpStatus(), s.contentType(), s.body(), s.headers()), received,
                        attempts, start, request, uri.toString(), s.links(), lineage));
                return true;
            }
            case Attempt.NotModified unchanged -> {
                permit.report(Scheduler.Signal.ANSWERED, null);
                ctx.observer().fetched(hostKey, true, elapsedMillis());
                ctx.results().put(RequestResult.unchanged(request, attempts, elapsedMillis(), ctx.clock().instant()));
                return true;
            }
            case Attempt.Failure failure -> f = failure;
        }
        ctx.observer().answered(hostKey, f.httpStatus());
        permit.report(signal(f), f.retryAfter());
        permit.close(); // the slot is free before the retry is queued
        if (f.retryable() && attempts <= ctx.retries()) {
            return !retry(f, permit.hostHeldBack());
        }
        ctx.results().put(failed(f.kind(), f.detail(), f.httpStatus()));
        return true;
    }

    /**
     * The host's last requests timed out in a row: before its URLs go on, this grant asks the host for its
     * robots.txt, which any live server answers at once (with whatever status). The answer, or its absence,
     * decides for the host; this URL spends no attempt and queues again first.
     */
    private boolean checkLiveness(Scheduler.Permit permit) {
        ctx.sent(hostKey, false);
        Attempt answer;
        try {
            answer = ctx.fetcher().fetch(RobotsRules.robotsTxtOf(uri));
        } catch (InterruptedException stopping) {
            ctx.cancelled().accept(request.id()); // the permit reports nothing: the check is abandoned
            return true;
        }
        permit.report(switch (answer) {
            case Attempt.Failure f when f.httpStatus() == null -> f.kind() == ErrorKind.CONNECT
                    ? Scheduler.Signal.REFUSED : Scheduler.Signal.TIMED_OUT; // no answer: an io failure is none either
            default -> Scheduler.Signal.ANSWERED;
        }, null);
        permit.close();
        if (ctx.stopping().getAsBoolean() || !ctx.scheduler().resubmit(this)) {
            ctx.cancelled().accept(request.id());
            return true;
        }
        return false;
    }

    /** What robots.txt made of this grant. */
    private enum RobotsVerdict { ALLOWED, ENDED, REQUEUED }

    /**
     * Checks the URL against its origin's robots.txt, fetching that first when no one has (this grant's
     * request then goes to robots.txt, and the URL queues again, behind any Crawl-delay it asks for).
     */
    private RobotsVerdict robots(Scheduler.Permit permit) throws InterruptedException {
        RobotsRules rules = ctx.robots().known(uri);
        if (rules == null) {
            RobotsCache.Loaded loaded;
            try {
                loaded = ctx.robots().load(uri, robotsTxt -> {
                    ctx.sent(hostKey, false);
                    return ctx.fetcher().fetch(robotsTxt);
                }, this::crawlDelay);
            } catch (RobotsCache.Unavailable e) {
                if (!e.fetchedHere()) {
                    return robotsAgainLater(permit, e.failure());
                }
                return robotsUnavailable(permit, e.failure());
            }
            // This grant was taken before the rules (and any Crawl-delay) were known: the URL queues again under them.
            if (loaded.fetchedHere()) {
                permit.report(Scheduler.Signal.ANSWERED, null);
            } else {
                permit.notSent();
            }
            permit.close();
            if (!ctx.scheduler().resubmit(this)) {
                ctx.cancelled().accept(request.id());
                return RobotsVerdict.ENDED;
            }
            return RobotsVerdict.REQUEUED;
        }
        if (rules.allows(uri)) {
            return RobotsVerdict.ALLOWED;
        }
        permit.notSent();
        permit.close();
        ctx.results().put(failed(ErrorKind.ROBOTS, rules.disallowedBecause(), null));
        return RobotsVerdict.ENDED;
    }

    private void crawlDelay(RobotsRules rules) {
        Duration delay = rules.crawlDelay();
        if (delay != null) {
            Duration honoured = delay.compareTo(ctx.maxCrawlDelay()) > 0 ? ctx.maxCrawlDelay() : delay;
            log.info("host {}: robots.txt asks for a Crawl-delay of {} s; requests are spaced {} ms apart",
                    hostKey, delay.toMillis() / 1000.0, honoured.toMillis());
            ctx.scheduler().pace(hostKey, honoured);
        }
    }

    /**
     * Another URL's fetch of robots.txt failed while this one waited for it: that was one request, so this URL
     * sent nothing and spends no attempt; it tries again after a back-off.
     */
    private RobotsVerdict robotsAgainLater(Scheduler.Permit permit, Attempt.Failure f) {
        permit.notSent();
        permit.close();
        return retryAfter(ctx.retryPolicy().delay(Math.max(1, attempts), f.retryAfter())) ? RobotsVerdict.REQUEUED : RobotsVerdict.ENDED;
    }

    /** robots.txt could not be fetched, for now: retried like a failed attempt, then everything is disallowed. */
    private RobotsVerdict robotsUnavailable(Scheduler.Permit permit, Attempt.Failure f) throws InterruptedException {
        attempts++;
        permit.report(signal(f), f.retryAfter());
        permit.close();
        if (attempts <= ctx.retries()) {
            return retry(f, permit.hostHeldBack()) ? RobotsVerdict.REQUEUED : RobotsVerdict.ENDED;
        }
        RobotsRules none = ctx.robots().giveUp(uri, f.detail());
        ctx.results().put(failed(ErrorKind.ROBOTS, none.disallowedBecause(), f.httpStatus()));
        return RobotsVerdict.ENDED;
    }

    /**
     * Queues the next attempt: after the URL's own delay (its Retry-After, or back-off), or, when its host is
     * held back as a whole, first in line for when the host may be sent to again. Returns false when the run is
     * stopping (the job is then cancelled).
     */
    private boolean retry(Attempt.Failure f, boolean hostHeldBack) {
        ctx.observer().retrying(hostKey, f.httpStatus() != null ? "http_" + f.httpStatus() : f.kind().code());
        if (!hostHeldBack) {
            Duration delay = ctx.retryPolicy().delay(attempts, f.retryAfter());
            log.debug("{}: {}; retry {} of {} in {} ms", Printable.of(request.toString()), Printable.of(f.detail()), attempts, ctx.retries(),
                    delay.toMillis());
            return retryAfter(delay);
        }
        // The host as a whole waits (Retry-After or its back-off); this URL goes first when it may send again.
        log.debug("{}: {}; retry {} of {} when the host may be sent to again", Printable.of(request.toString()), Printable.of(f.detail()),
                attempts, ctx.retries());
        if (ctx.stopping().getAsBoolean() || !ctx.scheduler().resubmit(this)) {
            ctx.cancelled().accept(request.id());
            return false;
        }
        return true;
    }

    /** Queues the URL again after {@code delay}; false (and cancelled) when the run is stopping. */
    private boolean retryAfter(Duration delay) {
        if (ctx.stopping().getAsBoolean() || !ctx.scheduler().submitAfter(this, delay)) {
            ctx.cancelled().accept(request.id());
            return false;
        }
        return true;
    }

    private static Scheduler.Signal signal(Attempt.Failure f) {
        if (f.httpStatus() != null && PUSHBACK.contains(f.httpStatus())) {
            return Scheduler.Signal.THROTTLED;
        }
        return switch (f.kind()) {
            case CONNECT -> Scheduler.Signal.REFUSED;
            case TIMEOUT -> Scheduler.Signal.TIMED_OUT;
            case IO -> Scheduler.Signal.NONE; // a broken connection says nothing sure about the host
            default -> Scheduler.Signal.ANSWERED;
        };
    }

    @Override
    public void refused(ErrorKind kind, String detail) {
        thread.set(Thread.currentThread());
        try {
            if (ctx.stopping().getAsBoolean()) {
                ctx.cancelled().accept(request.id()); // stopped before the refusal got here: a re-run decides
                return;
            }
            fail(kind, detail, null);
        } finally {
            thread.set(null);
            ctx.live().ended(this);
        }
    }

    /** Hands a failed result to the writer; a stop while the writer's queue is full cancels the URL instead. */
    private void fail(ErrorKind kind, String detail, Integer httpStatus) {
        try {
            ctx.results().put(failed(kind, detail, httpStatus));
        } catch (InterruptedException stopping) {
            ctx.cancelled().accept(request.id());
        }
    }

    /** The URL's failed result; its host is told that its fetch failed for good. */
    private RequestResult failed(ErrorKind kind, String detail, Integer httpStatus) {
        ctx.observer().fetched(hostKey, false, elapsedMillis());
        return RequestResult.failed(request, kind, detail, httpStatus, attempts, elapsedMillis(), ctx.clock().instant());
    }

    private long elapsedMillis() {
        return start == 0 ? 0 : (System.nanoTime() - start) / 1_000_000;
    }
}
