package dev.sluice.internal.store.postgres;

import dev.sluice.StoreException;
import dev.sluice.internal.store.SqlStore;

import java.time.Duration;
import java.util.Map;

/**
 * Results in PostgreSQL, the same logical schema as SQLite's; a run works through its {@link #frontier()}, the queue
 * shared by all workers ({@link PgFrontier}).
 *
 * <p>Thread-safe: each call takes its own connection from the pool.
 */
public final class PgStore extends SqlStore {
    /** The lease of a run's frontier ({@code sluice worker --lease} sets its own). */
    public static final Duration LEASE = Duration.ofSeconds(30);
    private final PgDatabase db;
    private final boolean ownsDatabase;

    private PgStore(PgDatabase db, boolean ownsDatabase) {
        super(db);
        this.db = db;
        this.ownsDatabase = ownsDatabase;
    }

    /** A store on an open database; closing the store leaves the database open. */
    public static PgStore on(PgDatabase db) {
        return new PgStore(db, false);
    }

    /** Opens {@code url} (see {@link PgDatabase}) with a small pool; closing the store closes it. */
    public static PgStore open(String url, Map<String, String> env) throws StoreException {
        return new PgStore(PgDatabase.open(url, 3, env), true);
    }

    /** Joins the shared queue as a new worker, whose leases last {@link #LEASE} unless renewed. */
    @Override
    public PgFrontier frontier() throws StoreException {
        return PgFrontier.join(db, LEASE);
    }

    @Override
    public void close() {
        if (ownsDatabase) {
            db.close();
        }
    }
}
