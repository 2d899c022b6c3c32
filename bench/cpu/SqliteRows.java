package dev.sluice.internal.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;

/**
 * What the SQLite writes of one stored URL cost, one thread, sqlite-jdbc as Sluice uses it (WAL, synchronous=NORMAL,
 * BEGIN IMMEDIATE, 1,000 rows a transaction, executeBatch): the queue row's insert (the loader), its finish (UPDATE by
 * id) and the result's upsert, each on its own, in the schema as it is ("now") and in variants of it. Usage:
 * SqliteRows DIR N [VARIANT...]; prints each round's CPU µs per row of each step (this thread's CPU time), 3 rounds after a warm-up.
 * Variants: now (the schema of V1..V5: results keyed by (url, request) beside a rowid, request as 32 hex digits);
 * norowid (results WITHOUT ROWID, clustered on its key); blobid (request as 16 bytes); both; noindex (the queue without its
 * partial index of queued rows); ckpt (a WAL checkpoint every 10,000 pages instead of 1,000). Each round runs every variant once; the last line gives each variant's best round
 * (interference from other work on the machine only adds CPU time, so the least is the closest to the cost itself).
 */
public final class SqliteRows {
    private static final HexFormat HEX = HexFormat.of();
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        List<String> variants = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("now", "norowid", "blobid", "both", "noindex");
        int rounds = Integer.getInteger("rounds", 4);
        java.util.Map<String, double[]> best = new java.util.LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (String v : variants) {
                double[] us = run(dir.resolve(v + round + ".db"), n, v);
                if (round > 0) {
                    double[] b = best.computeIfAbsent(v, k -> new double[] {1e9, 1e9, 1e9});
                    for (int i = 0; i < 3; i++) {
                        b[i] = Math.min(b[i], us[i]);
                    }
                    System.out.printf("%s round %d: queue insert %.2f, queue finish %.2f, result upsert %.2f, sum %.2f us/row%n",
                            v, round, us[0], us[1], us[2], us[0] + us[1] + us[2]);
                }
            }
        }
        best.forEach((v, b) -> System.out.printf("BEST %s: queue insert %.2f, queue finish %.2f, result upsert %.2f, sum %.2f us/row%n",
                v, b[0], b[1], b[2], b[0] + b[1] + b[2]));
    }

    private static double[] run(Path file, int n, String variant) throws Exception {
        Files.deleteIfExists(file);
        boolean noRowid = variant.equals("norowid") || variant.equals("both");
        boolean blob = variant.equals("blobid") || variant.equals("both");
        String idType = blob ? "BLOB" : "TEXT";
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=NORMAL");
            if (variant.equals("ckpt")) {
                st.execute("PRAGMA wal_autocheckpoint=10000");
            }
            st.execute("""
                    CREATE TABLE results (request %1$s NOT NULL, method TEXT NOT NULL DEFAULT 'GET', url TEXT NOT NULL,
                      status TEXT NOT NULL CHECK (status IN ('ok', 'failed')), http_status INTEGER, attempts INTEGER NOT NULL,
                      error TEXT, detail TEXT, bytes INTEGER, content_type TEXT, sha256 TEXT, elapsed_ms INTEGER NOT NULL,
                      fetched_at TEXT NOT NULL, etag TEXT, last_modified TEXT,
                      unchanged INTEGER NOT NULL DEFAULT 0 CHECK (unchanged IN (0, 1)), run INTEGER,
                      PRIMARY KEY (url, request))%2$s""".formatted(idType, noRowid ? " WITHOUT ROWID" : ""));
            st.execute("""
                    CREATE TABLE queue (id INTEGER PRIMARY KEY, request %s NOT NULL, method TEXT NOT NULL DEFAULT 'GET',
                      url TEXT NOT NULL, headers TEXT, body BLOB,
                      state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'failed')), parent TEXT,
                      depth INTEGER NOT NULL DEFAULT 0, rule TEXT NOT NULL DEFAULT 'input', page INTEGER NOT NULL DEFAULT 1,
                      enqueued_at TEXT NOT NULL, finished_at TEXT, UNIQUE (url, request))""".formatted(idType));
            if (!variant.equals("noindex")) {
                st.execute("CREATE INDEX queue_queued ON queue (id) WHERE state = 'queued'");
            }
            c.setAutoCommit(true);
            String[] urls = new String[n];
            Object[] ids = new Object[n];
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < n; i++) {
                urls[i] = "http://127.0.0.1:38235/doc/" + (i + 1);
                byte[] d = java.util.Arrays.copyOf(sha.digest(("GET " + urls[i] + "\n").getBytes()), 16);
                ids[i] = blob ? d : HEX.formatHex(d);
            }
            String now = "2026-12-06T21:38:56.123Z";
            double[] out = new double[3];
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO queue (request, method, url, headers, body, state, "
                    + "enqueued_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url, request) DO NOTHING");
                 PreparedStatement finish = c.prepareStatement("UPDATE queue SET state = ?, finished_at = ? WHERE id = ?");
                 PreparedStatement upsert = c.prepareStatement("""
                         INSERT INTO results (request, method, url, status, http_status, attempts, error, detail, bytes,
                                              content_type, sha256, elapsed_ms, fetched_at, etag, last_modified, unchanged, run)
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
                         ON CONFLICT (url, request) DO UPDATE SET
                             status = excluded.status, http_status = excluded.http_status, attempts = excluded.attempts,
                             error = excluded.error, detail = excluded.detail, bytes = excluded.bytes,
                             content_type = excluded.content_type, sha256 = excluded.sha256,
                             elapsed_ms = excluded.elapsed_ms, fetched_at = excluded.fetched_at,
                             etag = excluded.etag, last_modified = excluded.last_modified, unchanged = 0, run = excluded.run""")) {
                String sha256 = "d".repeat(64);
                for (int step = 0; step < 3; step++) {
                    long t0 = CPU.getCurrentThreadCpuTime(); // CPU time: the machine is shared
                    for (int from = 0; from < n; from += 1000) {
                        st.execute("BEGIN IMMEDIATE");
                        for (int i = from; i < Math.min(n, from + 1000); i++) {
                            switch (step) {
                                case 0 -> {
                                    setId(insert, 1, ids[i]);
                                    insert.setString(2, "GET");
                                    insert.setString(3, urls[i]);
                                    insert.setString(4, null);
                                    insert.setBytes(5, null);
                                    insert.setString(6, "queued");
                                    insert.setString(7, now);
                                    insert.setString(8, null);
                                    insert.addBatch();
                                }
                                case 1 -> {
                                    finish.setString(1, "done");
                                    finish.setString(2, now);
                                    finish.setLong(3, i + 1);
                                    finish.addBatch();
                                }
                                default -> {
                                    setId(upsert, 1, ids[i]);
                                    upsert.setString(2, "GET");
                                    upsert.setString(3, urls[i]);
                                    upsert.setString(4, "ok");
                                    upsert.setInt(5, 200);
                                    upsert.setInt(6, 1);
                                    upsert.setString(7, null);
                                    upsert.setString(8, null);
                                    upsert.setLong(9, 1024);
                                    upsert.setString(10, "application/json");
                                    upsert.setString(11, sha256);
                                    upsert.setLong(12, 5);
                                    upsert.setString(13, now);
                                    upsert.setString(14, "\"6753a1f4-400\"");
                                    upsert.setString(15, "Sat, 06 Dec 2026 21:38:56 GMT");
                                    upsert.setLong(16, 1);
                                    upsert.addBatch();
                                }
                            }
                        }
                        (step == 0 ? insert : step == 1 ? finish : upsert).executeBatch();
                        st.execute("COMMIT");
                    }
                    out[step] = (CPU.getCurrentThreadCpuTime() - t0) / 1e3 / n;
                }
            }
            return out;
        } finally {
            for (String s : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(Path.of(file + s));
            }
        }
    }

    private static void setId(PreparedStatement st, int i, Object id) throws java.sql.SQLException {
        if (id instanceof byte[] b) {
            st.setBytes(i, b);
        } else {
            st.setString(i, (String) id);
        }
    }
}
