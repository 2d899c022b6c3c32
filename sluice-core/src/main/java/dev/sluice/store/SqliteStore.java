package dev.sluice.store;

import dev.sluice.ErrorKind;
import dev.sluice.Store;
import dev.sluice.StoreException;
import dev.sluice.UrlResult;
import dev.sluice.Validators;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The embedded default store: one SQLite file in WAL mode, schema created and upgraded by
 * {@link SqliteMigrations}.
 *
 * <p>One process writes to a file at a time: a store opened for writing ({@link #open}, {@link #replace})
 * holds the file's {@link SqliteLock} until it is closed, and a second is refused at once with a
 * {@link DatabaseInUseException}. A store opened for reading ({@link #openForReading}) takes no lock and
 * may be open while another process writes.
 *
 * <p>Three connections: the writer connection, used only by {@link #inTransaction} (the pipeline's writer
 * thread, through the frontier), the reader connection for everything else, and, while a run loads its input,
 * the loader's own ({@link #loaderConnection}). WAL lets the reader run while the writer
 * commits. {@code synchronous=NORMAL} in WAL mode survives a process kill (committed transactions are
 * in the WAL file); only an OS crash or power loss can lose the last commits. Each batch is one
 * transaction begun and ended by hand ({@link SqliteTransactions} says why).
 *
 * <p>Thread-safe: the reader connection is guarded by {@code readLock}; the writer connection by
 * the single-writer contract. sqlite-jdbc is JNI and pins a virtual thread's carrier, so callers are
 * platform threads (the writer and admission threads are).
 */
public final class SqliteStore implements Store {
    private static final int IN_CHUNK = 500;

    private final Path file;
    private final SqliteLock lock;
    private final Connection writer;
    private final Connection reader;
    private final ReentrantLock readLock = new ReentrantLock(); // guards reader
    private final Statement transaction;
    private final SqliteRows rows;

    private SqliteStore(Path file, SqliteLock lock, Connection writer, Connection reader) throws SQLException {
        this.file = file;
        this.lock = lock;
        this.writer = writer;
        this.reader = reader;
        transaction = writer.createStatement();
        rows = new SqliteRows(writer);
    }

    /**
     * Opens (creating if needed) the database file for writing and brings its schema up to date.
     *
     * @throws DatabaseInUseException when another process, or another store of this one, writes to it
     */
    public static SqliteStore open(Path file) throws StoreException {
        requireDirectory(file);
        return openHolding(file, SqliteLock.take(file));
    }

    /**
     * A new, empty database for writing in place of the file and its WAL: the lock is taken before they are
     * deleted, so a database another process writes to is never pulled from under it.
     *
     * @throws DatabaseInUseException when another process, or another store of this one, writes to it
     */
    public static SqliteStore replace(Path file) throws StoreException {
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
    public static SqliteStore openForReading(Path file) throws StoreException {
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
    private static SqliteStore openHolding(Path file, SqliteLock lock) throws StoreException {
        String url = "jdbc:sqlite:" + file;
        List<Connection> opened = new java.util.ArrayList<>(2);
        try {
            Connection writer = connect(url);
            opened.add(writer);
            SqliteMigrations.apply(writer);
            Connection reader = connect(url);
            opened.add(reader);
            return new SqliteStore(file, lock, writer, reader);
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

    /** What a transaction of the writer's does, on its connection. */
    interface WriterWork {
        void run(Connection c, SqliteRows rows) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on the writer connection: all of it, or none of it. Only the pipeline's
     * writer thread calls this (through the frontier). {@code what} names the work for the error message.
     */
    void inTransaction(String what, WriterWork work) throws StoreException {
        if (lock == SqliteLock.NONE) {
            throw new IllegalStateException(location() + " was opened for reading");
        }
        try {
            transaction.execute("BEGIN IMMEDIATE"); // the write lock now, not at the first write: no upgrade to fail
            work.run(writer, rows);
            transaction.execute("COMMIT");
        } catch (SQLException e) {
            SqliteTransactions.rollback(writer, e);
            throw Causes.sqlite(file, what, e);
        }
    }

    /** What a read does, on the reader connection. */
    interface ReaderWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} on the reader connection, one caller at a time. {@code what} names it for the error message. */
    <T> T reading(String what, ReaderWork<T> work) throws StoreException {
        readLock.lock();
        try {
            return work.run(reader);
        } catch (SQLException e) {
            throw Causes.sqlite(file, what, e);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * A connection of its own for loading an input while the writer writes (SQLite lets one write at a time: each
     * waits for the other's transaction, up to the busy timeout). The caller closes it.
     */
    Connection loaderConnection() throws StoreException {
        if (lock == SqliteLock.NONE) {
            throw new IllegalStateException(location() + " was opened for reading");
        }
        try {
            return connect("jdbc:sqlite:" + file);
        } catch (SQLException e) {
            throw Causes.sqlite(file, "cannot open the database", e);
        }
    }

    Path file() {
        return file;
    }

    /** The frontier of this database: the {@code queue} table, worked by this process alone (it holds the lock). */
    @Override
    public SqliteFrontier frontier() throws StoreException {
        return SqliteFrontier.on(this);
    }

    @Override
    public Counts counts() throws StoreException {
        readLock.lock();
        try {
            return ResultsSql.read(reader);
        } catch (SQLException e) {
            throw Causes.sqlite(file, "cannot count results", e);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * A run is lost when its process, on this machine, has ended (the file's lock holder alone runs, so a run another
     * machine left running can only be told lost by the next run, which marks it so).
     */
    @Override
    public java.util.List<dev.sluice.RunRecord> runs(int limit) throws StoreException {
        return reading("cannot read the runs", c -> RunRows.last(c, RunRows.Dialect.SQLITE, limit, WorkerIds::endedHere));
    }

    @Override
    public void scan(UrlResult.Status status, Consumer<UrlResult> sink) throws StoreException {
        String sql = "SELECT r.url, r.status, r.http_status, r.attempts, r.error, r.detail, r.bytes, r.content_type, r.sha256, "
                + "r.elapsed_ms, r.fetched_at, r.etag, r.last_modified, r.unchanged, r.method, q.headers, q.body, r.request "
                + "FROM results r LEFT JOIN queue q ON q.url = r.url AND q.request = r.request"
                + (status == null ? "" : " WHERE r.status = ?") + " ORDER BY r.url, r.request";
        readLock.lock();
        try (PreparedStatement st = reader.prepareStatement(sql)) {
            if (status != null) {
                st.setString(1, status.code());
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    sink.accept(readResult(rs));
                }
            }
        } catch (SQLException e) {
            throw Causes.sqlite(file, "cannot read results", e);
        } finally {
            readLock.unlock();
        }
    }

    private static UrlResult readResult(ResultSet rs) throws SQLException {
        String error = rs.getString(5);
        return new UrlResult(
                Frontiers.request(rs.getString(18), rs.getString(15), rs.getString(1), rs.getString(16), rs.getBytes(17)),
                "ok".equals(rs.getString(2)) ? UrlResult.Status.OK : UrlResult.Status.FAILED,
                nullableInt(rs, 3),
                rs.getInt(4),
                error == null ? null : ErrorKind.valueOf(error.toUpperCase(java.util.Locale.ROOT)),
                rs.getString(6),
                nullableLong(rs, 7),
                rs.getString(8),
                rs.getString(9),
                rs.getLong(10),
                Timestamps.parse(rs.getString(11)),
                List.of(),
                null,
                new Validators(rs.getString(12), rs.getString(13)),
                rs.getInt(14) == 1,
                List.of());
    }

    private static Integer nullableInt(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
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
