package dev.sluice;

import dev.sluice.internal.store.sqlite.SqliteStore;
import dev.sluice.spi.Store;

import java.nio.file.Path;

/**
 * The embedded default store: one SQLite file, created if missing, its schema brought up to date. One process writes
 * to a file at a time: a second writer is refused at once ({@link StoreException}, "in use by another process");
 * readers never are.
 */
public final class Sqlite {
    private Sqlite() {
    }

    /** Opens (creating if needed) {@code file} for writing. */
    public static Store open(Path file) throws StoreException {
        return SqliteStore.open(file);
    }

    /** A new, empty database for writing in place of {@code file}, taken from no other writer. */
    public static Store replace(Path file) throws StoreException {
        return SqliteStore.replace(file);
    }

    /** Opens an existing {@code file} to read it, even while another process writes to it. */
    public static Store openForReading(Path file) throws StoreException {
        return SqliteStore.openForReading(file);
    }
}
