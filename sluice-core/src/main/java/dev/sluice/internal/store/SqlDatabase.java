package dev.sluice.internal.store;

import dev.sluice.StoreException;

/**
 * A database as the shared storage code ({@link SqlFrontier}, {@link InputLoader}, {@link SqlStore}) uses it: its
 * dialect, where each thread runs its transactions, and how it writes result rows. One per SQLite file or PostgreSQL
 * database. Thread-safe.
 */
public interface SqlDatabase {

    Dialect dialect();

    /** Where the data is, without secrets: what messages name. */
    String location();

    /**
     * The transactions of the pipeline's writer thread and of run records: SQLite's writer connection (one caller at
     * a time), PostgreSQL's pool.
     */
    Transactions writes();

    /** Runs {@code work} on a connection for reading, outside any transaction of the writer's. */
    <T> T reading(String what, SqlWork<T> work) throws StoreException;

    /**
     * Runs {@code work} on one snapshot of the database that writers do not block (a report's many queries agree with
     * each other), read-only.
     */
    <T> T snapshot(String what, SqlWork<T> work) throws StoreException;

    /** Transactions for a loading thread, on a connection of their own while it loads; the caller closes them. */
    Transactions loading() throws StoreException;

    /** How results, records and bodies are written in this database. */
    ResultRows rows();

    /** Whether the worker named {@code id} (as {@link WorkerIds} names them) is known to have ended (for runs left running). */
    boolean workerEnded(String id);
}
