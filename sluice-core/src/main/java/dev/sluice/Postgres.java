package dev.sluice;

import dev.sluice.internal.store.postgres.PgDatabase;
import dev.sluice.internal.store.postgres.PgEnqueue;
import dev.sluice.internal.store.postgres.PgFrontier;
import dev.sluice.internal.store.postgres.PgStore;
import dev.sluice.spi.Frontier;
import dev.sluice.spi.InputRequests;
import dev.sluice.spi.Store;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A PostgreSQL database shared by many workers: open it by URL, then {@link #enqueue} requests into its queue, or
 * {@link #join} the queue as a worker and hand the frontier to {@link Sluice#work}. Results, the queue and run
 * records live in the database, so workers on any number of machines share one job.
 *
 * <pre>{@code
 * try (Postgres db = Postgres.open("postgresql://sluice@db.internal/crawl")) {
 *     db.enqueue(InputSource.ofFiles(List.of("urls.txt")), ResumeMode.SKIP_DONE);
 * }
 * }</pre>
 *
 * <p>Thread-safe: each call takes a connection of its own from the pool.
 */
public final class Postgres implements AutoCloseable {
    /** How long a database may fail in a row before loading gives up. */
    private static final Duration OUTAGE = Duration.ofSeconds(60);
    private final PgDatabase db;

    private Postgres(PgDatabase db) {
        this.db = db;
    }

    /**
     * Opens {@code url} ({@code postgresql://user[:password]@host[:port]/db}; {@code PGUSER} and {@code PGPASSWORD}
     * from the environment when the URL has none) with a pool of {@code connections}, and brings its schema up to
     * date.
     */
    public static Postgres open(String url, int connections, Map<String, String> env) throws StoreException {
        return new Postgres(PgDatabase.open(url, connections, env));
    }

    /** As {@link #open(String, int, Map)}, with a pool of 4 and this process's environment. */
    public static Postgres open(String url) throws StoreException {
        return open(url, 4, System.getenv());
    }

    /** Its results, runs and reports; closing the store leaves this database open. */
    public Store store() {
        return PgStore.on(db);
    }

    /**
     * Joins the queue as a new worker whose leases last {@code lease} unless renewed (its heartbeat renews them every
     * third of it); a worker that dies loses only its leases. Close the frontier to leave.
     */
    public Frontier join(Duration lease) throws StoreException {
        return PgFrontier.join(db, lease);
    }

    /**
     * Loads the input's lines, read by {@code reader}, into the queue, each request once however often it is loaded
     * (by this process or any other at the same time); under {@code mode} the finished ones are queued again or
     * skipped. Returns when all is committed.
     */
    public Frontier.Loaded enqueue(InputSource source, InputRequests reader, ResumeMode mode)
            throws StoreException, IOException, InterruptedException {
        return PgEnqueue.loader(db, reader, mode, Clock.systemUTC(), OUTAGE).load(source);
    }

    /** As {@link #enqueue(InputSource, InputRequests, ResumeMode)}, each line a URL to GET. */
    public Frontier.Loaded enqueue(InputSource source, ResumeMode mode) throws StoreException, IOException, InterruptedException {
        return enqueue(source, InputRequests.urls(), mode);
    }

    /** The database's URL without its password. */
    public String location() {
        return db.location();
    }

    @Override
    public void close() {
        db.close();
    }
}
