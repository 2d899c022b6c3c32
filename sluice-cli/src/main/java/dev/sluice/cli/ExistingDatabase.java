package dev.sluice.cli;

import dev.sluice.StoreException;
import dev.sluice.store.SqliteStore;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --db} of commands that read results: they must not create an empty database by mistake. */
final class ExistingDatabase {
    @Option(names = "--db", paramLabel = "PATH", defaultValue = "sluice.db", description = "SQLite database file. Default: ${DEFAULT-VALUE}.")
    Path db;

    /** Opens the database, or fails with one line when there is none at {@code --db}. */
    SqliteStore open() throws StoreException {
        if (!Files.isRegularFile(db)) {
            throw new StoreException(db.toString(), "no database here (run 'sluice run' first, or name one with --db)", null);
        }
        return SqliteStore.open(db);
    }
}
