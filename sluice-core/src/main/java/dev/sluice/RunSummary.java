package dev.sluice;

import java.time.Duration;
import java.util.Map;

/**
 * What a run did. Immutable.
 *
 * @param ok            URLs stored ok by this run
 * @param unchanged     of those, URLs a refetch found unchanged (304 Not Modified: the stored data stayed)
 * @param failed        URLs stored failed by this run
 * @param failedByError failed URLs per error code
 * @param skipped       input URLs skipped because the store already had them
 * @param duplicates    input lines repeating a URL seen earlier in this run
 * @param cancelled     URLs admitted but not stored because the run was stopped (a re-run fetches them)
 * @param requests      HTTP attempts made (each retry is one more)
 * @param retries       attempts that were retries
 * @param latencyMs     per-URL elapsed time percentiles of stored results: p50, p95, p99, max (ms)
 * @param wall          wall time of the run
 * @param stopped       whether the run was stopped before its input was exhausted
 * @param discovered    requests this run's responses added to the frontier, by the rule that found them
 *                      ({@code paginate}, {@code follow}, {@code link})
 */
public record RunSummary(
        long ok,
        long unchanged,
        long failed,
        Map<String, Long> failedByError,
        long skipped,
        long duplicates,
        long cancelled,
        long requests,
        long retries,
        Latency latencyMs,
        Duration wall,
        boolean stopped,
        Map<String, Long> discovered) {

    /** Latency percentiles in milliseconds. */
    public record Latency(long p50, long p95, long p99, long max) {
    }

    public long stored() {
        return ok + failed;
    }

    /** Stored URLs per second of wall time. */
    public double urlsPerSecond() {
        double seconds = wall.toNanos() / 1e9;
        return seconds > 0 ? stored() / seconds : 0;
    }
}
