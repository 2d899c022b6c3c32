package dev.sluice.origin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an origin counts: requests overall and per URL (path and raw query, as sent), their arrival
 * times, and requests in flight overall and per {@code Host} header.
 *
 * <p>Thread-safe. {@link #reset()} is not atomic with respect to requests arriving meanwhile: call it
 * while the origin is quiet. Arrival times are kept until reset, one {@link Instant} per request.
 */
final class Counters {
    /** A request's number overall and among requests for its URL, both counted from 1. */
    record Arrival(long number, int numberForUrl) {}

    private final AtomicLong requests = new AtomicLong();
    private final ConcurrentMap<String, List<Instant>> arrivals = new ConcurrentHashMap<>();
    private final Gauge inFlight = new Gauge();
    private final ConcurrentMap<String, Gauge> inFlightByHost = new ConcurrentHashMap<>();

    Arrival arrive(String pathAndQuery) {
        long number = requests.incrementAndGet();
        List<Instant> times = arrivals.computeIfAbsent(pathAndQuery, url -> new ArrayList<>());
        // Time and position are taken under one lock so the list stays in arrival order.
        synchronized (times) {
            times.add(Instant.now());
            return new Arrival(number, times.size());
        }
    }

    void enter(String host) {
        inFlight.enter();
        inFlightByHost.computeIfAbsent(host, h -> new Gauge()).enter();
    }

    void exit(String host) {
        inFlightByHost.get(host).exit();
        inFlight.exit();
    }

    long requests() {
        return requests.get();
    }

    long requests(String pathAndQuery) {
        return arrivals(pathAndQuery).size();
    }

    List<Instant> arrivals(String pathAndQuery) {
        List<Instant> times = arrivals.get(pathAndQuery);
        if (times == null) {
            return List.of();
        }
        synchronized (times) {
            return List.copyOf(times);
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
        requests.set(0);
        arrivals.clear();
        // Gauges stay: requests in flight still leave through them.
        inFlight.resetMax();
        inFlightByHost.values().forEach(Gauge::resetMax);
    }
}
