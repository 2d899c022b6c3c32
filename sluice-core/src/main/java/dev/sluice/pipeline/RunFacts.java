package dev.sluice.pipeline;


import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a run's requests met, per host and second by second, held until the writer's next commit writes it beside
 * the results (tables {@code run_hosts}, {@code run_latency}, {@code run_retries}, {@code run_seconds},
 * {@code run_events}). Only what no commit has written yet is held: {@link #pending()} copies it, the commit writes
 * it as increments, and {@link #written} takes what was written away; a commit that fails takes nothing away, so
 * the next one writes it. Memory is thus bounded by what happens between two commits, not by hosts or URLs.
 *
 * <p>Thread-safe: fetch threads, the scheduler's host events (after its lock is released) and the writer note; the
 * writer takes and hands back. Every access is under one short lock, a leaf: notes come at most a few thousand times
 * a second.
 */
public final class RunFacts implements RunObserver {
    /** The bounds of {@code run_latency}'s buckets (ms); above the last, -1. */
    public static final long[] LATENCY_BOUNDS_MS = {0, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000};
    /** Host events kept per run: a run of many hosts going down and up would otherwise grow its table without end. */
    static final int MAX_EVENTS = 10_000;

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, HostCounts> hosts = new HashMap<>();
    private final Map<Long, SecondCounts> seconds = new HashMap<>();
    private final List<Event> events = new ArrayList<>();
    private int eventsNoted;

    public RunFacts(Clock clock) {
        this.clock = clock;
    }

    /** A host's counts not yet written: increments. {@code latency[i]} counts URLs in bucket i ({@link #bucket}). */
    public static final class HostCounts {
        public long requests, retries, fetched, failed, status429, status503, heldBackMs, breakerOpens, latencyMs;
        public final long[] latency = new long[LATENCY_BOUNDS_MS.length + 1];
        public final Map<String, Long> retryReasons = new HashMap<>();

        HostCounts copy() {
            HostCounts c = new HostCounts();
            c.add(this, 1);
            return c;
        }

        /** Adds {@code sign} times {@code o}'s counts. */
        void add(HostCounts o, int sign) {
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

        boolean empty() {
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
    public static final class SecondCounts {
        public long requests, retries, pushbacks;
        public int inFlight;
        public int limit = -1;

        SecondCounts copy() {
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
    public static int bucket(long ms) {
        for (int i = 0; i < LATENCY_BOUNDS_MS.length; i++) {
            if (ms <= LATENCY_BOUNDS_MS[i]) {
                return i;
            }
        }
        return LATENCY_BOUNDS_MS.length;
    }

    /** A request went to {@code host}: an attempt ({@code retry} when not the first), a robots.txt or a liveness check. */
    @Override
    public void sent(String host, boolean retry) {
        lock.lock();
        try {
            HostCounts h = host(host);
            h.requests++;
            SecondCounts s = second();
            s.requests++;
            if (retry) {
                h.retries++;
                s.retries++;
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@code host} answered with {@code httpStatus} (null: no answer): 429 and 503 are counted. */
    @Override
    public void answered(String host, Integer httpStatus) {
        if (httpStatus == null || httpStatus != 429 && httpStatus != 503) {
            return;
        }
        lock.lock();
        try {
            HostCounts h = host(host);
            if (httpStatus == 429) {
                h.status429++;
            } else {
                h.status503++;
            }
            second().pushbacks++;
        } finally {
            lock.unlock();
        }
    }

    /** A URL of {@code host} is tried again, for {@code reason}: an error code, or {@code http_<status>}. */
    @Override
    public void retrying(String host, String reason) {
        lock.lock();
        try {
            host(host).retryReasons.merge(reason, 1L, Long::sum);
        } finally {
            lock.unlock();
        }
    }

    /** A URL of {@code host} is done with fetching: fetched, or failed for good, after {@code ms} from its first attempt. */
    @Override
    public void fetched(String host, boolean ok, long ms) {
        lock.lock();
        try {
            HostCounts h = host(host);
            if (ok) {
                h.fetched++;
            } else {
                h.failed++;
            }
            h.latencyMs += ms;
            h.latency[bucket(ms)]++;
        } finally {
            lock.unlock();
        }
    }

    /** What is in flight now, and the concurrency the run may use (-1 under fixed limits), for this second. */
    @Override
    public void sample(Load load) {
        lock.lock();
        try {
            SecondCounts s = second();
            s.inFlight = Math.max(s.inFlight, load.inFlight());
            s.limit = load.limit();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void heldBack(String host, long millis, boolean newEvent, boolean retryAfter) {
        lock.lock();
        try {
            host(host).heldBackMs += millis;
            if (newEvent) {
                event(host, "held_back", millis + " ms" + (retryAfter ? ", as its Retry-After asked" : ", back-off"));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void breakerOpened(String host) {
        lock.lock();
        try {
            host(host).breakerOpens++;
            event(host, "breaker_open", null);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void breakerClosed(String host) {
        lock.lock();
        try {
            event(host, "breaker_closed", null);
        } finally {
            lock.unlock();
        }
    }

    /** A copy of what no commit has written yet. Writer thread. */
    public Pending pending() {
        lock.lock();
        try {
            Map<String, HostCounts> h = new HashMap<>(hosts.size() * 2);
            hosts.forEach((k, v) -> h.put(k, v.copy()));
            Map<Long, SecondCounts> s = new HashMap<>(seconds.size() * 2);
            seconds.forEach((k, v) -> s.put(k, v.copy()));
            return new Pending(h, s, List.copyOf(events));
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code p}, from {@link #pending()}, is committed: what it held is taken away; what was noted since stays. A second
     * is dropped once nothing new was noted in it, unless it is the current one (its most in flight may still grow).
     */
    public void written(Pending p) {
        lock.lock();
        try {
            p.hosts().forEach((k, v) -> {
                HostCounts h = hosts.get(k);
                h.add(v, -1);
                if (h.empty()) {
                    hosts.remove(k);
                }
            });
            long now = epochSecond();
            p.seconds().forEach((k, v) -> {
                SecondCounts s = seconds.get(k);
                s.requests -= v.requests;
                s.retries -= v.retries;
                s.pushbacks -= v.pushbacks;
                if (k != now && s.requests == 0 && s.retries == 0 && s.pushbacks == 0 && s.inFlight == v.inFlight) {
                    seconds.remove(k);
                }
            });
            events.subList(0, p.events().size()).clear();
        } finally {
            lock.unlock();
        }
    }

    private HostCounts host(String host) {
        return hosts.computeIfAbsent(host, k -> new HostCounts());
    }

    private SecondCounts second() {
        return seconds.computeIfAbsent(epochSecond(), k -> new SecondCounts());
    }

    private long epochSecond() {
        return Math.floorDiv(clock.millis(), 1000);
    }

    private void event(String host, String kind, String detail) {
        if (eventsNoted++ < MAX_EVENTS) {
            events.add(new Event(clock.instant(), host, kind, detail));
        }
    }
}
