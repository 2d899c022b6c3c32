package dev.sluice.origin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an origin counts: requests overall and per URL (path and raw query, as sent), their arrival
 * times, the conditional headers of each URL's last request, requests in flight overall and per
 * {@code Host} header, and 304 answers; apart from them, requests for {@code /robots.txt}.
 *
 * <p>Thread-safe. Arrivals are recorded under one lock, so that the overall list and each URL's list
 * agree on one order, the order of their times. {@link #reset()} is not atomic with respect to requests
 * arriving meanwhile: call it while the origin is quiet. Arrival times are kept until reset, one
 * {@link Instant} per request, shared by the overall list and its URL's list.
 */
final class Counters {
    /** A request's number overall and among requests for its URL, both counted from 1. */
    record Arrival(long number, int numberForUrl) {}

    /** What one URL received. Guarded by the lock of {@link #arrivals}. */
    private static final class UrlLog {
        final List<Instant> times = new ArrayList<>();
        final List<Received> received = new ArrayList<>();
        Conditions lastConditions = Conditions.NONE;
    }

    private static final byte[] NO_BODY = new byte[0];

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong robotsRequests = new AtomicLong();
    private final AtomicLong notModified = new AtomicLong();
    /** Arrival times of all requests; also the lock for {@link #urls}. */
    private final List<Instant> arrivals = new ArrayList<>();
    private final Map<String, UrlLog> urls = new HashMap<>();
    private final Gauge inFlight = new Gauge();
    private final ConcurrentMap<String, Gauge> inFlightByHost = new ConcurrentHashMap<>();

    Arrival arrive(String pathAndQuery, Conditions conditions) {
        return arrive(pathAndQuery, conditions, "GET", null, NO_BODY);
    }

    /** Counts a request for this URL with its method, {@code Content-Type} (or null) and body. */
    Arrival arrive(String pathAndQuery, Conditions conditions, String method, String contentType, byte[] body) {
        // Time and positions are taken under one lock so that both lists stay in arrival order.
        synchronized (arrivals) {
            Instant now = Instant.now();
            arrivals.add(now);
            UrlLog url = urls.computeIfAbsent(pathAndQuery, u -> new UrlLog());
            url.times.add(now);
            url.received.add(new Received(now, method, contentType, body.length == 0 ? NO_BODY : body));
            url.lastConditions = conditions;
            return new Arrival(requests.incrementAndGet(), url.times.size());
        }
    }

    /** Counts a request in flight; returns how many are in flight for its host, this one included. */
    int enter(String host) {
        inFlight.enter();
        return inFlightByHost.computeIfAbsent(host, h -> new Gauge()).enter();
    }

    void exit(String host) {
        inFlightByHost.get(host).exit();
        inFlight.exit();
    }

    void robotsRequested() {
        robotsRequests.incrementAndGet();
    }

    long robotsRequests() {
        return robotsRequests.get();
    }

    void answeredNotModified() {
        notModified.incrementAndGet();
    }

    long notModified() {
        return notModified.get();
    }

    long requests() {
        return requests.get();
    }

    long requests(String pathAndQuery) {
        return arrivals(pathAndQuery).size();
    }

    /** Requests so far for each path and query that received any, in no particular order. */
    Map<String, Integer> requestsByUrl() {
        synchronized (arrivals) {
            Map<String, Integer> counts = new HashMap<>(urls.size() * 2);
            urls.forEach((url, log) -> counts.put(url, log.times.size()));
            return counts;
        }
    }

    List<Instant> arrivals() {
        synchronized (arrivals) {
            return List.copyOf(arrivals);
        }
    }

    List<Instant> arrivals(String pathAndQuery) {
        synchronized (arrivals) {
            UrlLog url = urls.get(pathAndQuery);
            return url == null ? List.of() : List.copyOf(url.times);
        }
    }

    /** The requests for this URL as received, in order of arrival. */
    List<Received> received(String pathAndQuery) {
        synchronized (arrivals) {
            UrlLog url = urls.get(pathAndQuery);
            return url == null ? List.of() : List.copyOf(url.received);
        }
    }

    /** The conditional headers of the last request for this URL; none when there was none. */
    Conditions lastConditions(String pathAndQuery) {
        synchronized (arrivals) {
            UrlLog url = urls.get(pathAndQuery);
            return url == null ? Conditions.NONE : url.lastConditions;
        }
    }

    int inFlight() {
        return inFlight.current();
    }

    int maxInFlight() {
        return inFlight.max();
    }

    int maxInFlight(String host) {
        Gauge gauge = inFlightByHost.get(host);
        return gauge == null ? 0 : gauge.max();
    }

    void reset() {
        synchronized (arrivals) {
            requests.set(0);
            arrivals.clear();
            urls.clear();
        }
        robotsRequests.set(0);
        notModified.set(0);
        // Gauges stay: requests in flight still leave through them.
        inFlight.resetMax();
        inFlightByHost.values().forEach(Gauge::resetMax);
    }
}
