package dev.sluice.internal.store;

import dev.sluice.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Carries a database call through an outage (a restart, a network cut): a failure that can pass by itself
 * ({@link #passing}) is tried again after pauses growing from 100 ms to 5 s, until it has been failing for
 * longer than the outage limit; any other failure (a constraint, a locked or full SQLite file) is tried
 * {@value #OTHER_TRIES} times in all. Then the last failure is thrown, saying how long it lasted. Each retry
 * is logged once, at WARN.
 *
 * <p>Thread-safe (no state); runs on the caller's thread, which sleeps between tries.
 */
public final class StoreRetry {
    private static final Logger log = LoggerFactory.getLogger(StoreRetry.class);
    private static final long FIRST_PAUSE_MS = 100;
    private static final long MAX_PAUSE_MS = 5_000;
    private static final int OTHER_TRIES = 4;

    /** A database call. */
    public interface Call<T> {
        T call() throws StoreException;
    }

    private final Duration limit;

    public StoreRetry(Duration limit) {
        this.limit = limit;
    }

    /**
     * Whether a failure can pass by itself: the connection is gone or cannot be made (SQLState class 08, or
     * the pool's timeout waiting for one), the server is shutting down or starting (57P), short of
     * resources (53), or the transaction lost a deadlock or a serialization conflict (40001, 40P01).
     */
    static boolean passing(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                        || state.equals("40001") || state.equals("40P01")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Runs {@code call} until it succeeds or has failed for longer than the limit; {@code what} names it in logs. */
    public <T> T call(String what, Call<T> call) throws StoreException, InterruptedException {
        long firstFailure = 0;
        long pause = FIRST_PAUSE_MS;
        for (int attempt = 1; ; attempt++) {
            try {
                T result = call.call();
                if (attempt > 1) {
                    log.info("{}: done after {} tries; the database answers again", what, attempt);
                }
                return result;
            } catch (StoreException | RuntimeException failure) {
                StoreException e = failure instanceof StoreException se ? se
                        : new StoreException("the database", what + " failed unexpectedly", failure);
                long now = System.nanoTime();
                if (attempt == 1) {
                    firstFailure = now;
                }
                long failingMs = (now - firstFailure) / 1_000_000;
                if (!passing(e) && attempt >= OTHER_TRIES) {
                    throw e;
                }
                if (failingMs + pause > limit.toMillis()) {
                    throw new StoreException(e.location(), what + " failed for " + (failingMs / 1000) + " s in a row, "
                            + "longer than the outage limit of " + limit.toSeconds() + " s", root(e));
                }
                log.warn("{} failed, trying again in {} ms: {}", what, pause, e.getMessage());
                Thread.sleep(pause);
                pause = Math.min(2 * pause, MAX_PAUSE_MS);
            }
        }
    }

    /** The innermost cause: the driver's own words (e.g. "Connection refused"), not its wrappers'. */
    public static Throwable root(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }
}
