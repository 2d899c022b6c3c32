package dev.sluice.internal.store;

import dev.sluice.ErrorKind;
import dev.sluice.Extraction;
import dev.sluice.RunRecord;
import dev.sluice.spi.Store;
import dev.sluice.StoreException;
import dev.sluice.RequestResult;
import dev.sluice.Validators;
import dev.sluice.spi.RunReport;
import dev.sluice.spi.StoredTable;
import dev.sluice.internal.store.runs.RunReports;
import dev.sluice.internal.store.runs.RunRows;
import dev.sluice.internal.store.tables.StoredTables;
import dev.sluice.internal.store.tables.TableRebuild;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a store reads back the same way in both databases: counts, runs, results, reports. A subclass opens its
 * database and its frontier. Thread-safe as its database is.
 */
public abstract class SqlStore implements Store {
    private final SqlDatabase db;

    protected SqlStore(SqlDatabase db) {
        this.db = db;
    }

    @Override
    public final Counts counts() throws StoreException {
        return db.reading("cannot count results", c -> {
            long ok = 0;
            long failed = 0;
            Map<String, Long> byError = new LinkedHashMap<>();
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT status, error, count(*) FROM results GROUP BY status, error ORDER BY status DESC, error");
                 ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(3);
                    if ("ok".equals(rs.getString(1))) {
                        ok += n;
                    } else {
                        failed += n;
                        byError.merge(rs.getString(2), n, Long::sum);
                    }
                }
            }
            return new Counts(ok, failed, byError);
        });
    }

    /** A run left {@code running} reads lost when its worker has ended ({@link SqlDatabase#workerEnded}, or PostgreSQL's lapsed heartbeat). */
    @Override
    public final List<RunRecord> runs(int limit) throws StoreException {
        return db.reading("cannot read the runs", c -> RunRows.last(c, db.dialect(), limit, db::workerEnded));
    }

    @Override
    public final RunReport report(RunReport.Selection which) throws StoreException {
        return db.snapshot("cannot read the runs for a report", c -> RunReports.read(c, db.dialect(), which, db::workerEnded,
                db.location()));
    }

    @Override
    public final List<TableStats> tables() throws StoreException {
        return db.snapshot("cannot read the typed tables", TableStatsRows::read);
    }

    /**
     * Rebuilds the typed table of {@code tables} from the stored bodies, in one transaction, the extraction on
     * {@code threads} threads ({@link TableRebuild}). Run it while no run writes the table.
     */
    public final TableRebuild.Outcome rebuildTable(dev.sluice.internal.process.Tables tables, int threads) throws StoreException {
        return TableRebuild.rebuild(db, tables, threads);
    }

    /** How many ok results have their body stored ({@code --store-body}): what {@link #rebuildTable} reads. */
    public final long storedBodies() throws StoreException {
        return db.reading("cannot count the stored bodies", c -> {
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT count(*) FROM results r JOIN bodies b ON " + db.dialect().joinsResult("b") + " WHERE r.status = 'ok'");
                 ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public final void scan(RequestResult.Status status, Consumer<RequestResult> sink) throws StoreException {
        Dialect d = db.dialect();
        String sql = "SELECT r.url, r.status, r.http_status, r.attempts, r.error, r.detail, r.bytes, r.content_type, r.sha256, "
                + "r.elapsed_ms, r.fetched_at, r.etag, r.last_modified, r.unchanged, r.method, " + d.jsonText("q.headers")
                + ", q.body, r.request FROM results r LEFT JOIN queue q ON " + d.joinsResult("q")
                + (status == null ? "" : " WHERE r.status = ?") + " ORDER BY r.url, r.request";
        db.snapshot("cannot read results", c -> {
            try (PreparedStatement st = c.prepareStatement(sql)) {
                st.setFetchSize(1000); // PostgreSQL streams the rows through a cursor instead of holding them all
                if (status != null) {
                    st.setString(1, status.code());
                }
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(read(rs, d));
                    }
                }
            }
            return null;
        });
    }

    /** A results row as {@link #scan} selects it (records and body not included). */
    private static RequestResult read(ResultSet rs, Dialect d) throws SQLException {
        String error = rs.getString(5);
        return new RequestResult(
                SqlFrontier.request(rs.getString(18), rs.getString(15), rs.getString(1), rs.getString(16), rs.getBytes(17)),
                "ok".equals(rs.getString(2)) ? RequestResult.Status.OK : RequestResult.Status.FAILED,
                rs.getObject(3) == null ? null : rs.getInt(3),
                rs.getInt(4),
                error == null ? null : ErrorKind.valueOf(error.toUpperCase(Locale.ROOT)),
                rs.getString(6),
                rs.getObject(7) == null ? null : rs.getLong(7),
                rs.getString(8),
                rs.getString(9),
                rs.getLong(10),
                d.time(rs, 11),
                List.of(),
                Extraction.NONE,
                null,
                new Validators(rs.getString(12), rs.getString(13)),
                rs.getBoolean(14),
                List.of());
    }

    @Override
    public final Optional<StoredTable> table(String name) throws StoreException {
        return db.reading("cannot read table " + name, c -> StoredTables.describe(c, name));
    }

    /** In one snapshot: PostgreSQL's out of autocommit, so that the rows come through a cursor. */
    @Override
    public final void scanTable(StoredTable table, Consumer<Object[]> sink) throws StoreException {
        db.snapshot("cannot read table " + table.name(), c -> {
            StoredTables.scan(c, db.dialect(), table, sink);
            return null;
        });
    }

    @Override
    public final String location() {
        return db.location();
    }
}
