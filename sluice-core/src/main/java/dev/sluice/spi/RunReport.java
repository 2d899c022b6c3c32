package dev.sluice.spi;

import dev.sluice.RunRecord;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a report shows of one or more runs, aggregated in the database and bounded whatever their size: at most
 * {@value RunReports#BUCKETS} time buckets, {@value RunReports#TOP_HOSTS} hosts (plus the worst by each measure),
 * {@value RunReports#LISTED} slowest and failed URLs, {@value RunReports#EVENTS} events. Read by {@link RunReports}.
 *
 * @param runs         the runs reported, oldest first
 * @param from         the start of the first
 * @param to           the end of the last (its last sign of life while running)
 * @param totals       counts over their results
 * @param latency      the results' latencies (ms): percentiles and histogram
 * @param bucketSeconds the width of each {@link Bucket}
 * @param timeline     bucket by bucket, oldest first
 * @param hosts        per host, busiest first
 * @param hostCount    hosts in all (the table may show fewer)
 * @param events       hosts held back, down and back, oldest first
 * @param eventCount   events in all
 * @param slowest      the slowest URLs, slowest first
 * @param failed       failed URLs, first failed first
 */
public record RunReport(List<RunRecord> runs, Instant from, Instant to, Totals totals, Latency latency, long bucketSeconds,
                        List<Bucket> timeline, List<HostRow> hosts, long hostCount, List<Event> events, long eventCount,
                        List<UrlRow> slowest, List<UrlRow> failed) {
    /** Which runs a report is about. */
    public sealed interface Selection {
        /** The latest run and the runs that overlapped it in time (the other workers of the same job). */
        record Latest() implements Selection {
        }

        record One(long id) implements Selection {
        }

        /** Every run, and every result (those stored before runs were recorded too). */
        record All() implements Selection {
        }
    }



    /**
     * @param results  rows stored by the runs
     * @param ok       of those, ok
     * @param failed   of those, failed
     * @param byError  failed rows by error code
     * @param bytes    body bytes of the ok rows
     * @param requests requests sent (run_hosts)
     * @param retries  of those, retries
     */
    public record Totals(long results, long ok, long failed, Map<String, Long> byError, long bytes, long requests, long retries) {
    }

    /**
     * Latency (ms) of the results that made a request: exact percentiles (nearest rank), and a histogram of
     * {@code counts[i]} results at most {@code bounds[i]} ms (above the one before; the last count is above all).
     */
    public record Latency(long count, long p50, long p95, long p99, long max, long[] bounds, long[] counts) {
    }

    /**
     * One time bucket: results stored in it by outcome ({@code ok} or an error code), and what was sent.
     *
     * @param start     its start
     * @param outcomes  results by outcome
     * @param requests  requests sent
     * @param retries   of those, retries
     * @param pushbacks 429/503 answers
     * @param inFlight  the most in flight seen (summed over the runs)
     * @param limit     the concurrency the runs could use (--concurrency auto), or -1
     */
    public record Bucket(Instant start, Map<String, Long> outcomes, long requests, long retries, long pushbacks, long inFlight,
                         long limit) {
    }

    /** A host's row: {@code p95Ms} estimated from its latency histogram (the bound of the bucket it falls in). */
    public record HostRow(String host, long requests, long retries, long fetched, long failed, long status429, long status503,
                          long heldBackMs, long breakerOpens, long meanMs, long p95Ms) {
    }

    public record Event(Instant at, String host, String kind, String detail) {
    }

    public record UrlRow(String method, String url, String status, Integer httpStatus, String error, String detail, long elapsedMs,
                         int attempts, Instant fetchedAt) {
    }
}
