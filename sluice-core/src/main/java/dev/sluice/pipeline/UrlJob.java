package dev.sluice.pipeline;

import dev.sluice.ErrorKind;
import dev.sluice.FetchedBody;
import dev.sluice.UrlResult;
import dev.sluice.fetch.Attempt;
import dev.sluice.limit.Limits;
import dev.sluice.process.ProcessStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;

/**
 * One URL's life on its own virtual thread: take the slots, fetch, and either hand the body to the
 * CPU stage or decide on a retry (holding no slot while backing off) or a failed result.
 *
 * <p>Ends in exactly one of three ways: body handed to the CPU stage, failed result handed to the
 * writer, or cancelled (the run is stopping; no row, so a re-run fetches it). A bug of ours becomes
 * a failed row too, logged with its trace: nothing thrown here vanishes.
 */
final class UrlJob implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(UrlJob.class);

    private final JobContext ctx;
    private final String url;
    private final URI uri;
    private final String host;
    private volatile LiveJobs.Phase phase = LiveJobs.Phase.WAITING;
    private volatile Thread thread;

    UrlJob(JobContext ctx, String url, URI uri, String host) {
        this.ctx = ctx;
        this.url = url;
        this.uri = uri;
        this.host = host;
    }

    /** Starts the job on a new virtual thread. Called by the admission thread. */
    void start() {
        Thread t = Thread.ofVirtual().name("sluice-fetch").unstarted(this);
        thread = t;
        ctx.live().started(this);
        t.start();
    }

    LiveJobs.Phase phase() {
        return phase;
    }

    void interrupt() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public void run() {
        long start = 0; // set when the first attempt gets its slots: queueing before that is not the URL's latency
        int attempts = 0;
        try {
            while (true) {
                if (ctx.stopping().getAsBoolean()) {
                    throw new InterruptedException("the run is stopping");
                }
                Attempt attempt;
                try (Limits.Permit permit = ctx.limits().acquire(host)) {
                    phase = LiveJobs.Phase.FETCHING;
                    if (attempts++ == 0) {
                        start = System.nanoTime();
                    }
                    ctx.stats().requestStarted(attempts > 1);
                    attempt = ctx.fetcher().fetch(uri);
                    if (attempt instanceof Attempt.Success s) {
                        // Handed over while the slot is held: a full CPU queue slows fetching (backpressure).
                        ctx.process().submit(new ProcessStage.Job(
                                new FetchedBody(url, s.finalUri(), s.httpStatus(), s.contentType(), s.body()), attempts, start));
                        return;
                    }
                } finally {
                    phase = LiveJobs.Phase.WAITING;
                }
                Attempt.Failure f = (Attempt.Failure) attempt;
                if (f.retryable() && attempts <= ctx.retries()) {
                    Duration delay = ctx.retryPolicy().delay(attempts, f.retryAfter());
                    log.debug("{}: {}; retry {} of {} in {} ms", url, f.detail(), attempts, ctx.retries(), delay.toMillis());
                    if (ctx.stopping().getAsBoolean()) {
                        throw new InterruptedException("the run is stopping");
                    }
                    Thread.sleep(delay);
                    continue;
                }
                ctx.results().put(UrlResult.failed(url, f.kind(), f.detail(), f.httpStatus(), attempts, millisSince(start), ctx.clock().instant()));
                return;
            }
        } catch (InterruptedException e) {
            ctx.cancelled().accept(url);
        } catch (RuntimeException | Error e) {
            log.error("unexpected failure while fetching {}", url, e);
            try {
                ctx.results().put(UrlResult.failed(url, ErrorKind.IO, "unexpected failure: " + e, null, attempts,
                        millisSince(start), ctx.clock().instant()));
            } catch (InterruptedException stopping) {
                ctx.cancelled().accept(url);
            }
        } finally {
            ctx.live().ended(this);
        }
    }

    private static long millisSince(long startNanos) {
        return startNanos == 0 ? 0 : (System.nanoTime() - startNanos) / 1_000_000;
    }
}
