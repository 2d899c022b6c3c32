package dev.sluice.internal.store;

import dev.sluice.Extraction;
import dev.sluice.Request;
import dev.sluice.RequestResult;
import dev.sluice.StoreException;
import dev.sluice.Validators;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The writer's bound in rows: bodies that yield many rows each cannot pile up behind a slow database. */
class WriterTest {
    private final List<List<RequestResult>> batches = new CopyOnWriteArrayList<>();

    @Test
    void aSlowDatabaseHoldsTheProducersOnceTheQueuedAndInHandRowsReachTheBudget() throws Exception {
        CountDownLatch inFirstCommit = new CountDownLatch(1);
        CountDownLatch databaseBack = new CountDownLatch(1);
        Writer writer = writer(1_000, batch -> {
            inFirstCommit.countDown();
            try {
                databaseBack.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return batch;
        });
        AtomicInteger handedOver = new AtomicInteger();
        Thread producer = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < 50; i++) {
                    writer.put(result(i, 99)); // 100 rows each
                    handedOver.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        inFirstCommit.await();
        await().until(() -> producer.getState() == Thread.State.WAITING);
        // the batch in hand and the queue together: ten results of 100 rows, the eleventh waits
        assertThat(writer.rowsHeld()).isEqualTo(1_000);
        assertThat(handedOver.get()).as("results handed over while the first commit hangs").isEqualTo(10);

        databaseBack.countDown();
        producer.join();
        writer.finish();
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(50);
        assertThat(batches).allSatisfy(b -> assertThat(b.stream().mapToLong(Writer::weight).sum()).isLessThanOrEqualTo(1_000));
        assertThat(writer.rowsHeld()).isZero();
    }

    @Test
    void aResultHeavierThanTheWholeBudgetIsStoredAlone() throws Exception {
        Writer writer = writer(1_000, batch -> batch);
        for (int i = 0; i < 30; i++) {
            writer.put(result(i, i % 10 == 0 ? 4_999 : 9));
        }
        writer.finish();
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(30);
        assertThat(batches.stream().filter(b -> b.stream().anyMatch(r -> Writer.weight(r) == 5_000)))
                .hasSize(3).allSatisfy(b -> assertThat(b).hasSize(1));
    }

    private Writer writer(long rowBudget, Writer.Sink sink) {
        return new Writer(batch -> {
            List<RequestResult> stored = sink.store(batch);
            batches.add(List.copyOf(batch));
            return stored;
        }, 256, rowBudget, 100, Duration.ofSeconds(1), Duration.ofSeconds(5), new Writer.Listener() {
            @Override
            public void committed(List<RequestResult> stored) {
            }

            @Override
            public void superseded(List<RequestResult> results) {
            }

            @Override
            public void storeFailed(StoreException e) {
                throw new AssertionError(e);
            }

            @Override
            public void dropped(List<RequestResult> batch) {
                throw new AssertionError("dropped " + batch.size());
            }
        }, () -> false);
    }

    /** An ok result with {@code records} records: it writes {@code records + 1} rows. */
    private static RequestResult result(int n, int records) {
        return new RequestResult(Request.get("http://a.example/" + n), RequestResult.Status.OK, 200, 1, null, null, 2L,
                "application/json", "ab", 5, Instant.now(), Collections.nCopies(records, "{}"), Extraction.NONE, null,
                Validators.NONE, false, List.of());
    }
}
