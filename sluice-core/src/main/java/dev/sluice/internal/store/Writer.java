package dev.sluice.internal.store;

import dev.sluice.StoreException;
import dev.sluice.RequestResult;
import dev.sluice.internal.limit.WeightBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The single writer: one platform thread ({@code sluice-writer}) that drains the result queue into
 * the store in batched transactions, committing after {@code batchRows} rows or when the oldest
 * waiting row is {@code maxDelay} old, whichever comes first.
 *
 * <p>Queue: bounded twice, in results ({@code capacity}) and in rows ({@code rowBudget}: the rows the results queued
 * and in the batch in hand will write, records and typed tables' rows and rejects, a body that yields thousands
 * weighing as much); producers are the CPU threads (processed bodies), the fetch threads (failures) and the admission
 * thread (claimed URLs that cannot be fetched); its one consumer is this thread. Full means the producer blocks: a
 * slow database slows the whole pipeline instead of filling memory. A batch is committed when it has
 * {@code batchRows} results or half the row budget, so that the next one fills while it commits.
 *
 * <p>A failing commit is retried through an outage ({@link StoreRetry}) while results wait in the bounded
 * queue; if it fails for longer than the outage limit the store is declared broken:
 * {@link Listener#storeFailed} is called once, and from then on results are taken and dropped (so
 * producers never block forever) and handed to {@link Listener#dropped}. Nothing dropped was stored, so a
 * re-run (or another worker) fetches it again.
 */
public final class Writer {
    private static final Logger log = LoggerFactory.getLogger(Writer.class);
    private static final RequestResult END = RequestResult.failed(dev.sluice.Request.get("\u0000end"), dev.sluice.ErrorKind.IO, null, null, 0, 0,
            java.time.Instant.EPOCH);
    private static final long LINGER_NANOS = 2_000_000;

    /** Stores one batch in one transaction; returns the results stored (all, unless some were no longer ours to store). */
    public interface Sink {
        List<RequestResult> store(List<RequestResult> batch) throws StoreException;
    }

    /** Told about every batch; called on the writer thread. */
    public interface Listener {
        /** These results are committed. */
        void committed(List<RequestResult> stored);

        /** These results were not stored: another worker had taken their URLs over. */
        void superseded(List<RequestResult> results);

        /** The store failed for good; called once. */
        void storeFailed(StoreException e);

        /** These results were not stored because the store had failed. */
        void dropped(List<RequestResult> batch);
    }

    private final Sink sink;
    private final StoreRetry retry;
    private final BlockingQueue<RequestResult> queue;
    /** Rows of the results queued and in the batch in hand: reserved before a put, given back after the commit. */
    private final WeightBudget rows;
    private final long batchWeight;
    private final int batchRows;
    private final long maxDelayNanos;
    private final Listener listener;
    private final Thread thread;
    private boolean broken; // only the writer thread
    /** While true, rows are committed as they come, without waiting for a full batch or the batch delay. */
    private final BooleanSupplier urgent;

    /**
     * {@code urgent} is asked between looks at the queue: while it says true (the pipeline has nothing to claim and
     * waits for what the rows may discover, e.g. a next page), a batch is committed with what has come.
     */
    public Writer(Sink sink, int capacity, long rowBudget, int batchRows, Duration maxDelay, Duration outageLimit,
                  Listener listener, BooleanSupplier urgent) {
        this.sink = sink;
        this.urgent = urgent;
        this.retry = new StoreRetry(outageLimit);
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.rows = new WeightBudget(rowBudget);
        this.batchWeight = Math.max(1, rowBudget / 2);
        this.batchRows = batchRows;
        this.maxDelayNanos = maxDelay.toNanos();
        this.listener = listener;
        this.thread = Thread.ofPlatform().name("sluice-writer").start(this::drain);
    }

    /** Results waiting for their transaction now. Any thread. */
    public int queued() {
        return queue.size();
    }

    /** Rows of the results queued and in the batch in hand now. Any thread. */
    public long rowsHeld() {
        return rows.held();
    }

    /** Queues a result for storing; blocks while the queue is full, in results or in rows. */
    public void put(RequestResult result) throws InterruptedException {
        long weight = weight(result);
        rows.reserve(weight);
        try {
            queue.put(result);
        } catch (InterruptedException e) {
            rows.release(weight);
            throw e;
        }
    }

    /** The rows {@code result} writes: its results row, its records, its typed tables' rows and rejects. */
    static long weight(RequestResult result) {
        return 1L + result.records().size() + result.extraction().rows().size() + result.extraction().rejects().size();
    }

    /** After the last put: commits what is queued and waits for the writer thread to end. */
    public void finish() throws InterruptedException {
        queue.put(END);
        thread.join();
    }

    private void drain() {
        List<RequestResult> batch = new ArrayList<>(batchRows);
        boolean end = false;
        try {
            while (!end) {
                RequestResult first = queue.take();
                end = first == END;
                if (!end) {
                    batch.add(first);
                    end = fill(batch, System.nanoTime() + maxDelayNanos);
                }
                if (!batch.isEmpty()) {
                    commit(batch);
                    rows.release(batch.stream().mapToLong(Writer::weight).sum());
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
    private boolean fill(List<RequestResult> batch, long deadline) throws InterruptedException {
        long weight = weight(batch.get(0));
        while (true) {
            int before = batch.size();
            queue.drainTo(batch, batchRows - before);
            for (int i = before; i < batch.size(); i++) {
                if (batch.get(i) == END) {
                    batch.subList(i, batch.size()).clear(); // nothing is put after END
                    return true;
                }
                weight += weight(batch.get(i));
            }
            long wait = Math.min(deadline - System.nanoTime(), LINGER_NANOS);
            // a producer waiting for rows waits for this commit: the batch in hand holds what it needs
            if (batch.size() >= batchRows || weight >= batchWeight || rows.wanted() || wait <= 0 || urgent.getAsBoolean()) {
                return false;
            }
            LockSupport.parkNanos(this, wait);
            if (Thread.interrupted()) {
                throw new InterruptedException("the writer was interrupted while filling a batch");
            }
        }
    }

    private void commit(List<RequestResult> batch) throws InterruptedException {
        if (broken) {
            listener.dropped(batch);
            return;
        }
        List<RequestResult> stored;
        try {
            stored = retry.call("storing " + batch.size() + " results", () -> sink.store(batch));
        } catch (StoreException e) {
            broken = true;
            listener.storeFailed(e);
            listener.dropped(batch);
            return;
        }
        // Outside the retry: a committed batch is never written twice.
        listener.committed(stored);
        if (stored.size() < batch.size()) {
            java.util.Set<RequestResult> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            kept.addAll(stored);
            listener.superseded(batch.stream().filter(r -> !kept.contains(r)).toList());
        }
    }
}
