package dev.sluice.internal.store.tables;

import dev.sluice.Extraction;
import dev.sluice.FetchedBody;
import dev.sluice.Headers;
import dev.sluice.Rejected;
import dev.sluice.RequestResult;
import dev.sluice.StoreException;
import dev.sluice.Validators;
import dev.sluice.internal.process.Tables;
import dev.sluice.internal.store.Dialect;
import dev.sluice.internal.store.SqlDatabase;
import dev.sluice.internal.store.SqlFrontier;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A typed table rebuilt from the stored bodies ({@code sluice extract}): in one transaction, the table and its child
 * tables are dropped and made again from what the table's extraction yields on the body of every {@code ok} result
 * kept with {@code --store-body}, as the run that fetched it would have stored them (the same {@code _request},
 * {@code _url}, {@code _fetched_at}). Readers see the old table until the new one is whole.
 *
 * <p>Threads: the caller's thread reads the bodies through a cursor and writes the rows; the extraction runs on
 * {@code threads} platform threads of its own, one batch ahead of the writing, so that at most two batches of bodies
 * are held. A body the extraction cannot read is a {@code rejects} row of the table (no column, its reason), not an
 * error of the rebuild.
 *
 * <p>What a body stored in the database cannot say: where a redirect ended ({@code meta:final_url} and {@code | url}
 * see the request's URL) and the response's headers but Content-Type, ETag and Last-Modified.
 */
public final class TableRebuild {
    /** Bodies extracted together: enough to keep the threads busy, few enough to hold two batches of large bodies. */
    private static final int BATCH = 64;

    private TableRebuild() {
    }

    /** What a rebuild read and wrote. */
    public record Outcome(long bodies, long unreadable) {
    }

    /** Rebuilds {@code tables}' table in {@code db}; see the class comment. */
    public static Outcome rebuild(SqlDatabase db, Tables tables, int threads) throws StoreException {
        Dialect d = db.dialect();
        String sql = "SELECT r.request, r.url, r.http_status, r.content_type, r.etag, r.last_modified, r.fetched_at, r.run, b.body"
                + " FROM results r JOIN bodies b ON " + d.joinsResult("b")
                + " WHERE r.status = 'ok' ORDER BY r.url, r.request";
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), Thread.ofPlatform().name("sluice-extract-", 0).factory());
        try {
            return db.writes().inTransaction("cannot rebuild table " + tables.schema().table(), c -> {
                TypedTables typed = TypedTables.remake(c, d, tables.schema());
                long[] counts = new long[2];
                try (PreparedStatement st = c.prepareStatement(sql)) {
                    st.setFetchSize(BATCH); // PostgreSQL streams the bodies through a cursor
                    try (ResultSet rs = st.executeQuery()) {
                        List<Future<Stored>> extracting = List.of();
                        while (true) {
                            List<Future<Stored>> next = new ArrayList<>(BATCH);
                            while (next.size() < BATCH && rs.next()) {
                                Stored s = Stored.read(rs, d);
                                next.add(pool.submit(() -> s.extracted(tables)));
                            }
                            write(c, typed, extracting, counts);
                            if (next.isEmpty()) {
                                break;
                            }
                            extracting = next;
                        }
                    }
                }
                return new Outcome(counts[0], counts[1]);
            });
        } finally {
            pool.shutdownNow();
        }
    }

    private static void write(Connection c, TypedTables typed, List<Future<Stored>> batch, long[] counts) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        Map<Long, List<RequestResult>> byRun = new java.util.LinkedHashMap<>();
        for (Future<Stored> f : batch) {
            Stored s = join(f);
            counts[0]++;
            counts[1] += s.unreadable ? 1 : 0;
            byRun.computeIfAbsent(s.run, r -> new ArrayList<>()).add(s.result);
        }
        for (Map.Entry<Long, List<RequestResult>> e : byRun.entrySet()) {
            TypedTables.Plan plan = typed.plan(c, e.getValue());
            typed.write(c, plan, e.getValue(), id -> false, e.getKey());
            typed.committed(plan); // within this one transaction, later batches start from it
        }
    }

    private static Stored join(Future<Stored> f) throws SQLException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("the rebuild was interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("extraction failed unexpectedly", e.getCause());
        }
    }

    /** A stored ok result with its body, as the rebuild reads it, and then with its extraction. */
    private record Stored(String request, String url, int httpStatus, String contentType, Validators validators,
                          Instant fetchedAt, Long run, byte[] body, RequestResult result, boolean unreadable) {

        static Stored read(ResultSet rs, Dialect d) throws SQLException {
            long run = rs.getLong(8);
            Long stored = rs.wasNull() ? null : run;
            return new Stored(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                    new Validators(rs.getString(5), rs.getString(6)), d.time(rs, 7), stored, rs.getBytes(9), null, false);
        }

        /** On an extraction thread: the body's rows, or a reject saying why it could not be read. */
        Stored extracted(Tables tables) {
            FetchedBody fetched = new FetchedBody(url, URI.create(url), httpStatus, contentType, body, new StoredHeaders(contentType, validators));
            Extraction extraction;
            boolean failed = false;
            try {
                extraction = tables.extract().apply(fetched, fetchedAt);
            } catch (Exception e) {
                failed = true;
                extraction = new Extraction(List.of(), List.of(new Rejected(tables.schema().table(), -1, null, null, null,
                        "body not readable: " + (e.getMessage() == null ? e.getClass().getName() : e.getMessage()))));
            }
            RequestResult r = new RequestResult(SqlFrontier.request(request, "GET", url, null, null), RequestResult.Status.OK,
                    httpStatus, 1, null, null, (long) body.length, contentType, null, 0, fetchedAt, List.of(), extraction,
                    null, validators, false, List.of());
            return new Stored(request, url, httpStatus, contentType, validators, fetchedAt, run, null, r, failed);
        }
    }

    /** The headers a stored result keeps: Content-Type and the validators. */
    private record StoredHeaders(String contentType, Validators validators) implements Headers {
        @Override
        public String first(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "content-type" -> contentType;
                case "etag" -> validators.etag();
                case "last-modified" -> validators.lastModified();
                default -> null;
            };
        }

        @Override
        public List<String> all(String name) {
            String value = first(name);
            return value == null ? List.of() : List.of(value);
        }
    }
}
