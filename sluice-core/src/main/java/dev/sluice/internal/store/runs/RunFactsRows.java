package dev.sluice.internal.store.runs;

import dev.sluice.spi.RunFacts;
import dev.sluice.spi.RunFacts;
import dev.sluice.internal.store.Dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/**
 * Writes a run's {@link RunFacts} not yet written, as increments, within the caller's transaction (the one that
 * stores the results they came with): {@code run_hosts}, {@code run_latency}, {@code run_retries},
 * {@code run_seconds}, {@code run_events}. The same statements in both databases: {@code table.column} in an
 * upsert's SET and {@code excluded} are SQL both understand; only time and the larger of two values differ.
 */
public final class RunFactsRows {
    private RunFactsRows() {
    }

    public static void write(Connection c, Dialect d, long run, RunFacts.Pending p) throws SQLException {
        if (p.isEmpty()) {
            return;
        }
        if (!p.hosts().isEmpty()) {
            hosts(c, d, run, p.hosts());
            latency(c, d, run, p.hosts());
            retries(c, d, run, p.hosts());
        }
        if (!p.seconds().isEmpty()) {
            seconds(c, d, run, p.seconds());
        }
        if (!p.events().isEmpty()) {
            events(c, d, run, p);
        }
    }

    private static void hosts(Connection c, Dialect d, long run, Map<String, RunFacts.HostCounts> hosts) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO run_hosts (run, host, requests, retries, fetched, failed, status_429, status_503, held_back_ms,
                                       breaker_opens, latency_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run, host) DO UPDATE SET
                    requests = run_hosts.requests + excluded.requests, retries = run_hosts.retries + excluded.retries,
                    fetched = run_hosts.fetched + excluded.fetched, failed = run_hosts.failed + excluded.failed,
                    status_429 = run_hosts.status_429 + excluded.status_429,
                    status_503 = run_hosts.status_503 + excluded.status_503,
                    held_back_ms = run_hosts.held_back_ms + excluded.held_back_ms,
                    breaker_opens = run_hosts.breaker_opens + excluded.breaker_opens,
                    latency_ms = run_hosts.latency_ms + excluded.latency_ms""")) {
            for (Map.Entry<String, RunFacts.HostCounts> e : hosts.entrySet()) {
                RunFacts.HostCounts h = e.getValue();
                st.setLong(1, run);
                st.setString(2, d.text(e.getKey()));
                long[] values = {h.requests, h.retries, h.fetched, h.failed, h.status429, h.status503, h.heldBackMs,
                        h.breakerOpens, h.latencyMs};
                for (int i = 0; i < values.length; i++) {
                    st.setLong(3 + i, values[i]);
                }
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    private static void latency(Connection c, Dialect d, long run, Map<String, RunFacts.HostCounts> hosts) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO run_latency (run, host, le_ms, n) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (run, host, le_ms) DO UPDATE SET n = run_latency.n + excluded.n")) {
            boolean any = false;
            for (Map.Entry<String, RunFacts.HostCounts> e : hosts.entrySet()) {
                long[] buckets = e.getValue().latency;
                for (int i = 0; i < buckets.length; i++) {
                    if (buckets[i] != 0) {
                        st.setLong(1, run);
                        st.setString(2, d.text(e.getKey()));
                        st.setLong(3, i < RunFacts.LATENCY_BOUNDS_MS.length ? RunFacts.LATENCY_BOUNDS_MS[i] : -1);
                        st.setLong(4, buckets[i]);
                        st.addBatch();
                        any = true;
                    }
                }
            }
            if (any) {
                st.executeBatch();
            }
        }
    }

    private static void retries(Connection c, Dialect d, long run, Map<String, RunFacts.HostCounts> hosts) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO run_retries (run, host, reason, n) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (run, host, reason) DO UPDATE SET n = run_retries.n + excluded.n")) {
            boolean any = false;
            for (Map.Entry<String, RunFacts.HostCounts> e : hosts.entrySet()) {
                for (Map.Entry<String, Long> r : e.getValue().retryReasons.entrySet()) {
                    st.setLong(1, run);
                    st.setString(2, d.text(e.getKey()));
                    st.setString(3, r.getKey());
                    st.setLong(4, r.getValue());
                    st.addBatch();
                    any = true;
                }
            }
            if (any) {
                st.executeBatch();
            }
        }
    }

    private static void seconds(Connection c, Dialect d, long run, Map<Long, RunFacts.SecondCounts> seconds)
            throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO run_seconds (run, at, requests, retries, pushbacks, in_flight, concurrency_limit)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run, at) DO UPDATE SET
                    requests = run_seconds.requests + excluded.requests, retries = run_seconds.retries + excluded.retries,
                    pushbacks = run_seconds.pushbacks + excluded.pushbacks,
                    in_flight = %s,
                    concurrency_limit = coalesce(excluded.concurrency_limit, run_seconds.concurrency_limit)"""
                .formatted(d.greatest("run_seconds.in_flight", "excluded.in_flight")))) {
            for (Map.Entry<Long, RunFacts.SecondCounts> e : seconds.entrySet()) {
                RunFacts.SecondCounts s = e.getValue();
                st.setLong(1, run);
                d.second(st, 2, Instant.ofEpochSecond(e.getKey()));
                st.setLong(3, s.requests);
                st.setLong(4, s.retries);
                st.setLong(5, s.pushbacks);
                st.setInt(6, s.inFlight);
                if (s.limit < 0) {
                    st.setNull(7, java.sql.Types.INTEGER);
                } else {
                    st.setInt(7, s.limit);
                }
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    private static void events(Connection c, Dialect d, long run, RunFacts.Pending p) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO run_events (run, at, host, kind, detail) VALUES (?, ?, ?, ?, ?)")) {
            for (RunFacts.Event e : p.events()) {
                st.setLong(1, run);
                d.time(st, 2, e.at());
                st.setString(3, d.text(e.host()));
                st.setString(4, e.kind());
                st.setString(5, e.detail());
                st.addBatch();
            }
            st.executeBatch();
        }
    }
}
