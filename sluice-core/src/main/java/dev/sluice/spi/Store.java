package dev.sluice.spi;

import dev.sluice.RequestResult;
import dev.sluice.RunRecord;
import dev.sluice.StoreException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where results are kept. One implementation per database engine.
 *
 * <p>A run works through the store's {@link #frontier()}, which stores each result in the transaction that
 * finishes its URL; the rest is for whoever owns the store when no run writes to it (status, export).
 */
public interface Store extends AutoCloseable {

    /**
     * The frontier of this database, for one run to load its input into and work on. Closing it leaves the store
     * open. (With PostgreSQL it joins the shared queue as a new worker.)
     */
    Frontier frontier() throws StoreException;

    /** Row counts by status and by error code. */
    Counts counts() throws StoreException;

    /**
     * The last {@code limit} runs recorded on this database, newest first (table {@code runs}). A run left
     * {@code running} by a process that is gone reads {@link RunState#LOST}.
     */
    java.util.List<RunRecord> runs(int limit) throws StoreException;

    /**
     * The report of {@code which} runs recorded on this database, aggregated in it and bounded whatever the results'
     * number; also while runs write to it. A {@link StoreException} naming what is missing when there are none.
     */
    RunReport report(RunReport.Selection which) throws StoreException;

    /**
     * The typed tables stored here ({@code --table}), parents before their children: their rows, each column's
     * coverage and rejects (table {@code rejects}). Empty when there are none.
     */
    java.util.List<TableStats> tables() throws StoreException;

    /** Streams stored results (without records and bodies) in URL order; {@code status} null for all. */
    void scan(RequestResult.Status status, Consumer<RequestResult> sink) throws StoreException;

    /** The typed table {@code name} (top-level or child) as the schema catalog describes it; empty when there is none. */
    Optional<StoredTable> table(String name) throws StoreException;

    /**
     * Streams the rows of a typed table in key order (its first two columns) through a cursor, any number of
     * them in bounded memory: each as its values in {@code table}'s column order, of the classes their catalog types
     * name, whatever the database kept (SQLite may hold a whole number in a column widened to {@code double}), null
     * where a row has none. {@code sink} runs on the caller's thread and is handed a new array for each row.
     */
    void scanTable(StoredTable table, Consumer<Object[]> sink) throws StoreException;

    /** A human-readable name of where the data is, e.g. the database file's path. */
    String location();

    @Override
    void close() throws StoreException;

    /**
     * A typed table as it stands.
     *
     * @param table   its name
     * @param parent  a child table's parent table, null for a top-level one
     * @param rows    its rows
     * @param columns its user columns, in order
     * @param rejects the values and rows {@code rejects} holds for it, of any column or none
     */
    record TableStats(String table, String parent, long rows, java.util.List<ColumnStats> columns, long rejects) {
    }

    /**
     * A typed table's column as it stands.
     *
     * @param name     its name
     * @param dataType its type as the catalog writes it ({@code bigint}, {@code decimal(10,2)}, …)
     * @param declared whether a field declared it (else the values seen inferred it)
     * @param nonNull  its rows where it is not null: its coverage, over {@link TableStats#rows()}
     * @param rejects  the values of it {@code rejects} holds
     */
    record ColumnStats(String name, String dataType, boolean declared, long nonNull, long rejects) {
    }

    /** Counts of stored rows. */
    record Counts(long ok, long failed, Map<String, Long> byError) {
        public long total() {
            return ok + failed;
        }
    }
}
