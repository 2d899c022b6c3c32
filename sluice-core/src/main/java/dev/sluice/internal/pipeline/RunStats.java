package dev.sluice.internal.pipeline;

import dev.sluice.Progress;
import dev.sluice.RunSummary;
import dev.sluice.RequestResult;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one run. Counters are {@link LongAdder}s, bumped from any thread; the latency
 * histogram is touched only by the writer thread (in {@link #stored}) until the run ends and
 * {@link #summary} reads it after the writer thread has been joined (the join is the happens-before edge).
 */
final class RunStats {
    private final long startNanos = System.nanoTime();
    private final LongAdder ok = new LongAdder();
    private final LongAdder unchanged = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Map<String, LongAdder> failedByError = new ConcurrentHashMap<>();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder retries = new LongAdder();
    /** Requests added to the frontier by this run's responses, by the rule that found them. */
    private final Map<String, LongAdder> discoveredByRule = new ConcurrentHashMap<>();
    private final LongAdder discovered = new LongAdder();
    private final Histogram latency = new Histogram(3_600_000L, 3); // ms, up to an hour; writer thread only
    private volatile long total = -1;

    void expectTotal(long urlLines) {
        total = urlLines;
    }

    void skipped(long n) {
        skipped.add(n);
    }

    void duplicates(long n) {
        duplicates.add(n);
    }

    void cancelled() {
        cancelled.increment();
    }

    void requestStarted(boolean retry) {
        requests.increment();
        if (retry) {
            retries.increment();
        }
    }

    /** Writer thread only. */
    void stored(RequestResult r) {
        for (var d : r.discovered()) {
            discoveredByRule.computeIfAbsent(d.lineage().rule(), k -> new LongAdder()).increment();
            discovered.increment();
        }
        if (r.ok()) {
            ok.increment();
            if (r.unchanged()) {
                unchanged.increment();
            }
        } else {
            failed.increment();
            failedByError.computeIfAbsent(r.error().code(), k -> new LongAdder()).increment();
        }
        if (r.attempts() > 0) {
            latency.recordValue(Math.min(r.elapsedMs(), latency.getHighestTrackableValue()));
        }
    }

    /** {@code limit} is -1 under fixed limits. */
    Progress progress(int inFlight, int limit) {
        long o = ok.sum();
        long f = failed.sum();
        long found = discovered.sum();
        return new Progress(o + f + skipped.sum() + duplicates.sum(), total < 0 ? -1 : total + found, o, f, inFlight, limit,
                requests.sum(), System.nanoTime() - startNanos, found);
    }

    /** Call only after the writer thread has ended. */
    RunSummary summary(boolean stopped) {
        Map<String, Long> byError = new TreeMap<>();
        failedByError.forEach((k, v) -> byError.put(k, v.sum()));
        RunSummary.Latency lat = new RunSummary.Latency(latency.getValueAtPercentile(50),
                latency.getValueAtPercentile(95), latency.getValueAtPercentile(99), latency.getMaxValue());
        Map<String, Long> byRule = new TreeMap<>();
        discoveredByRule.forEach((k, v) -> byRule.put(k, v.sum()));
        return new RunSummary(ok.sum(), unchanged.sum(), failed.sum(), byError, skipped.sum(), duplicates.sum(), cancelled.sum(),
                requests.sum(), retries.sum(), lat, Duration.ofNanos(System.nanoTime() - startNanos), stopped, byRule);
    }
}
