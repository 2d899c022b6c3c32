package dev.sluice.internal.store;

import dev.sluice.StoreException;

/**
 * Where a thread runs its transactions: each {@link #inTransaction} is all of its work or none of it, and a failure is
 * a {@link StoreException} naming the database and {@code what} was being done. SQLite's are begun and ended by hand on
 * a connection of the thread's own; PostgreSQL's take a pooled connection each. Closing gives back what it holds.
 */
public interface Transactions extends AutoCloseable {

    <T> T inTransaction(String what, SqlWork<T> work) throws StoreException;

    @Override
    void close() throws StoreException;
}
