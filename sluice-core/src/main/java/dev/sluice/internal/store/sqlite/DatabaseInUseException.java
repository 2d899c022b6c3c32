package dev.sluice.internal.store.sqlite;

import dev.sluice.StoreException;

/** A SQLite file that another process, or another store of this one, holds for writing: one writes at a time. */
public final class DatabaseInUseException extends StoreException {
    DatabaseInUseException(String location, String holder) {
        super(location, "in use by " + holder + ": one process at a time writes to a SQLite file");
    }
}
