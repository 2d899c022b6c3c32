package dev.sluice.internal.store.sqlite;

import dev.sluice.StoreException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one process that writes to a SQLite file: an OS lock on a file beside it, {@code <database>.lock},
 * held for as long as a store opened for writing is open. Taking it never waits: a second writer is
 * refused at once ({@link DatabaseInUseException}). The OS drops the lock when its process ends, however it
 * ends ({@code kill -9} too), so no database is left locked. The lock file stays (had a process deleted it, a
 * process that had opened it just before could lock a file no one else sees); its text names the last
 * holder: {@code pid 4242, started 2026-12-04T03:07:30Z}.
 *
 * <p>Byte ranges of the lock file are locked, not its text: byte 0 by the writer, for as long as it writes;
 * byte 1 for a moment, by a process that tries byte 0 and then writes its note (it got byte 0) or reads the
 * holder's (it did not), so that a refused process never reads a note half-written. Within one JVM, a file
 * held here is refused without being opened again: POSIX locks belong to the process, and closing a second
 * channel on the file would drop the lock of the first.
 *
 * <p>Thread-safe: taking and closing locks, and {@code HELD}, are guarded by {@code TAKING}.
 */
final class SqliteLock implements AutoCloseable {
    /** What a store opened for reading holds: nothing. */
    static final SqliteLock NONE = new SqliteLock(null, null);

    private static final ReentrantLock TAKING = new ReentrantLock();
    private static final Map<Object, String> HELD = new HashMap<>(); // guarded by TAKING: lock file key -> note

    private final Object key;
    private final FileChannel channel;

    private SqliteLock(Object key, FileChannel channel) {
        this.key = key;
        this.channel = channel;
    }

    /** Takes the writer's lock of {@code database}, or throws {@link DatabaseInUseException} naming its holder. */
    static SqliteLock take(Path database) throws StoreException {
        Path file = Path.of(database + ".lock");
        String where = database.toString();
        TAKING.lock();
        try {
            Object key = key(file);
            String ours = HELD.get(key);
            if (ours != null) {
                throw new DatabaseInUseException(where, "this process (" + ours + ")");
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try (FileLock noting = channel.lock(1, 1, false)) { // held by another process for a moment at most
                if (channel.tryLock(0, 1, false) == null) {
                    String holder = readNote(channel);
                    throw new DatabaseInUseException(where, holder.isEmpty() ? "another process" : "another process (" + holder + ")");
                }
                String note = note();
                writeNote(channel, note);
                HELD.put(key, note);
                return new SqliteLock(key, channel);
            } catch (IOException | StoreException | RuntimeException e) {
                channel.close(); // releases byte 0 if it was taken
                throw e;
            }
        } catch (IOException e) {
            throw Causes.io(database, "cannot lock the database for writing (through " + file.getFileName() + ")", e);
        } finally {
            TAKING.unlock();
        }
    }

    /** The lock file's identity (device and inode), creating it if it is not there. */
    private static Object key(Path file) throws IOException {
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException keptFromAnEarlierRun) {
            // the usual case
        }
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        return key != null ? key : file.toRealPath();
    }

    private static String note() {
        ProcessHandle self = ProcessHandle.current();
        Instant started = self.info().startInstant().orElseGet(Instant::now).truncatedTo(ChronoUnit.SECONDS);
        return "pid " + self.pid() + ", started " + started;
    }

    private static void writeNote(FileChannel channel, String note) throws IOException {
        channel.truncate(0);
        ByteBuffer text = ByteBuffer.wrap(note.getBytes(StandardCharsets.UTF_8));
        while (text.hasRemaining()) {
            channel.write(text, text.position());
        }
    }

    private static String readNote(FileChannel channel) throws IOException {
        ByteBuffer text = ByteBuffer.allocate(256);
        while (text.hasRemaining() && channel.read(text, text.position()) > 0) {
            // a note is one short line
        }
        return new String(text.array(), 0, text.position(), StandardCharsets.UTF_8).strip();
    }

    /** Releases the lock: another process may write to the database from now on. */
    @Override
    public void close() throws IOException {
        if (channel == null) {
            return;
        }
        TAKING.lock();
        try {
            if (channel.isOpen()) { // closed twice: the key may be another store's by now
                HELD.remove(key);
                channel.close();
            }
        } finally {
            TAKING.unlock();
        }
    }
}
