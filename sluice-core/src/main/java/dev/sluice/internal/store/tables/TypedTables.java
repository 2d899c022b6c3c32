package dev.sluice.internal.store.tables;

import dev.sluice.ColumnType;
import dev.sluice.Rejected;
import dev.sluice.RequestResult;
import dev.sluice.StoreException;
import dev.sluice.TableRow;
import dev.sluice.TableSpec.SchemaContract;
import dev.sluice.internal.store.Dialect;
import dev.sluice.internal.store.SqlDatabase;
import dev.sluice.spi.TableSchema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static dev.sluice.internal.store.Dialect.quote;

/**
 * Stores results' rows ({@link RequestResult#extraction()}) in one typed table and its child tables, inside the
 * completion's transaction, so that a response's result, rows, child rows, rejects and schema changes commit together
 * or not at all.
 *
 * <p>Each completion is planned first ({@link #plan}): the columns and tables its rows need that the catalog lacks,
 * and the inferred types they widen, where the schema contract lets them in, are made before anything else in the
 * transaction, under the schema lock (workers sharing a PostgreSQL database change schemas one at a time, each
 * reading the catalog afresh under the lock). A completion that changes nothing reads the catalog again under the
 * lock's shared form, which no schema change passes until it commits: its rows are written as the tables are, though
 * another worker changed them since (SQLite's one writer has no other, and keeps the catalog it last committed,
 * {@link #committed}). Then the rows are written ({@link #write}): a request's earlier rows and rejects are replaced;
 * each value is fitted to its column, and what does not fit goes to {@code rejects}.
 *
 * <p>Every typed table starts with its provenance columns: {@code _request} (as {@code results.request}) and
 * {@code _row} (the row's position among its response's rows of that table) key it; a top-level table's rows add
 * {@code _url} and {@code _fetched_at}, a child table's {@code _parent_row} (its parent row's {@code _row}) and
 * {@code _idx} (its position in the parent's list). Merged, every row also carries {@code _root}, its top-level
 * row's key, and child rows are keyed by ({@code _root}, {@code _row}) in place of {@code _request}: a key's child
 * rows are always its top-level row's response's.
 *
 * <p>Threads: {@link #plan}, {@link #write}, {@link #committed} and {@link #forget} on the pipeline's writer thread,
 * {@link #prepare} on its CPU threads; the catalog is published through a volatile field, prepared rows through a
 * synchronized map.
 */
public final class TypedTables {
    /** The provenance columns' names: a user column of one of these names gets a {@code _} more at its end. */
    private static final Set<String> PROVENANCE = Set.of("_request", "_row", "_url", "_fetched_at", "_parent_row", "_idx", "_root");
    /** Rows bound before a batch is sent: pgjdbc keeps every parameter of a batch until it is executed. */
    private static final int ROWS_PER_EXECUTE = 2_000;

    private final Dialect dialect;
    private final String top;
    private final SchemaContract contract;
    private final boolean merge;
    /** The primary key's columns ({@code --primary-key}), for merge; empty for append. */
    private final List<String> key;
    private volatile Catalog committed = Catalog.empty();
    /**
     * Results whose rows {@link #prepare} fitted, by identity (one object from its CPU thread to its commit); each kept
     * until its batch is completed, at most the writer's queue and batch in hand.
     */
    private final Map<RequestResult, Fitted> prepared = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    private TypedTables(Dialect dialect, TableSchema schema) {
        this.dialect = dialect;
        this.top = schema.table();
        this.contract = schema.contract();
        this.merge = schema.spec().merges();
        this.key = schema.spec().primaryKey().stream().map(TypedTables::columnName).toList();
    }

    /**
     * The writer of {@code schema}'s tables in {@code db}: the table and the columns its fields declare are made where
     * they are not yet. A table of that name that Sluice did not make, one made for another write mode or key, or a
     * declared column whose type differs from the stored one, is refused with a message saying so.
     */
    public static TypedTables open(SqlDatabase db, TableSchema schema) throws StoreException {
        TypedTables tables = new TypedTables(db.dialect(), schema);
        tables.committed = db.writes().inTransaction("cannot make table " + schema.table(), c -> tables.prepare(c, schema));
        return tables;
    }

    /**
     * The writer of {@code schema}'s tables made anew in the transaction of {@code c}: the table and its child tables
     * dropped with their catalog rows and rejects, then made as {@link #open} makes them. The table is rebuilt when
     * that transaction commits, or left as it was.
     */
    static TypedTables remake(Connection c, Dialect dialect, TableSchema schema) throws SQLException {
        TypedTables tables = new TypedTables(dialect, schema);
        dialect.lockSchemas(c);
        Catalog.drop(c, schema.table());
        tables.committed = tables.prepare(c, schema);
        return tables;
    }

    private Catalog prepare(Connection c, TableSchema schema) throws SQLException {
        dialect.lockSchemas(c);
        Catalog cat = Catalog.load(c, top);
        Instant now = Instant.now();
        if (cat.has(top)) {
            String stored = Catalog.writtenAs(c, top);
            if (!writtenAs().equals(stored)) {
                throw new SQLException("table " + top + " was made for --write " + stored + ", not " + writtenAs()
                        + ": write it as it was made, or store these rows under another --table");
            }
            if (merge && !mergedLayout(c, cat)) {
                throw new SQLException("table " + top + " was made by an earlier Sluice, in another layout than merged tables"
                        + " now have (_root in every row, child rows keyed by it): make it anew with --write replace, or"
                        + " store these rows under another --table");
            }
        }
        Map<String, List<TableSchema.Column>> byTable = new LinkedHashMap<>();
        byTable.put(top, new ArrayList<>());
        for (TableSchema.Column col : schema.declared()) {
            byTable.computeIfAbsent(col.table(), t -> new ArrayList<>()).add(col);
        }
        for (Map.Entry<String, List<TableSchema.Column>> e : byTable.entrySet()) {
            String table = e.getKey();
            if (!cat.has(table)) {
                cat = createTable(c, cat, table, table.equals(top) ? null : cat.parentOf(table), now);
            }
            for (TableSchema.Column d : e.getValue()) {
                Column wanted = new Column(columnName(d.name()), d.type(), d.precision(), d.scale(), true);
                Column stored = cat.column(table, wanted.name());
                if (stored == null) {
                    cat = addColumn(c, cat, table, wanted, now);
                } else if (!stored.dataType().equals(wanted.dataType())) {
                    throw new SQLException(table + "." + wanted.name() + " is stored as " + stored.dataType()
                            + ", not " + wanted.dataType() + " as declared: declare it " + stored.dataType()
                            + " or store the table under another name");
                }
            }
        }
        return cat;
    }

    /** Whether a merged family's tables are as this build makes them: {@code _root} in each, no child {@code _request}. */
    private boolean mergedLayout(Connection c, Catalog cat) throws SQLException {
        for (String t : cat.tables()) {
            boolean child = !t.equals(top);
            if (!dialect.hasColumn(c, t, "_root") || child && dialect.hasColumn(c, t, "_request")) {
                return false;
            }
        }
        return true;
    }

    /**
     * How rows are written, as {@code typed_tables} records it: {@code append}, or {@code merge (k1,k2)} (a replace
     * job's staged table is written as one or the other).
     */
    private String writtenAs() {
        return merge ? "merge (" + String.join(",", key) + ")" : "append";
    }

    /** The catalog a completion writes with, made by {@link #plan}; handed to {@link #write} and {@link #committed}. */
    public static final class Plan {
        private final Catalog catalog;

        private Plan(Catalog catalog) {
            this.catalog = catalog;
        }
    }

    /**
     * Makes the tables and columns {@code batch}'s rows need, and widens the inferred types they need widened, where
     * the contract lets them in. First in the completion's transaction: the schema lock is taken before any row lock.
     */
    public Plan plan(Connection c, Collection<RequestResult> batch) throws SQLException {
        Catalog known = committed;
        if (contract != SchemaContract.EVOLVE || evolve(known, batch, null) == known) {
            if (dialect == Dialect.SQLITE) {
                return new Plan(known); // one writer: the catalog it committed last is the database's
            }
            // Another worker may have widened a column since (a value bound as bigint is refused by a jsonb column):
            // the rows are written with the catalog as it is now, which the shared lock keeps until they commit.
            dialect.holdSchemas(c);
            Catalog now = Catalog.load(c, top);
            if (contract != SchemaContract.EVOLVE || evolve(now, batch, null) == now) {
                return new Plan(now);
            }
            // not expected (what fits a type fits those it widens to); the exclusive lock waits for the other holders
        }
        dialect.lockSchemas(c);
        Catalog fresh = Catalog.load(c, top); // another worker may have made some of it meanwhile
        return new Plan(evolve(fresh, batch, c));
    }

    /** The plan's catalog is committed: later completions start from it. */
    public void committed(Plan plan) {
        committed = plan.catalog;
    }

    /**
     * A result's rows in the order they are written, each one's values fitted to its table's columns in
     * {@code catalog}: all of them fit, in tables that exist.
     */
    private record Fitted(Catalog catalog, List<TableRow> rows, Object[][] values) {
    }

    /**
     * Fits {@code r}'s rows to the catalog last committed, off the writer's thread: if every row's table is there and
     * every value fits its column, the writer binds these values as they are, and plans no change for them, unless the
     * catalog has changed by then. Any other result is left to the writer, which fits it, evolves the schema or rejects.
     */
    public void prepare(RequestResult r) {
        List<TableRow> all = r.extraction().rows();
        if (all.isEmpty() || r.unchanged()) {
            return;
        }
        Catalog cat = committed;
        List<TableRow> rows = parentsFirst(all);
        Object[][] values = new Object[rows.size()][];
        for (int i = 0; i < values.length; i++) {
            TableRow row = rows.get(i);
            if (!cat.has(row.table())) {
                return;
            }
            List<Column> columns = cat.columns(row.table());
            values[i] = new Object[columns.size()];
            if (!fitValues(row, columns, cat.positions(row.table()), values[i]).isEmpty()) {
                return;
            }
        }
        prepared.put(r, new Fitted(cat, rows, values));
    }

    /** The rows {@link #prepare} fitted to {@code cat}, or null. */
    private Fitted fittedTo(RequestResult r, Catalog cat) {
        Fitted f = prepared.get(r);
        return f != null && f.catalog() == cat ? f : null;
    }

    /** {@code batch} is completed, stored or not: its prepared rows are not needed again. */
    public void forget(Collection<RequestResult> batch) {
        for (RequestResult r : batch) {
            prepared.remove(r);
        }
    }

    /**
     * {@code catalog} with what {@code batch}'s rows need; with {@code c}, the changes are made in the database too.
     * The same catalog when nothing is needed.
     */
    private Catalog evolve(Catalog catalog, Collection<RequestResult> batch, Connection c) throws SQLException {
        Catalog cat = catalog;
        Instant now = Instant.now();
        for (RequestResult r : batch) {
            if (fittedTo(r, catalog) != null) {
                continue; // its rows fit the catalog as it is
            }
            for (TableRow row : parentsFirst(r.extraction().rows())) {
                if (!cat.has(row.table())) {
                    String parent = row.child() ? cat.parentOf(row.table()) : null;
                    if (row.child() && parent == null) {
                        continue; // its parent table is not there: the row is rejected when written
                    }
                    cat = c == null ? cat.withTable(row.table(), parent) : createTable(c, cat, row.table(), parent, now);
                }
                for (Map.Entry<String, Object> v : row.values().entrySet()) {
                    if (v.getValue() == null) {
                        continue; // a column that is null so far is not guessed
                    }
                    String name = columnName(v.getKey());
                    Column col = cat.column(row.table(), name);
                    if (col == null) {
                        Column added = new Column(name, ColumnType.of(v.getValue()), 0, 0, false);
                        cat = c == null ? cat.withColumn(row.table(), added) : addColumn(c, cat, row.table(), added, now);
                    } else if (!col.declared() && Fit.value(v.getValue(), col) == Fit.MISFIT) {
                        ColumnType wider = col.type().widen(ColumnType.of(v.getValue()), true);
                        if (wider != null) {
                            cat = c == null ? cat.withColumn(row.table(), col.widenedTo(wider))
                                    : widenColumn(c, cat, row.table(), col.widenedTo(wider), now);
                        }
                    }
                }
            }
        }
        return cat;
    }

    /**
     * Writes the rows and rejects of {@code stored} (results this worker finished) with the plan's catalog, replacing
     * those of the requests that {@code mayHaveRows} may have stored before. A 304's rows stay as they are.
     */
    public void write(Connection c, Plan plan, Collection<RequestResult> stored, Predicate<String> mayHaveRows, Long run)
            throws SQLException {
        Catalog cat = plan.catalog;
        List<RequestResult> replacing = new ArrayList<>();
        List<RequestResult> writing = new ArrayList<>(stored.size());
        for (RequestResult r : stored) {
            if (r.unchanged()) {
                continue;
            }
            writing.add(r);
            if (mayHaveRows.test(r.id())) {
                replacing.add(r);
            }
        }
        if (!replacing.isEmpty()) {
            deleteEarlier(c, cat, replacing);
        }
        Inserts inserts = new Inserts(c);
        try (PreparedStatement rejects = c.prepareStatement("""
                INSERT INTO rejects (request, url, table_name, position, column_name, value, selector, reason, fetched_at, run)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            for (RequestResult r : writing) {
                List<Rejected> out = new ArrayList<>(r.extraction().rejects());
                writeRows(r, cat, inserts, out);
                for (Rejected x : out) {
                    bindReject(rejects, r, x, run);
                    rejects.addBatch();
                }
            }
            rejects.executeBatch();
            inserts.flush();
        } finally {
            inserts.close();
        }
    }

    /**
     * One result's rows, parents before children: a row that is not stored takes its child rows with it. Merged: a
     * top-level row is upserted on its key at once, and only if this fetch is the newest of that key are its child
     * rows written, in place of those the key had.
     */
    private void writeRows(RequestResult r, Catalog cat, Inserts inserts, List<Rejected> rejects) throws SQLException {
        Fitted ready = fittedTo(r, cat);
        List<TableRow> rows = ready != null ? ready.rows() : parentsFirst(r.extraction().rows());
        StoredRows stored = new StoredRows();
        for (int i = 0; i < rows.size(); i++) {
            TableRow row = rows.get(i);
            String parent = row.child() ? cat.parentOf(row.table()) : null;
            String root = row.child() ? (parent == null ? null : stored.root(parent, row.parentRow())) : "";
            if (root == null) {
                continue; // its parent row is not stored
            }
            if (!cat.has(row.table())) {
                rejects.add(new Rejected(row.table(), row.row(), null, null, null,
                        "no table " + row.table() + " (schema " + contract.word() + "): row not stored"));
                continue;
            }
            List<Column> columns = cat.columns(row.table());
            Map<String, Integer> position = cat.positions(row.table());
            Object[] values;
            if (ready != null) {
                values = ready.values()[i];
            } else {
                values = new Object[columns.size()];
                List<Rejected> misfits = fitValues(row, columns, position, values);
                boolean keepRow = misfits.isEmpty() || contract == SchemaContract.EVOLVE || contract == SchemaContract.DISCARD_VALUE;
                if (!keepRow) {
                    rejectRow(row, misfits, rejects);
                    continue;
                }
                rejects.addAll(misfits);
            }
            if (merge && !row.child()) {
                List<Object> keyValues = new ArrayList<>(key.size());
                for (String k : key) {
                    Integer at = position.get(k);
                    keyValues.add(at == null ? null : values[at]);
                }
                if (keyValues.contains(null)) {
                    rejects.add(new Rejected(row.table(), row.row(), null, rowJson(row), null,
                            "no value for the primary key (" + String.join(", ", key) + "): row not stored"));
                    continue;
                }
                root = Fit.json(keyValues.size() == 1 ? keyValues.get(0) : new TableRow.Json(
                        "[" + String.join(",", keyValues.stream().map(Fit::json).toList()) + "]"));
                if (!inserts.upsert(row, r, columns, values, root)) {
                    continue; // a newer fetch of this key is stored: it stays, with its child rows
                }
                inserts.replaceChildren(cat, root);
            } else {
                inserts.add(row, r, columns, values, merge ? root : null);
            }
            stored.put(row.table(), row.row(), root);
        }
    }

    /** The rows of one result stored so far, by table and {@code _row}: each one's key ("" unmerged). */
    private static final class StoredRows {
        private static final String[] NONE = {};
        private final Map<String, String[]> roots = new java.util.HashMap<>();

        void put(String table, int row, String root) {
            String[] at = roots.getOrDefault(table, NONE);
            if (row >= at.length) {
                at = java.util.Arrays.copyOf(at, Math.max(row + 1, 2 * at.length));
                roots.put(table, at);
            }
            at[row] = root;
        }

        /** The key of row {@code row} of {@code table}, or null when it is not stored. */
        String root(String table, int row) {
            String[] at = roots.get(table);
            return at == null || row >= at.length ? null : at[row];
        }
    }

    /** The row's values fitted to its columns, into {@code values}; returns those that do not fit, as rejects. */
    private List<Rejected> fitValues(TableRow row, List<Column> columns, Map<String, Integer> position, Object[] values) {
        List<Rejected> misfits = null; // made for the first misfit: most rows have none
        for (Map.Entry<String, Object> v : row.values().entrySet()) {
            if (v.getValue() == null) {
                continue;
            }
            String name = columnName(v.getKey());
            Integer at = position.get(name);
            if (at == null) {
                misfits = misfits == null ? new ArrayList<>() : misfits;
                misfits.add(reject(row, name, v.getValue(), "no column " + name + " in " + row.table()
                        + " (schema " + contract.word() + ")"));
                continue;
            }
            Object fitted = Fit.value(v.getValue(), columns.get(at));
            if (fitted != Fit.MISFIT) {
                values[at] = fitted;
            } else {
                misfits = misfits == null ? new ArrayList<>() : misfits;
                misfits.add(reject(row, name, v.getValue(), Fit.misfit(v.getValue(), columns.get(at))));
            }
        }
        return misfits == null ? List.of() : misfits;
    }

    /** The rejects of a row not stored: the row whole under freeze, else each value that did not fit. */
    private void rejectRow(TableRow row, List<Rejected> misfits, List<Rejected> rejects) {
        if (contract == SchemaContract.FREEZE) {
            String reasons = String.join("; ", misfits.stream().map(m -> m.column() + ": " + m.reason()).toList());
            rejects.add(new Rejected(row.table(), row.row(), null, rowJson(row), null, reasons + ": row not stored"));
        } else {
            for (Rejected m : misfits) {
                rejects.add(new Rejected(m.table(), m.row(), m.column(), m.value(), m.selector(), m.reason() + ": row not stored"));
            }
        }
    }

    private static Rejected reject(TableRow row, String column, Object value, String reason) {
        return new Rejected(row.table(), row.row(), column, Fit.text(value), null, reason);
    }

    /** A row's values as one JSON object, for the reject that keeps a row whole. */
    private static String rowJson(TableRow row) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, Object> v : row.values().entrySet()) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(Fit.json(v.getKey())).append(':').append(v.getValue() == null ? "null" : Fit.json(v.getValue()));
        }
        return b.append('}').toString();
    }

    private void bindReject(PreparedStatement st, RequestResult r, Rejected x, Long run) throws SQLException {
        st.setString(1, r.id());
        st.setString(2, r.url());
        st.setString(3, x.table());
        if (x.row() < 0) {
            st.setNull(4, java.sql.Types.INTEGER);
        } else {
            st.setInt(4, x.row());
        }
        st.setString(5, x.column());
        st.setString(6, dialect.text(x.value()));
        st.setString(7, x.selector());
        st.setString(8, dialect.text(x.reason()));
        dialect.time(st, 9, r.fetchedAt());
        if (run == null) {
            st.setNull(10, java.sql.Types.BIGINT);
        } else {
            st.setLong(10, run);
        }
    }

    /**
     * Deletes the earlier rows and rejects of requests stored again: every table of the catalog, children first. A
     * merged table's child rows are found by their key, {@code _root}: those of the keys whose top-level row the
     * request stored (a key's child rows are its top-level row's response's).
     */
    private void deleteEarlier(Connection c, Catalog cat, List<RequestResult> replacing) throws SQLException {
        List<String> tables = new ArrayList<>(cat.tables());
        java.util.Collections.reverse(tables);
        for (String t : tables) {
            String rows = merge && !t.equals(top)
                    ? "_root IN (SELECT _root FROM " + quote(top) + " WHERE _request = ?)" : "_request = ?";
            try (PreparedStatement st = c.prepareStatement("DELETE FROM " + quote(t) + " WHERE " + rows)) {
                for (RequestResult r : replacing) {
                    st.setString(1, r.id());
                    st.addBatch();
                }
                st.executeBatch();
            }
        }
        String where = dialect == Dialect.SQLITE ? "url = ? AND request = ?" : "request = ?";
        try (PreparedStatement st = c.prepareStatement("DELETE FROM rejects WHERE " + where
                + " AND (table_name = ? OR table_name LIKE ? ESCAPE '!')")) {
            for (RequestResult r : replacing) {
                int i = 1;
                if (dialect == Dialect.SQLITE) {
                    st.setString(i++, r.url());
                }
                st.setString(i++, r.id());
                st.setString(i++, top);
                st.setString(i, top.replace("_", "!_") + "!_!_%");
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    /**
     * One insert statement per table, with every column the catalog gives it, sent every {@link #ROWS_PER_EXECUTE} rows;
     * merged top-level rows one upsert at a time (its answer says whether it won).
     */
    private final class Inserts implements AutoCloseable {
        private final Connection c;
        private final Map<String, PreparedStatement> statements = new LinkedHashMap<>();
        private final Map<String, Integer> pending = new LinkedHashMap<>();
        /** The keys of the child rows bound and not yet sent: replacing those needs them sent first. */
        private final Set<String> pendingRoots = new HashSet<>();
        private PreparedStatement upsert;
        private final Map<String, PreparedStatement> childDeletes = new LinkedHashMap<>();

        Inserts(Connection c) {
            this.c = c;
        }

        /** Binds a row; {@code root} is a merged table's row's key, as JSON, else null. */
        void add(TableRow row, RequestResult r, List<Column> columns, Object[] values, String root) throws SQLException {
            PreparedStatement st = statements.get(row.table());
            if (st == null) {
                st = c.prepareStatement(insertSql(row.table(), row.child(), columns) + ")");
                statements.put(row.table(), st);
            }
            bind(st, row, r, columns, values, root);
            st.addBatch();
            if (root != null) {
                pendingRoots.add(root);
            }
            int n = pending.merge(row.table(), 1, Integer::sum);
            if (n >= ROWS_PER_EXECUTE) {
                st.executeBatch();
                pending.put(row.table(), 0);
            }
        }

        /**
         * Upserts a merged top-level row on its key ({@code root}, the key as JSON), unless a newer fetch of it is stored;
         * returns whether it was written.
         */
        boolean upsert(TableRow row, RequestResult r, List<Column> columns, Object[] values, String root) throws SQLException {
            if (upsert == null) {
                StringBuilder set = new StringBuilder("_request = excluded._request, _row = excluded._row, _url = excluded._url, "
                        + "_fetched_at = excluded._fetched_at");
                for (Column col : columns) {
                    set.append(", ").append(quote(col.name())).append(" = excluded.").append(quote(col.name()));
                }
                upsert = c.prepareStatement(insertSql(top, false, columns) + ") ON CONFLICT ("
                        + String.join(", ", key.stream().map(Dialect::quote).toList()) + ") DO UPDATE SET " + set
                        + " WHERE excluded._fetched_at >= " + quote(top) + "._fetched_at RETURNING _row");
            }
            bind(upsert, row, r, columns, values, root);
            try (java.sql.ResultSet rs = upsert.executeQuery()) {
                return rs.next();
            }
        }

        /** Deletes the child rows of the top-level row keyed {@code root}, in every child table, before its new ones. */
        void replaceChildren(Catalog cat, String root) throws SQLException {
            if (pendingRoots.contains(root)) {
                flush(); // an earlier response's rows of this key, in this batch: sent, so that they are deleted too
            }
            for (String t : cat.tables()) {
                if (t.equals(top)) {
                    continue;
                }
                PreparedStatement st = childDeletes.get(t);
                if (st == null) {
                    st = c.prepareStatement("DELETE FROM " + quote(t) + " WHERE _root = ?");
                    childDeletes.put(t, st);
                }
                st.setString(1, root);
                st.executeUpdate();
            }
        }

        private void bind(PreparedStatement st, TableRow row, RequestResult r, List<Column> columns, Object[] values, String root)
                throws SQLException {
            int i = 1;
            boolean rootKeyed = root != null && row.child();
            st.setString(i++, rootKeyed ? root : r.id());
            st.setInt(i++, row.row());
            if (row.child()) {
                st.setInt(i++, row.parentRow());
                st.setInt(i++, row.index());
            } else {
                st.setString(i++, r.url());
                dialect.time(st, i++, r.fetchedAt());
                if (root != null) {
                    st.setString(i++, root);
                }
            }
            for (int k = 0; k < columns.size(); k++) {
                dialect.bind(st, i++, columns.get(k).type(), values[k]);
            }
        }

        /** {@code INSERT INTO t (…) VALUES (…}, without the closing parenthesis. */
        private String insertSql(String table, boolean child, List<Column> columns) {
            StringBuilder names = new StringBuilder(child ? (merge ? "_root" : "_request") + ", _row, _parent_row, _idx"
                    : "_request, _row, _url, _fetched_at" + (merge ? ", _root" : ""));
            StringBuilder marks = new StringBuilder(child || !merge ? "?, ?, ?, ?" : "?, ?, ?, ?, ?");
            for (Column col : columns) {
                names.append(", ").append(quote(col.name()));
                marks.append(", ").append(dialect.placeholder(col.type()));
            }
            return "INSERT INTO " + quote(table) + " (" + names + ") VALUES (" + marks;
        }

        void flush() throws SQLException {
            for (Map.Entry<String, PreparedStatement> e : statements.entrySet()) {
                if (pending.getOrDefault(e.getKey(), 0) > 0) {
                    e.getValue().executeBatch();
                    pending.put(e.getKey(), 0);
                }
            }
            pendingRoots.clear();
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement st : statements.values()) {
                st.close();
            }
            for (PreparedStatement st : childDeletes.values()) {
                st.close();
            }
            if (upsert != null) {
                upsert.close();
            }
        }
    }

    // ---- schema changes, made in the database and the catalog together

    /**
     * Makes a table with its provenance columns. A merged table's rows also carry {@code _root}, the key (as JSON) of
     * the top-level row they belong to: its child tables are keyed by it ({@code _root}, {@code _row}) and have no
     * {@code _request}, since a key's child rows are all its newest fetch's, replaced with it (the top-level row says
     * which request); in SQLite they are {@code WITHOUT ROWID} tables, one b-tree, not a table and an index on keys
     * that come in no order (2,000 bodies of 2,400 child rows loaded in 14 s, not 33). Leaving out the 32 characters
     * of {@code _request} makes those rows 50 bytes, not 85, and their load a quarter faster.
     */
    private Catalog createTable(Connection c, Catalog cat, String table, String parent, Instant now) throws SQLException {
        boolean lite = dialect == Dialect.SQLITE;
        String text = lite ? "TEXT" : "text";
        String integer = lite ? "INTEGER" : "integer";
        String request = lite ? "_request TEXT NOT NULL" : "_request text COLLATE \"C\" NOT NULL";
        String own = parent == null
                ? "_url " + text + " NOT NULL, _fetched_at " + dialect.sqlType(ColumnType.TIMESTAMP, 0, 0) + " NOT NULL"
                : "_parent_row " + integer + " NOT NULL, _idx " + integer + " NOT NULL";
        boolean rootKeyed = merge && parent != null;
        String root = "_root " + text + " NOT NULL";
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + quote(table) + " (" + (rootKeyed ? root : request) + ", _row " + integer + " NOT NULL, "
                    + own + (merge && !rootKeyed ? ", " + root : "")
                    + ", PRIMARY KEY (" + (rootKeyed ? "_root" : "_request") + ", _row))" + (rootKeyed && lite ? " WITHOUT ROWID" : ""));
        }
        Catalog.insertTable(c, dialect, table, parent, merge ? "merge" : "append", merge && parent == null ? String.join(",", key) : null,
                now);
        return cat.withTable(table, parent);
    }

    private Catalog addColumn(Connection c, Catalog cat, String table, Column col, Instant now) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("ALTER TABLE " + quote(table) + " ADD COLUMN " + quote(col.name()) + " "
                    + dialect.sqlType(col.type(), col.precision(), col.scale()));
        }
        Catalog.insertColumn(c, dialect, table, col, now);
        Catalog added = cat.withColumn(table, col);
        if (merge && table.equals(top) && key.contains(col.name()) && key.stream().allMatch(k -> added.column(top, k) != null)) {
            // the key's last column: rows can be merged on it from now on
            try (Statement st = c.createStatement()) {
                st.execute("CREATE UNIQUE INDEX " + quote(top + "_merge_key") + " ON " + quote(top) + " ("
                        + String.join(", ", key.stream().map(Dialect::quote).toList()) + ")");
            }
        }
        return added;
    }

    private Catalog widenColumn(Connection c, Catalog cat, String table, Column col, Instant now) throws SQLException {
        String sql = dialect.widen(table, col.name(), col.type());
        if (sql != null) {
            try (Statement st = c.createStatement()) {
                st.execute(sql);
            }
        }
        Catalog.updateType(c, dialect, table, col, now);
        return cat.withColumn(table, col);
    }

    /** Rows of parent tables before those of their children (a parent's name is a prefix of its children's). */
    private static List<TableRow> parentsFirst(List<TableRow> rows) {
        if (rows.size() < 2) {
            return rows;
        }
        List<TableRow> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingInt(row -> row.table().length())); // stable: rows of a table keep their order
        return sorted;
    }

    /** A user column's SQL name: a provenance column's name gets a {@code _} more at its end. */
    private static String columnName(String name) {
        return name.startsWith("_") && PROVENANCE.contains(name) ? name + "_" : name;
    }
}
