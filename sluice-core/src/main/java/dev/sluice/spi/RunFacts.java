package dev.sluice.spi;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run's requests met, per host and second by second, that no commit has written yet: a frontier writes it
 * beside the results, in the same transaction, as increments (tables {@code run_hosts}, {@code run_latency},
 * {@code run_retries}, {@code run_seconds}, {@code run_events}). {@link #pending()} copies what is held, the commit
 * writes it, and {@link #written} takes what was written away; a commit that fails takes nothing away, so the next
 * one writes it.
 *
 * <p>Implementations are thread-safe: requests note facts from many threads while the writer takes them.
 */
public interface RunFacts {
    /** The bounds of {@code run_latency}'s buckets (ms); above the last, -1. */
    long[] LATENCY_BOUNDS_MS = {0, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000};
    /** A host's counts not yet written: increments. {@code latency[i]} counts URLs in bucket i ({@link #bucket}). */
    final class HostCounts {
        public long requests, retries, fetched, failed, status429, status503, heldBackMs, breakerOpens, latencyMs;
        public final long[] latency = new long[LATENCY_BOUNDS_MS.length + 1];
        public final Map<String, Long> retryReasons = new HashMap<>();

        public HostCounts copy() {
            HostCounts c = new HostCounts();
            c.add(this, 1);
            return c;
        }

        /** Adds {@code sign} times {@code o}'s counts. */
        public void add(HostCounts o, int sign) {
            requests += sign * o.requests;
            retries += sign * o.retries;
            fetched += sign * o.fetched;
            failed += sign * o.failed;
            status429 += sign * o.status429;
            status503 += sign * o.status503;
            heldBackMs += sign * o.heldBackMs;
            breakerOpens += sign * o.breakerOpens;
            latencyMs += sign * o.latencyMs;
            for (int i = 0; i < latency.length; i++) {
                latency[i] += sign * o.latency[i];
            }
            o.retryReasons.forEach((reason, n) -> {
                long left = retryReasons.getOrDefault(reason, 0L) + sign * n;
                if (left == 0) {
                    retryReasons.remove(reason);
                } else {
                    retryReasons.put(reason, left);
                }
            });
        }

        public boolean empty() {
            if ((requests | retries | fetched | failed | status429 | status503 | heldBackMs | breakerOpens | latencyMs) != 0
                    || !retryReasons.isEmpty()) {
                return false;
            }
            for (long n : latency) {
                if (n != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A second's counts not yet written; {@code inFlight} the most seen, {@code limit} the last (-1: none). */
    final class SecondCounts {
        public long requests, retries, pushbacks;
        public int inFlight;
        public int limit = -1;

        public SecondCounts copy() {
            SecondCounts c = new SecondCounts();
            c.requests = requests;
            c.retries = retries;
            c.pushbacks = pushbacks;
            c.inFlight = inFlight;
            c.limit = limit;
            return c;
        }
    }

    /** Something that happened to a host as a whole. {@code kind}: held_back, breaker_open, breaker_closed. */
    public record Event(Instant at, String host, String kind, String detail) {
    }

    /** What no commit has written yet; {@code seconds} by epoch second. */
    public record Pending(Map<String, HostCounts> hosts, Map<Long, SecondCounts> seconds, List<Event> events) {
        public boolean isEmpty() {
            return hosts.isEmpty() && seconds.isEmpty() && events.isEmpty();
        }
    }

    /** The index in {@link HostCounts#latency} of a URL that took {@code ms}. */
    static int bucket(long ms) {
        for (int i = 0; i < LATENCY_BOUNDS_MS.length; i++) {
            if (ms <= LATENCY_BOUNDS_MS[i]) {
                return i;
            }
        }
        return LATENCY_BOUNDS_MS.length;
    }

    /** A copy of what no commit has written yet. Writer thread. */
    Pending pending();

    /** {@code p}, from {@link #pending()}, is committed: what it held is taken away; what was noted since stays. */
    void written(Pending p);
}
