package dev.sluice.internal.store.sqlite;

import dev.sluice.StoreException;
import dev.sluice.internal.store.SqlStore;

import java.nio.file.Path;

/**
 * The embedded default store: one SQLite file ({@link SqliteDatabase}), written by one process at a time, worked
 * through its {@link #frontier()}.
 *
 * <p>Thread-safe: see {@link SqliteDatabase}.
 */
public final class SqliteStore extends SqlStore {
    private final SqliteDatabase db;

    private SqliteStore(SqliteDatabase db) {
        super(db);
        this.db = db;
    }

    /**
     * Opens (creating if needed) the database file for writing and brings its schema up to date.
     *
     * @throws DatabaseInUseException when another process, or another store of this one, writes to it
     */
    public static SqliteStore open(Path file) throws StoreException {
        return new SqliteStore(SqliteDatabase.open(file));
    }

    /**
     * A new, empty database for writing in place of the file and its WAL: the lock is taken before they are
     * deleted, so a database another process writes to is never pulled from under it.
     *
     * @throws DatabaseInUseException when another process, or another store of this one, writes to it
     */
    public static SqliteStore replace(Path file) throws StoreException {
        return new SqliteStore(SqliteDatabase.replace(file));
    }

    /**
     * Opens an existing database to read it, even while another process writes to it: takes no lock, and
     * writing is refused. An older schema is brought up to date as by {@link #open}.
     */
    public static SqliteStore openForReading(Path file) throws StoreException {
        return new SqliteStore(SqliteDatabase.openForReading(file));
    }

    SqliteDatabase database() {
        return db;
    }

    /** The frontier of this database: the {@code queue} table, worked by this process alone (it holds the lock). */
    @Override
    public SqliteFrontier frontier() {
        return new SqliteFrontier(db);
    }

    @Override
    public void close() throws StoreException {
        db.close();
    }
}
