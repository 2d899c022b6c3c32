package dev.sluice.cli;

import dev.sluice.spi.Store;
import dev.sluice.StoreException;
import dev.sluice.internal.store.SqlStore;
import dev.sluice.internal.store.postgres.PgDatabase;
import dev.sluice.internal.store.postgres.PgStore;
import dev.sluice.internal.store.sqlite.SqliteStore;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code --db} of commands that read results: they must not create an empty database by mistake, and
 * they read a SQLite file even while a run writes to it.
 */
final class ExistingDatabase {
    @Option(names = "--db", paramLabel = "PATH|URL", defaultValue = "sluice.db",
            description = "SQLite database file, or a PostgreSQL database (postgresql://user@host:port/db). Default: ${DEFAULT-VALUE}.")
    String db;

    boolean postgres() {
        return PgDatabase.isPostgres(db);
    }

    /** Opens the database, or fails with one line when there is no SQLite file at {@code --db}. */
    Store open() throws StoreException {
        if (postgres()) {
            return PgStore.open(db, System.getenv());
        }
        if (!Files.isRegularFile(Path.of(db))) {
            throw new StoreException(db, "no database here (run 'sluice run' first, or name one with --db)", null);
        }
        return SqliteStore.openForReading(Path.of(db));
    }

    /** Opens the database to change it (a table rebuilt), or fails as {@link #open} does when there is none. */
    SqlStore openForWriting() throws StoreException {
        if (postgres()) {
            return PgStore.open(db, System.getenv());
        }
        if (!Files.isRegularFile(Path.of(db))) {
            throw new StoreException(db, "no database here (run 'sluice run' first, or name one with --db)", null);
        }
        return SqliteStore.open(Path.of(db));
    }
}
