package dev.sluice.cli;

import dev.sluice.ResumeMode;
import dev.sluice.StoreException;
import dev.sluice.UrlSource;
import dev.sluice.store.PgDatabase;
import dev.sluice.store.PgEnqueue;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code sluice run --db postgresql://…}: the input is loaded into the queue on its own thread
 * ({@code sluice-enqueue}, platform) while this process works as one worker on it, so fetching starts
 * with the first batch instead of after the whole input.
 */
final class Enqueuing {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("sluice");
    private final PgEnqueue enqueue;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile PgEnqueue.Summary summary;
    private volatile Exception failure;

    private Enqueuing(PgDatabase db, ResumeMode mode, Duration outage, UrlSource source, Runnable onFailure) {
        this.enqueue = new PgEnqueue(db, mode, Clock.systemUTC(), outage);
        this.thread = Thread.ofPlatform().name("sluice-enqueue").daemon(true).unstarted(() -> {
            try {
                summary = enqueue.load(source);
            } catch (StoreException | IOException | RuntimeException e) {
                failure = e;
                onFailure.run();
            } catch (InterruptedException e) {
                // stopped
            } finally {
                running = false;
            }
        });
    }

    /** Starts loading; {@code onFailure} runs (on the loading thread) if it fails. */
    static Enqueuing start(PgDatabase db, ResumeMode mode, Duration outage, UrlSource source, Runnable onFailure) {
        Enqueuing e = new Enqueuing(db, mode, outage, source, onFailure);
        e.thread.start();
        return e;
    }

    boolean running() {
        return running;
    }

    /**
     * Stops after the batch being loaded (each batch is one transaction) and waits for it, 5 s at most: a read
     * of standard input cannot be interrupted. Returns what was loaded, or null when the loader did not end.
     */
    PgEnqueue.Summary finish() throws StoreException, IOException, InterruptedException {
        enqueue.stop();
        if (!thread.join(Duration.ofSeconds(5))) {
            log.warn("the input is still being read; lines not loaded yet are not in the queue (load them with 'sluice enqueue')");
            return null;
        }
        if (failure instanceof StoreException e) {
            throw e;
        }
        if (failure instanceof IOException e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        return summary;
    }
}
