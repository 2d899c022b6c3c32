package dev.sluice.store;

import dev.sluice.ErrorKind;
import dev.sluice.ResumeMode;
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
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Two connections: the writer connection, used only by {@link #write} (the pipeline's writer
 * thread), and the reader connection for everything else. WAL lets the reader run while the writer
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
    private final PreparedStatement upsertResult;
    private final PreparedStatement markUnchanged;
    private final PreparedStatement deleteRecords;
    private final PreparedStatement insertRecord;
    private final PreparedStatement deleteBody;
    private final PreparedStatement upsertBody;

    private SqliteStore(Path file, SqliteLock lock, Connection writer, Connection reader) throws SQLException {
        this.file = file;
        this.lock = lock;
        this.writer = writer;
        this.reader = reader;
        transaction = writer.createStatement();
        upsertResult = writer.prepareStatement("""
                INSERT INTO results (url, status, http_status, attempts, error, detail, bytes, content_type,
                                     sha256, elapsed_ms, fetched_at, etag, last_modified, unchanged)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
                ON CONFLICT (url) DO UPDATE SET
                    status = excluded.status, http_status = excluded.http_status, attempts = excluded.attempts,
                    error = excluded.error, detail = excluded.detail, bytes = excluded.bytes,
                    content_type = excluded.content_type, sha256 = excluded.sha256,
                    elapsed_ms = excluded.elapsed_ms, fetched_at = excluded.fetched_at,
                    etag = excluded.etag, last_modified = excluded.last_modified, unchanged = 0""");
        // Only ok rows: a refetch sends validators only from those, so a 304 can only be about one.
        markUnchanged = writer.prepareStatement("""
                UPDATE results SET attempts = ?, elapsed_ms = ?, fetched_at = ?, unchanged = 1
                WHERE url = ? AND status = 'ok'""");
        deleteRecords = writer.prepareStatement("DELETE FROM records WHERE url = ?");
        // OR REPLACE: a records row left without its results row (e.g. by another process) cannot fail a batch.
        insertRecord = writer.prepareStatement("INSERT OR REPLACE INTO records (url, seq, data) VALUES (?, ?, ?)");
        deleteBody = writer.prepareStatement("DELETE FROM bodies WHERE url = ?");
        upsertBody = writer.prepareStatement(
                "INSERT INTO bodies (url, body) VALUES (?, ?) ON CONFLICT (url) DO UPDATE SET body = excluded.body");
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
     * {@link #write} is refused. An older schema is brought up to date as by {@link #open}.
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

    @Override
    public Set<String> alreadyDone(Collection<String> urls, ResumeMode mode, Instant runStart) throws StoreException {
        String condition = ResultsSql.doneCondition(mode);
        Set<String> done = new HashSet<>();
        readLock.lock();
        try {
            for (List<String> chunk : chunks(urls)) {
                String sql = "SELECT url FROM results WHERE url IN (" + "?,".repeat(chunk.size() - 1) + "?)" + condition;
                try (PreparedStatement st = reader.prepareStatement(sql)) {
                    int i = 1;
                    for (String u : chunk) {
                        st.setString(i++, u);
                    }
                    if (mode != ResumeMode.SKIP_DONE) {
                        st.setString(i, Timestamps.format(runStart));
                    }
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            done.add(rs.getString(1));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw Causes.sqlite(file, "cannot read stored results", e);
        } finally {
            readLock.unlock();
        }
        return done;
    }

    @Override
    public Map<String, Validators> validators(Collection<String> urls) throws StoreException {
        Map<String, Validators> found = new HashMap<>();
        readLock.lock();
        try {
            for (List<String> chunk : chunks(urls)) {
                String sql = "SELECT url, etag, last_modified FROM results WHERE url IN (" + "?,".repeat(chunk.size() - 1)
                        + "?) AND status = 'ok' AND (etag IS NOT NULL OR last_modified IS NOT NULL)";
                try (PreparedStatement st = reader.prepareStatement(sql)) {
                    for (int i = 0; i < chunk.size(); i++) {
                        st.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            found.put(rs.getString(1), new Validators(rs.getString(2), rs.getString(3)));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw Causes.sqlite(file, "cannot read stored results", e);
        } finally {
            readLock.unlock();
        }
        return found;
    }

    /** {@code urls} in lists of at most {@value #IN_CHUNK}, for {@code IN (...)} queries. */
    private static List<List<String>> chunks(Collection<String> urls) {
        List<List<String>> chunks = new java.util.ArrayList<>();
        List<String> chunk = new java.util.ArrayList<>(IN_CHUNK);
        for (String u : urls) {
            if (chunk.size() == IN_CHUNK) {
                chunks.add(chunk);
                chunk = new java.util.ArrayList<>(IN_CHUNK);
            }
            chunk.add(u);
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    @Override
    public void write(Collection<UrlResult> batch, boolean replacing) throws StoreException {
        if (lock == SqliteLock.NONE) {
            throw new IllegalStateException(location() + " was opened for reading");
        }
        try {
            transaction.execute("BEGIN IMMEDIATE"); // the write lock now, not at the first write: no upgrade to fail
            List<UrlResult> unchanged = new java.util.ArrayList<>();
            for (UrlResult r : batch) {
                if (r.unchanged()) {
                    markUnchanged.setInt(1, r.attempts());
                    markUnchanged.setLong(2, r.elapsedMs());
                    markUnchanged.setString(3, Timestamps.format(r.fetchedAt()));
                    markUnchanged.setString(4, r.url());
                    markUnchanged.addBatch();
                    unchanged.add(r);
                    continue;
                }
                bindResult(r);
                upsertResult.addBatch();
                if (replacing) {
                    deleteRecords.setString(1, r.url());
                    deleteRecords.addBatch();
                }
                int seq = 0;
                for (String data : r.records()) {
                    insertRecord.setString(1, r.url());
                    insertRecord.setInt(2, seq++);
                    insertRecord.setString(3, data);
                    insertRecord.addBatch();
                }
                if (r.body() != null) {
                    upsertBody.setString(1, r.url());
                    upsertBody.setBytes(2, r.body());
                    upsertBody.addBatch();
                } else if (replacing) {
                    deleteBody.setString(1, r.url()); // a refetch without --store-body leaves no stale body
                    deleteBody.addBatch();
                }
            }
            upsertResult.executeBatch();
            deleteRecords.executeBatch();
            insertRecord.executeBatch();
            deleteBody.executeBatch();
            upsertBody.executeBatch();
            int[] updated = markUnchanged.executeBatch();
            for (int i = 0; i < updated.length; i++) {
                if (updated[i] == 0) { // the ok row the validators came from is gone (deleted meanwhile)
                    UrlResult r = unchanged.get(i);
                    bindResult(UrlResult.failed(r.url(), ErrorKind.HTTP, "304 Not Modified, but the stored result it "
                            + "confirms is gone; run again to fetch it whole", 304, r.attempts(), r.elapsedMs(), r.fetchedAt()));
                    upsertResult.addBatch();
                }
            }
            upsertResult.executeBatch();
            transaction.execute("COMMIT");
        } catch (SQLException e) {
            try {
                // A failed executeBatch clears only its own statement: clear all, or a retry would add rows twice.
                for (PreparedStatement st : List.of(upsertResult, deleteRecords, insertRecord, deleteBody, upsertBody, markUnchanged)) {
                    st.clearBatch();
                }
            } catch (SQLException clearFailure) {
                e.addSuppressed(clearFailure);
            }
            SqliteTransactions.rollback(writer, e);
            throw Causes.sqlite(file, "cannot store " + batch.size() + " results", e);
        }
    }

    private void bindResult(UrlResult r) throws SQLException {
        PreparedStatement st = upsertResult;
        st.setString(1, r.url());
        st.setString(2, r.status().code());
        setNullableInt(st, 3, r.httpStatus());
        st.setInt(4, r.attempts());
        st.setString(5, r.error() == null ? null : r.error().code());
        st.setString(6, r.detail());
        if (r.bytes() == null) {
            st.setNull(7, Types.INTEGER);
        } else {
            st.setLong(7, r.bytes());
        }
        st.setString(8, r.contentType());
        st.setString(9, r.sha256());
        st.setLong(10, r.elapsedMs());
        st.setString(11, Timestamps.format(r.fetchedAt()));
        st.setString(12, r.validators().etag());
        st.setString(13, r.validators().lastModified());
    }

    private static void setNullableInt(PreparedStatement st, int index, Integer value) throws SQLException {
        if (value == null) {
            st.setNull(index, Types.INTEGER);
        } else {
            st.setInt(index, value);
        }
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

    @Override
    public void scan(UrlResult.Status status, Consumer<UrlResult> sink) throws StoreException {
        String sql = "SELECT url, status, http_status, attempts, error, detail, bytes, content_type, sha256, "
                + "elapsed_ms, fetched_at, etag, last_modified, unchanged FROM results" + (status == null ? "" : " WHERE status = ?") + " ORDER BY url";
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
                rs.getString(1),
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
                rs.getInt(14) == 1);
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
