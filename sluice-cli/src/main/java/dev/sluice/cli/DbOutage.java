package dev.sluice.cli;

import dev.sluice.internal.store.postgres.PgDatabase;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.time.Duration;

/** {@code --db-outage}, for every command that writes to a database; and the check that {@code --db} is PostgreSQL. */
final class DbOutage {
    @Option(names = "--db-outage", paramLabel = "DURATION", defaultValue = "60s", converter = Units.DurationConverter.class,
            description = "How long the database may fail in a row (restart, network cut, locked file) before the command "
                    + "stops; until then writing is retried with back-off and fetched results wait. Default: ${DEFAULT-VALUE}.")
    Duration limit; // checked by SluiceConfig's builder (storeOutage), as ConfigOptions reports it

    /** A usage error unless {@code db} names a PostgreSQL database; {@code what} says what it is for (shown with it). */
    static void requirePostgres(CommandLine cmd, String db, String what) {
        if (!PgDatabase.isPostgres(db)) {
            throw new CommandLine.ParameterException(cmd, "--db must name a PostgreSQL database (postgresql://user@host:port/db), "
                    + what + "; was '" + PgDatabase.withoutPassword(db) + "'");
        }
    }
}
