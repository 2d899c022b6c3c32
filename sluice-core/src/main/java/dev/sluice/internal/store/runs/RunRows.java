package dev.sluice.internal.store.runs;

import dev.sluice.RunRecord;
import dev.sluice.RunState;
import dev.sluice.RunSummary;
import dev.sluice.spi.Frontier;
import dev.sluice.internal.store.Dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Rows of table {@code runs}, the same in both databases but for how each keeps time and JSON ({@link Dialect}):
 * written within the caller's transaction, read back for status and the report. Stateless and thread-safe.
 */
public final class RunRows {
    private static final String SUMMARY_COLUMNS = "ok, failed, unchanged, skipped, duplicates, cancelled, requests, retries, "
            + "p50_ms, p95_ms, p99_ms, max_ms, urls_per_second, failed_by_error, discovered";

    private RunRows() {
    }

    /**
     * Inserts a running run of {@code worker}; returns its id. PostgreSQL's is alive for {@code aliveFor} (its worker's
     * lease) unless its heartbeat says so again; SQLite's until its process ends (give null).
     */
    public static long insert(Connection c, Dialect d, String worker, Frontier.RunStart start, Duration aliveFor) throws SQLException {
        boolean beats = d == Dialect.POSTGRES;
        try (PreparedStatement st = c.prepareStatement("INSERT INTO runs (worker, command, config, started_at, seen_at"
                + (beats ? ", alive_until" : "") + ") VALUES (?, ?, " + d.json() + ", ?, ?" + (beats ? ", ?" : "") + ") RETURNING id")) {
            st.setString(1, worker);
            st.setString(2, start.command() == null ? null : d.text(start.command()));
            st.setString(3, RunJson.config(start.config()));
            d.time(st, 4, start.startedAt());
            d.time(st, 5, start.startedAt());
            if (beats) {
                d.time(st, 6, start.startedAt().plus(aliveFor));
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Records the end of run {@code id}. */
    public static void end(Connection c, Dialect d, long id, Frontier.RunEnd end) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE runs SET state = ?, message = ?, ended_at = ?, seen_at = ?, "
                + "(" + SUMMARY_COLUMNS + ") = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + d.json() + ", " + d.json() + ") WHERE id = ?")) {
            RunSummary s = end.summary();
            st.setString(1, end.state().code());
            st.setString(2, end.message() == null ? null : d.text(end.message()));
            d.time(st, 3, end.endedAt());
            d.time(st, 4, end.endedAt());
            long[] numbers = {s.ok(), s.failed(), s.unchanged(), s.skipped(), s.duplicates(), s.cancelled(), s.requests(),
                    s.retries(), s.latencyMs().p50(), s.latencyMs().p95(), s.latencyMs().p99(), s.latencyMs().max()};
            for (int i = 0; i < numbers.length; i++) {
                st.setLong(5 + i, numbers[i]);
            }
            st.setDouble(17, s.urlsPerSecond());
            st.setString(18, RunJson.counts(s.failedByError()));
            st.setString(19, RunJson.counts(s.discovered()));
            st.setLong(20, id);
            st.executeUpdate();
        }
    }

    /**
     * The last {@code limit} runs, newest first. A run still {@code running} reads {@link RunState#LOST} when its worker
     * has ended: in PostgreSQL when it stopped renewing {@code alive_until}, in SQLite when {@code workerEnded} says so.
     */
    public static List<RunRecord> last(Connection c, Dialect d, int limit, Predicate<String> workerEnded) throws SQLException {
        return select(c, d, "ORDER BY id DESC LIMIT " + limit, workerEnded);
    }

    /** The runs {@code rest} (a WHERE, ORDER BY, LIMIT of our own, never a user's text) selects; lost ones as in {@link #last}. */
    public static List<RunRecord> select(Connection c, Dialect d, String rest, Predicate<String> workerEnded) throws SQLException {
        List<RunRecord> runs = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT id, worker, command, config, started_at, seen_at, ended_at, state, "
                + "message, " + SUMMARY_COLUMNS + (d == Dialect.POSTGRES ? ", alive_until < now()" : "")
                + " FROM runs " + rest)) {
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    runs.add(read(rs, d, workerEnded));
                }
            }
        }
        return runs;
    }

    private static RunRecord read(ResultSet rs, Dialect d, Predicate<String> workerEnded) throws SQLException {
        Instant started = d.time(rs, 5);
        Instant ended = d.time(rs, 7);
        RunState state = RunState.of(rs.getString(8));
        if (state == RunState.RUNNING && (d == Dialect.POSTGRES ? rs.getBoolean(25) : workerEnded.test(rs.getString(2)))) {
            state = RunState.LOST;
        }
        RunSummary summary = null;
        if (ended != null) {
            summary = new RunSummary(rs.getLong(10), rs.getLong(12), rs.getLong(11), RunJson.counts(rs.getString(23)),
                    rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getLong(16), rs.getLong(17),
                    new RunSummary.Latency(rs.getLong(18), rs.getLong(19), rs.getLong(20), rs.getLong(21)),
                    Duration.between(started, ended), state == RunState.INTERRUPTED, RunJson.counts(rs.getString(24)));
        }
        return new RunRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), started, d.time(rs, 6), ended,
                state, rs.getString(9), summary);
    }
}
