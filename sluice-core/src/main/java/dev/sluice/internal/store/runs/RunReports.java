package dev.sluice.internal.store.runs;

import dev.sluice.spi.RunFacts;
import dev.sluice.spi.RunReport;
import dev.sluice.RunRecord;
import dev.sluice.spi.RunFacts;
import dev.sluice.internal.store.Dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Reads a {@link RunReport} from a database, SQLite or PostgreSQL, also while runs write to it. Aggregates in the
 * database or in one pass over the results' few columns it needs; what it returns is bounded however many results
 * there are. Stateless.
 */
public final class RunReports {
    static final int BUCKETS = 300;
    static final int TOP_HOSTS = 500;
    /** Besides the busiest hosts: the worst by failures, 429/503s and time held back, so that they show. */
    static final int WORST_HOSTS = 50;
    static final int LISTED = 100;
    static final int EVENTS = 1_000;

    private RunReports() {
    }

    /**
     * The report of {@code which} runs, read on {@code c} (one snapshot) of the database at {@code where}; a run left
     * running whose worker {@code workerEnded} reads lost. An {@link SQLException} naming what is missing when there are none.
     */
    public static RunReport read(Connection c, Dialect d, RunReport.Selection which, Predicate<String> workerEnded, String where)
            throws SQLException {
        List<RunRecord> runs = runs(c, d, which, workerEnded);
        if (runs.isEmpty()) {
            throw new SQLException(which instanceof RunReport.Selection.One one ? "there is no run " + one.id() + " in " + where
                    : "no run is recorded in " + where + " (runs are recorded from Sluice 0.1's issue-12 schema on: run once)");
        }
        String inRuns = which instanceof RunReport.Selection.All ? "" : " run IN (" + runs.stream().map(r -> Long.toString(r.id()))
                .collect(Collectors.joining(", ")) + ")";
        String whereRuns = inRuns.isEmpty() ? "" : " WHERE" + inRuns;
        String andRuns = inRuns.isEmpty() ? "" : " AND" + inRuns;
        Instant from = runs.stream().map(RunRecord::startedAt).min(Comparator.naturalOrder()).orElseThrow();
        Instant to = runs.stream().map(r -> r.endedAt() != null ? r.endedAt() : r.seenAt()).max(Comparator.naturalOrder()).orElseThrow();
        long span = Math.max(1, to.getEpochSecond() - from.getEpochSecond() + 1);
        long width = Math.max(1, (span + BUCKETS - 1) / BUCKETS);

        Pass pass = new Pass(from.getEpochSecond(), width);
        pass.scan(c, d, whereRuns);
        List<RunReport.Bucket> timeline = pass.timeline(seconds(c, d, whereRuns, from.getEpochSecond(), width));
        long[] sent = sent(c, whereRuns);
        RunReport.Totals totals = new RunReport.Totals(pass.results, pass.ok, pass.results - pass.ok, pass.byError, pass.bytes,
                sent[0], sent[1]);
        List<RunReport.HostRow> hosts = hosts(c, whereRuns, andRuns);
        long hostCount = count(c, "SELECT count(DISTINCT host) FROM run_hosts" + whereRuns);
        List<RunReport.Event> events = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT at, host, kind, detail FROM run_events" + whereRuns
                + " ORDER BY at LIMIT " + EVENTS); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                events.add(new RunReport.Event(d.time(rs, 1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        long eventCount = count(c, "SELECT count(*) FROM run_events" + whereRuns);
        List<RunReport.UrlRow> slowest = urls(c, d, "SELECT " + URL_COLUMNS + " FROM results WHERE attempts > 0" + andRuns
                + " ORDER BY elapsed_ms DESC LIMIT " + LISTED);
        List<RunReport.UrlRow> failed = urls(c, d, "SELECT " + URL_COLUMNS + " FROM results WHERE status = 'failed'" + andRuns
                + " ORDER BY fetched_at LIMIT " + LISTED);
        return new RunReport(runs, from, to, totals, pass.latency(), width, timeline, hosts, hostCount, events, eventCount,
                slowest, failed);
    }

    private static List<RunRecord> runs(Connection c, Dialect d, RunReport.Selection which, Predicate<String> workerEnded)
            throws SQLException {
        return switch (which) {
            case RunReport.Selection.One one -> RunRows.select(c, d, "WHERE id = " + one.id(), workerEnded);
            case RunReport.Selection.All all -> RunRows.select(c, d, "ORDER BY id", workerEnded);
            case RunReport.Selection.Latest latest -> {
                List<RunRecord> recent = RunRows.last(c, d, 1_000, workerEnded);
                if (recent.isEmpty()) {
                    yield recent;
                }
                RunRecord last = recent.getFirst();
                Instant lastEnd = end(last);
                List<RunRecord> overlapping = new ArrayList<>();
                for (RunRecord r : recent) {
                    if (!r.startedAt().isAfter(lastEnd) && !end(r).isBefore(last.startedAt())) {
                        overlapping.add(r);
                    }
                }
                yield overlapping.reversed();
            }
        };
    }

    private static Instant end(RunRecord r) {
        return r.endedAt() != null ? r.endedAt() : r.seenAt();
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Requests and retries sent, from run_hosts. */
    private static long[] sent(Connection c, String whereRuns) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT coalesce(sum(requests), 0), coalesce(sum(retries), 0) FROM run_hosts"
                + whereRuns); ResultSet rs = st.executeQuery()) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /**
     * One pass over the runs' results, reading four small columns: counts by outcome, overall and per time bucket,
     * body bytes, and every latency (8 bytes a result: 8 MB for a million) for exact percentiles.
     */
    private static final class Pass {
        private final long fromSecond;
        private final long width;
        long results;
        long ok;
        long bytes;
        final Map<String, Long> byError = new TreeMap<>();
        final Map<Long, Map<String, Long>> outcomes = new HashMap<>();
        private long[] latencies = new long[1024];
        private int latencyCount;

        Pass(long fromSecond, long width) {
            this.fromSecond = fromSecond;
            this.width = width;
        }

        void scan(Connection c, Dialect d, String whereRuns) throws SQLException {
            try (PreparedStatement st = c.prepareStatement("SELECT status, error, elapsed_ms, attempts, bytes, "
                    + d.epoch("fetched_at") + " FROM results" + whereRuns)) {
                st.setFetchSize(10_000); // PostgreSQL streams with a cursor (the caller's connection is in a transaction)
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        results++;
                        String error = rs.getString(2);
                        String outcome = error == null ? "ok" : error;
                        if (error == null) {
                            ok++;
                            bytes += rs.getLong(5);
                        } else {
                            byError.merge(error, 1L, Long::sum);
                        }
                        if (rs.getInt(4) > 0) {
                            if (latencyCount == latencies.length) {
                                latencies = Arrays.copyOf(latencies, latencies.length * 2);
                            }
                            latencies[latencyCount++] = rs.getLong(3);
                        }
                        long bucket = Math.max(0, rs.getLong(6) - fromSecond) / width;
                        outcomes.computeIfAbsent(bucket, k -> new TreeMap<>()).merge(outcome, 1L, Long::sum);
                    }
                }
            }
        }

        RunReport.Latency latency() {
            long[] sorted = Arrays.copyOf(latencies, latencyCount);
            Arrays.sort(sorted);
            long[] bounds = RunFacts.LATENCY_BOUNDS_MS;
            long[] counts = new long[bounds.length + 1];
            for (long ms : sorted) {
                counts[RunFacts.bucket(ms)]++;
            }
            return new RunReport.Latency(sorted.length, rank(sorted, 50), rank(sorted, 95), rank(sorted, 99),
                    sorted.length == 0 ? 0 : sorted[sorted.length - 1], bounds.clone(), counts);
        }

        /** Nearest rank: the smallest value with at least {@code percent} % of the values at or below it. */
        private static long rank(long[] sorted, int percent) {
            if (sorted.length == 0) {
                return 0;
            }
            int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, index)];
        }

        List<RunReport.Bucket> timeline(Map<Long, long[]> sent) {
            Set<Long> buckets = new java.util.TreeSet<>(outcomes.keySet());
            buckets.addAll(sent.keySet());
            List<RunReport.Bucket> out = new ArrayList<>(buckets.size());
            for (long b : buckets) {
                long[] s = sent.getOrDefault(b, new long[] {0, 0, 0, 0, -1});
                out.add(new RunReport.Bucket(Instant.ofEpochSecond(fromSecond + b * width), outcomes.getOrDefault(b, Map.of()),
                        s[0], s[1], s[2], s[3], s[4]));
            }
            return out;
        }
    }

    /**
     * run_seconds by bucket: requests, retries, pushbacks summed; in flight and the usable concurrency each the most a run
     * reached in the bucket, summed over the runs (workers run side by side).
     */
    private static Map<Long, long[]> seconds(Connection c, Dialect d, String whereRuns, long fromSecond, long width)
            throws SQLException {
        Map<Long, long[]> out = new HashMap<>();
        String bucket = "(" + d.epoch("at") + " - " + fromSecond + ") / " + width;
        try (PreparedStatement st = c.prepareStatement("SELECT " + bucket + " AS b, run, sum(requests), sum(retries), sum(pushbacks), "
                + "max(in_flight), max(concurrency_limit) FROM run_seconds" + whereRuns + " GROUP BY b, run");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                long[] s = out.computeIfAbsent(Math.max(0, rs.getLong(1)), k -> new long[] {0, 0, 0, 0, -1});
                s[0] += rs.getLong(3);
                s[1] += rs.getLong(4);
                s[2] += rs.getLong(5);
                s[3] += rs.getLong(6);
                long limit = rs.getLong(7);
                if (!rs.wasNull()) {
                    s[4] = Math.max(s[4], 0) + limit;
                }
            }
        }
        return out;
    }

    private static final String HOST_SUMS = "host, sum(requests), sum(retries), sum(fetched), sum(failed), sum(status_429), "
            + "sum(status_503), sum(held_back_ms), sum(breaker_opens), sum(latency_ms)";

    /** The busiest hosts, and the worst by failures, pushbacks and time held back, busiest first, with their p95. */
    private static List<RunReport.HostRow> hosts(Connection c, String whereRuns, String andRuns) throws SQLException {
        Set<String> chosen = new LinkedHashSet<>();
        chosen.addAll(hostNames(c, "SELECT host FROM run_hosts" + whereRuns + " GROUP BY host ORDER BY sum(requests) DESC LIMIT " + TOP_HOSTS));
        for (String worst : List.of("sum(failed)", "sum(status_429 + status_503)", "sum(held_back_ms)")) {
            chosen.addAll(hostNames(c, "SELECT host FROM run_hosts" + whereRuns + " GROUP BY host HAVING " + worst + " > 0 ORDER BY "
                    + worst + " DESC LIMIT " + WORST_HOSTS));
        }
        if (chosen.isEmpty()) {
            return List.of();
        }
        Map<String, long[]> latency = new HashMap<>();
        String in = " host IN (" + String.join(", ", chosen.stream().map(h -> "?").toList()) + ")";
        try (PreparedStatement st = c.prepareStatement("SELECT host, le_ms, sum(n) FROM run_latency WHERE" + in + andRuns
                + " GROUP BY host, le_ms")) {
            bind(st, chosen);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long le = rs.getLong(2);
                    int index = le < 0 ? RunFacts.LATENCY_BOUNDS_MS.length : RunFacts.bucket(le);
                    latency.computeIfAbsent(rs.getString(1), k -> new long[RunFacts.LATENCY_BOUNDS_MS.length + 1])[index] += rs.getLong(3);
                }
            }
        }
        Map<String, RunReport.HostRow> rows = new LinkedHashMap<>();
        try (PreparedStatement st = c.prepareStatement("SELECT " + HOST_SUMS + " FROM run_hosts WHERE" + in + andRuns
                + " GROUP BY host ORDER BY sum(requests) DESC, host")) {
            bind(st, chosen);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String host = rs.getString(1);
                    long urls = rs.getLong(4) + rs.getLong(5);
                    rows.put(host, new RunReport.HostRow(host, rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                            rs.getLong(7), rs.getLong(8), rs.getLong(9), urls == 0 ? 0 : rs.getLong(10) / urls,
                            p95(latency.get(host))));
                }
            }
        }
        return List.copyOf(rows.values());
    }

    private static List<String> hostNames(Connection c, String sql) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static void bind(PreparedStatement st, Set<String> values) throws SQLException {
        int i = 1;
        for (String v : values) {
            st.setString(i++, v);
        }
    }

    /** The upper bound of the bucket holding the 95th percentile; -1 when above the last bound; 0 with no data. */
    private static long p95(long[] counts) {
        if (counts == null) {
            return 0;
        }
        long total = Arrays.stream(counts).sum();
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen * 100 >= total * 95) {
                return i < RunFacts.LATENCY_BOUNDS_MS.length ? RunFacts.LATENCY_BOUNDS_MS[i] : -1;
            }
        }
        return 0;
    }

    private static final String URL_COLUMNS = "method, url, status, http_status, error, detail, elapsed_ms, attempts, fetched_at";

    private static List<RunReport.UrlRow> urls(Connection c, Dialect d, String sql) throws SQLException {
        List<RunReport.UrlRow> rows = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                int status = rs.getInt(4);
                rows.add(new RunReport.UrlRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.wasNull() ? null : status,
                        rs.getString(5), rs.getString(6), rs.getLong(7), rs.getInt(8), d.time(rs, 9)));
            }
        }
        return rows;
    }
}
