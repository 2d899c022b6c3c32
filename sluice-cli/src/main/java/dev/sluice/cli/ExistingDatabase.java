package dev.sluice.cli;

import dev.sluice.StoreException;

import java.nio.file.Files;
import java.nio.file.Path;

/** Commands that read results must not create an empty database by mistake. */
final class ExistingDatabase {
    private ExistingDatabase() {
    }

    static void require(Path db) throws StoreException {
        if (!Files.isRegularFile(db)) {
            throw new StoreException(db.toString(), "no database here (run 'sluice run' first, or name one with --db)", null);
        }
    }
}
