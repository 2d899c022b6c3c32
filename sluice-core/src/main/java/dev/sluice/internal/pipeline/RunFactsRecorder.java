package dev.sluice.internal.pipeline;

import dev.sluice.RunObserver;
import dev.sluice.spi.RunFacts;
import java.time.Clock;
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
public final class RunFactsRecorder implements RunFacts, RunObserver {
    /** Host events kept per run: a run of many hosts going down and up would otherwise grow its table without end. */
    static final int MAX_EVENTS = 10_000;

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, HostCounts> hosts = new HashMap<>();
    private final Map<Long, SecondCounts> seconds = new HashMap<>();
    private final List<Event> events = new ArrayList<>();
    private int eventsNoted;

    public RunFactsRecorder(Clock clock) {
        this.clock = clock;
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
            h.latency[RunFacts.bucket(ms)]++;
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

    @Override
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
    @Override
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
