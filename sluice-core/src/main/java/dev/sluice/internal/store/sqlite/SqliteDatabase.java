package dev.sluice.internal.store.sqlite;

import dev.sluice.StoreException;
import dev.sluice.internal.store.Dialect;
import dev.sluice.internal.store.ResultRows;
import dev.sluice.internal.store.SqlDatabase;
import dev.sluice.internal.store.SqlWork;
import dev.sluice.internal.store.Transactions;
import dev.sluice.internal.store.WorkerIds;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One SQLite file in WAL mode, its schema created and upgraded by {@link SqliteMigrations}: its connections and
 * transactions, for {@link SqliteStore} and {@link SqliteFrontier}.
 *
 * <p>One process writes to a file at a time: a database opened for writing ({@link #open}, {@link #replace})
 * holds the file's {@link SqliteLock} until it is closed, and a second is refused at once with a
 * {@link DatabaseInUseException}. One opened for reading ({@link #openForReading}) takes no lock and
 * may be open while another process writes.
 *
 * <p>Three connections: the writer connection, used only by {@link #writes()} (the pipeline's writer
 * thread, through the frontier, and run records), the reader connection for everything else, and, while a run
 * loads its input, the loader's own ({@link #loading()}). WAL lets the reader run while the writer
 * commits. {@code synchronous=NORMAL} in WAL mode survives a process kill (committed transactions are
 * in the WAL file); only an OS crash or power loss can lose the last commits. Each batch is one
 * transaction begun and ended by hand ({@link SqliteTransactions} says why).
 *
 * <p>Thread-safe: the reader connection is guarded by {@code readLock}; the writer connection by
 * the single-writer contract. sqlite-jdbc is JNI and pins a virtual thread's carrier, so callers are
 * platform threads (the writer and admission threads are).
 */
public final class SqliteDatabase implements SqlDatabase, AutoCloseable {
    private final Path file;
    private final SqliteLock lock;
    private final Connection writer;
    private final Connection reader;
    private final ReentrantLock readLock = new ReentrantLock(); // guards reader
    private final SqliteRows rows = new SqliteRows();
    private final Transactions writes;

    private SqliteDatabase(Path file, SqliteLock lock, Connection writer, Connection reader) throws SQLException {
        this.file = file;
        this.lock = lock;
        this.writer = writer;
        this.reader = reader;
        Statement control = writer.createStatement();
        writes = new Transactions() {
            @Override
            public <T> T inTransaction(String what, SqlWork<T> work) throws StoreException {
                return SqliteDatabase.this.inTransaction(writer, control, what, work);
            }

            /** The writer connection stays open until the database closes. */
            @Override
            public void close() {
            }
        };
    }

    /**
     * Opens (creating if needed) the database file for writing and brings its schema up to date.
     *
     * @throws DatabaseInUseException when another process, or another store of this one, writes to it
     */
    public static SqliteDatabase open(Path file) throws StoreException {
        requireDirectory(file);
        return openHolding(file, SqliteLock.take(file));
    }

    /**
     * A new, empty database for writing in place of the file and its WAL: the lock is taken before they are
     * deleted, so a database another process writes to is never pulled from under it.
     *
     * @throws DatabaseInUseException when another process, or another store of this one, writes to it
     */
    public static SqliteDatabase replace(Path file) throws StoreException {
        requireDirectory(file);
        SqliteLock lock = SqliteLock.take(file);
        try {
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
        } catch (IOException e) {
            StoreException failure = Causes.io(file, "cannot delete the database to replace it", e);
            release(lock, failure);
            throw failure;
        }
        return openHolding(file, lock);
    }

    /**
     * Opens an existing database to read it, even while another process writes to it: takes no lock, and
     * writing is refused. An older schema is brought up to date as by {@link #open}.
     */
    public static SqliteDatabase openForReading(Path file) throws StoreException {
        requireDirectory(file);
        return openHolding(file, SqliteLock.NONE);
    }

    private static void requireDirectory(Path file) throws StoreException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new StoreException(file.toString(), "the directory " + parent + " does not exist", null);
        }
    }

    /** The store on {@code file}, holding {@code lock}; the lock is released if it cannot be made. */
    private static SqliteDatabase openHolding(Path file, SqliteLock lock) throws StoreException {
        String url = "jdbc:sqlite:" + file;
        List<Connection> opened = new java.util.ArrayList<>(2);
        try {
            Connection writer = connect(url);
            opened.add(writer);
            try (java.sql.Statement st = writer.createStatement()) {
                // 64 MiB of pages, not SQLite's 2: the pages of indexes whose keys come in no order (request ids)
                // stay in memory (2,000 x 2,400 rows into a table keyed by (_request, _row), sqlite3 from Python:
                // 23 s instead of 33); taken only as pages are read
                st.execute("PRAGMA cache_size = -" + WRITER_CACHE_KIB);
            }
            SqliteMigrations.apply(writer);
            Connection reader = connect(url);
            opened.add(reader);
            return new SqliteDatabase(file, lock, writer, reader);
        } catch (SQLException | RuntimeException e) {
            StoreException failure = e instanceof SQLException sql ? Causes.sqlite(file, "cannot open the database", sql)
                    : new StoreException(file.toString(), "cannot open the database", e);
            for (Connection c : opened) {
                try {
                    c.close();
                } catch (SQLException alsoFailed) {
                    failure.addSuppressed(alsoFailed);
                }
            }
            release(lock, failure);
            throw failure;
        }
    }

    private static void release(SqliteLock lock, StoreException failure) {
        try {
            lock.close();
        } catch (IOException alsoFailed) {
            failure.addSuppressed(alsoFailed);
        }
    }

    private static final int BUSY_TIMEOUT_MS = 30_000;
    /** The writer connection's page cache, in KiB. */
    private static final int WRITER_CACHE_KIB = 65_536;

    /**
     * A connection in WAL mode. Switching a new file to WAL takes an exclusive lock, and SQLite answers BUSY at once,
     * without waiting out the busy timeout, when another process's connection is opening the same new file: such
     * an open is tried again, every few milliseconds, for as long as the busy timeout.
     */
    private static Connection connect(String url) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_TIMEOUT_MS);
        for (int attempt = 1; ; attempt++) {
            try {
                return config.createConnection(url);
            } catch (SQLException e) {
                boolean busy = (e.getErrorCode() & 0xFF) == 5; // SQLITE_BUSY and its extended codes
                if (!busy || System.nanoTime() > giveUpAt) {
                    throw e;
                }
                try {
                    Thread.sleep(Math.min(50, 2L * attempt));
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The writer connection's transactions: only the pipeline's writer thread and the run's own thread use them, in turn. */
    @Override
    public Transactions writes() {
        return writes;
    }

    /**
     * Runs {@code work} in one transaction on {@code c}: all of it, or none of it. {@code what} names the work for the
     * error message.
     */
    private <T> T inTransaction(Connection c, Statement control, String what, SqlWork<T> work) throws StoreException {
        if (lock == SqliteLock.NONE) {
            throw new IllegalStateException(location() + " was opened for reading");
        }
        try {
            control.execute("BEGIN IMMEDIATE"); // the write lock now, not at the first write: no upgrade to fail
            T result = work.run(c);
            control.execute("COMMIT");
            return result;
        } catch (SQLException e) {
            SqliteTransactions.rollback(c, e);
            throw Causes.sqlite(file, what, e);
        }
    }

    /** Runs {@code work} on the reader connection, one caller at a time. {@code what} names it for the error message. */
    @Override
    public <T> T reading(String what, SqlWork<T> work) throws StoreException {
        readLock.lock();
        try {
            return work.run(reader);
        } catch (SQLException e) {
            throw Causes.sqlite(file, what, e);
        } finally {
            readLock.unlock();
        }
    }

    /** On the reader connection: WAL gives each statement a snapshot, and writers never wait for it. */
    @Override
    public <T> T snapshot(String what, SqlWork<T> work) throws StoreException {
        return reading(what, work);
    }

    /**
     * A connection of its own for loading an input while the writer writes (SQLite lets one write at a time: each
     * waits for the other's transaction, up to the busy timeout), closed with the transactions.
     */
    @Override
    public Transactions loading() throws StoreException {
        if (lock == SqliteLock.NONE) {
            throw new IllegalStateException(location() + " was opened for reading");
        }
        try {
            Connection c = connect("jdbc:sqlite:" + file);
            Statement control = c.createStatement();
            return new Transactions() {
                @Override
                public <T> T inTransaction(String what, SqlWork<T> work) throws StoreException {
                    return SqliteDatabase.this.inTransaction(c, control, what, work);
                }

                @Override
                public void close() throws StoreException {
                    rows.forget(c);
                    try (c; control) {
                        // both closed
                    } catch (SQLException e) {
                        throw Causes.sqlite(file, "cannot close the loading connection", e);
                    }
                }
            };
        } catch (SQLException e) {
            throw Causes.sqlite(file, "cannot open the database", e);
        }
    }

    @Override
    public Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    public ResultRows rows() {
        return rows;
    }

    /**
     * A run is lost when its process, on this machine, has ended (the file's lock holder alone runs, so a run another
     * machine left running can only be told lost by the next run, which marks it so).
     */
    @Override
    public boolean workerEnded(String id) {
        return WorkerIds.endedHere(id);
    }

    Path file() {
        return file;
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public void close() throws StoreException {
        StoreException failure = null;
        try (writer; reader) {
            // closing both, in reverse order; a failure of either is reported
        } catch (SQLException e) {
            failure = Causes.sqlite(file, "cannot close the database", e);
        }
        try {
            lock.close(); // after the connections: the next writer finds the file closed by this one
        } catch (IOException e) {
            StoreException released = Causes.io(file, "cannot release the database's lock", e);
            if (failure == null) {
                failure = released;
            } else {
                failure.addSuppressed(released);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
