package dev.sluice.internal.pipeline;

import dev.sluice.RunObserver;
import dev.sluice.internal.fetch.HttpFetcher;
import dev.sluice.internal.fetch.RetryPolicy;
import dev.sluice.internal.limit.Scheduler;
import dev.sluice.internal.process.ProcessStage;
import dev.sluice.internal.robots.RobotsCache;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What every fetch thread of a run shares: the stages it hands to and the policies it obeys. All
 * members are thread-safe.
 *
 * @param clock     wall clock for {@code fetched_at}
 * @param results   where failures go (the writer's queue); blocks when full
 * @param stopping  whether the run is stopping (no new attempts start)
 * @param cancelled told about a request (its identity) that ends without a row (stopped mid-way)
 * @param robots    robots.txt rules by origin, or null when robots.txt is not respected
 * @param maxCrawlDelay the longest Crawl-delay honoured
 * @param observer  told what requests meet per host: the run's record, metrics
 */
record JobContext(
        Scheduler scheduler,
        HttpFetcher fetcher,
        RetryPolicy retryPolicy,
        int retries,
        ProcessStage process,
        ProcessStage.Output results,
        RunStats stats,
        LiveJobs live,
        java.time.Clock clock,
        BooleanSupplier stopping,
        Consumer<String> cancelled,
        RobotsCache robots,
        Duration maxCrawlDelay,
        RunObserver observer) {

    /** A request went to {@code host}: counted by the run and for its host; {@code retry} when not a URL's first. */
    void sent(String host, boolean retry) {
        stats.requestStarted(retry);
        observer.sent(host, retry);
    }
}
