package dev.sluice.internal.store.sqlite;

import dev.sluice.StoreException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/** What a database failure comes down to, for a one-line message. */
final class Causes {
    /** With less free space than this where the database is, a failed write is put down to the full disk. */
    private static final long NEARLY_FULL_BYTES = 1 << 20;

    private Causes() {
    }

    /**
     * A SQLite failure as one line: the file, what failed, and why in plain words with SQLite's code, e.g.
     * {@code results.db: cannot store 1000 results: the disk is full (SQLITE_FULL)}. A failure without a
     * known code keeps its own words.
     */
    static StoreException sqlite(Path file, String what, SQLException e) {
        String why = e.getMessage();
        if (e instanceof SQLiteException s) {
            String plain = plainWords(s.getResultCode(), file);
            why = plain == null ? why : plain + " (" + s.getResultCode().name() + ")";
        }
        return explained(file, what + ": " + why, e);
    }

    /** A failure of the file system under a database's files, likewise, e.g. "the disk is full (No space left on device)". */
    static StoreException io(Path file, String what, IOException e) {
        String plain = e instanceof AccessDeniedException ? "permission denied" : fileSystem(file);
        return explained(file, what + ": " + (plain == null ? e.getMessage() : plain + " (" + e.getMessage() + ")"), e);
    }

    private static StoreException explained(Path file, String message, Exception cause) {
        StoreException e = new StoreException(file.toString(), message);
        e.initCause(cause);
        return e;
    }

    /** The cause of a SQLite result code, or null for one without a plainer name than SQLite's message. */
    private static String plainWords(SQLiteErrorCode code, Path file) {
        SQLiteErrorCode primary = SQLiteErrorCode.getErrorCode(code.code & 0xff); // extended codes keep it in the low byte
        return switch (primary) {
            case SQLITE_FULL -> "the disk is full";
            case SQLITE_IOERR -> orElse(fileSystem(file), "a disk I/O error");
            case SQLITE_READONLY -> orElse(fileSystem(file), notWritable(file));
            case SQLITE_BUSY, SQLITE_LOCKED -> "the database is locked by another connection";
            case SQLITE_NOTADB -> "the file is not a SQLite database";
            case SQLITE_CORRUPT -> "the database file is corrupt";
            case SQLITE_CANTOPEN -> Files.isDirectory(file) ? "it is a directory" : orElse(fileSystem(file), "the file cannot be opened");
            default -> null;
        };
    }

    /**
     * What is wrong with the file system the database is on, or null: read-only, or full (SQLite says
     * {@code SQLITE_IOERR_SHMSIZE}, not {@code SQLITE_FULL}, when it cannot grow its -shm file).
     */
    private static String fileSystem(Path file) {
        try {
            FileStore store = Files.getFileStore(directory(file));
            if (store.isReadOnly()) {
                return "the file system is read-only";
            }
            return store.getUsableSpace() < NEARLY_FULL_BYTES ? "the disk is full" : null;
        } catch (IOException unknown) {
            return null;
        }
    }

    private static String notWritable(Path file) {
        if (Files.exists(file) && !Files.isWritable(file)) {
            return "the file is read-only";
        }
        if (!Files.isWritable(directory(file))) {
            return "its directory is read-only (SQLite writes its -wal and -shm files there)";
        }
        return "it cannot be written";
    }

    private static String orElse(String plain, String otherwise) {
        return plain != null ? plain : otherwise;
    }

    private static Path directory(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent != null ? parent : file.toAbsolutePath();
    }
}
