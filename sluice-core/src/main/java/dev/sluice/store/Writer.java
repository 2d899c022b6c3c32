package dev.sluice.store;

import dev.sluice.Store;
import dev.sluice.StoreException;
import dev.sluice.UrlResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The single writer: one platform thread ({@code sluice-writer}) that drains the result queue into
 * the store in batched transactions, committing after {@code batchRows} rows or when the oldest
 * waiting row is {@code maxDelay} old, whichever comes first.
 *
 * <p>Queue: bounded; producers are the CPU threads (processed bodies), the fetch threads (failures)
 * and the admission thread (invalid lines); its one consumer is this thread. Full means the producer
 * blocks: a slow database slows the whole pipeline instead of filling memory.
 *
 * <p>A failing commit is retried 3 times, after pauses of 0.1, 0.4 and 1.6 s; if it still fails the store is
 * declared broken: {@link Listener#storeFailed} is called once, and from then on results are taken
 * and dropped (so producers never block forever) and handed to {@link Listener#dropped}. Nothing
 * dropped was stored, so a re-run fetches it again.
 */
public final class Writer {
    private static final Logger log = LoggerFactory.getLogger(Writer.class);
    private static final UrlResult END = UrlResult.failed("\u0000end", dev.sluice.ErrorKind.IO, null, null, 0, 0,
            java.time.Instant.EPOCH);
    private static final long[] RETRY_PAUSES_MS = {100, 400, 1600};
    private static final long LINGER_NANOS = 2_000_000;

    /** Told about every batch; called on the writer thread. */
    public interface Listener {
        /** The batch is committed. */
        void committed(List<UrlResult> batch);

        /** The store failed for good; called once. */
        void storeFailed(StoreException e);

        /** These results were not stored because the store had failed. */
        void dropped(List<UrlResult> batch);
    }

    private final Store store;
    private final boolean replacing;
    private final BlockingQueue<UrlResult> queue;
    private final int batchRows;
    private final long maxDelayNanos;
    private final Listener listener;
    private final Thread thread;
    private boolean broken; // only the writer thread

    public Writer(Store store, boolean replacing, int capacity, int batchRows, Duration maxDelay, Listener listener) {
        this.store = store;
        this.replacing = replacing;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchRows = batchRows;
        this.maxDelayNanos = maxDelay.toNanos();
        this.listener = listener;
        this.thread = Thread.ofPlatform().name("sluice-writer").start(this::drain);
    }

    /** Queues a result for storing; blocks while the queue is full. */
    public void put(UrlResult result) throws InterruptedException {
        queue.put(result);
    }

    /** After the last put: commits what is queued and waits for the writer thread to end. */
    public void finish() throws InterruptedException {
        queue.put(END);
        thread.join();
    }

    private void drain() {
        List<UrlResult> batch = new ArrayList<>(batchRows);
        boolean end = false;
        try {
            while (!end) {
                UrlResult first = queue.take();
                end = first == END;
                if (!end) {
                    batch.add(first);
                    end = fill(batch, System.nanoTime() + maxDelayNanos);
                }
                if (!batch.isEmpty()) {
                    commit(batch);
                    batch = new ArrayList<>(batchRows);
                }
            }
        } catch (InterruptedException e) {
            log.error("the writer was interrupted; {} results in hand were not stored", batch.size());
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Adds rows until the batch is full, the deadline passes, or the end arrives; returns true at the end.
     * Between looks at the queue it sleeps ({@link #LINGER_NANOS} at most) instead of waiting on it, so
     * producers do not wake this thread for every single row (a futex call each, measured as the writer's
     * main cost at 20,000 rows/s). The queue's capacity covers what arrives during one sleep.
     */
    private boolean fill(List<UrlResult> batch, long deadline) throws InterruptedException {
        while (true) {
            int before = batch.size();
            queue.drainTo(batch, batchRows - before);
            for (int i = before; i < batch.size(); i++) {
                if (batch.get(i) == END) {
                    batch.subList(i, batch.size()).clear(); // nothing is put after END
                    return true;
                }
            }
            long wait = Math.min(deadline - System.nanoTime(), LINGER_NANOS);
            if (batch.size() >= batchRows || wait <= 0) {
                return false;
            }
            LockSupport.parkNanos(this, wait);
            if (Thread.interrupted()) {
                throw new InterruptedException("the writer was interrupted while filling a batch");
            }
        }
    }

    private void commit(List<UrlResult> batch) throws InterruptedException {
        if (broken) {
            listener.dropped(batch);
            return;
        }
        for (int attempt = 0; ; attempt++) {
            try {
                store.write(batch, replacing);
                break;
            } catch (StoreException | RuntimeException failure) {
                StoreException e = failure instanceof StoreException se ? se
                        : new StoreException(store.location(), "storing failed unexpectedly", failure);
                if (attempt == RETRY_PAUSES_MS.length) {
                    broken = true;
                    listener.storeFailed(e);
                    listener.dropped(batch);
                    return;
                }
                log.warn("storing {} results failed, trying again in {} ms: {}", batch.size(), RETRY_PAUSES_MS[attempt], e.getMessage());
                Thread.sleep(RETRY_PAUSES_MS[attempt]);
            }
        }
        listener.committed(batch); // outside the retry: a committed batch is never written twice
    }
}
