package dev.sluice.internal.process;

import dev.sluice.Request;

import dev.sluice.FetchedBody;
import dev.sluice.Processor;
import dev.sluice.RequestResult;
import dev.sluice.Validators;
import dev.sluice.internal.discover.Discovery;
import dev.sluice.Lineage;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ProcessStageTest {
    private static final ProcessLimits LIMITS = new ProcessLimits(Duration.ofSeconds(30), 1L << 30);
    private static final Consumer<String> NO_DROPS = url -> {
        throw new AssertionError("dropped " + url);
    };

    private static ProcessStage.Job job(String url, int bytes) {
        return new ProcessStage.Job(new FetchedBody(url, null, 200, null, new byte[bytes]), Validators.NONE, 1, System.nanoTime(), Request.get(url), url, List.of(), Lineage.INPUT);
    }

    /** A producer waits while the bodies queued would exceed the byte budget; a body larger than it waits for an empty queue. */
    @Test
    void theQueueHoldsNoMoreBytesThanItsBudget() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        Processor blocked = body -> {
            started.countDown();
            go.await();
            return List.of();
        };
        List<RequestResult> out = new CopyOnWriteArrayList<>();
        ProcessStage stage = new ProcessStage(1, 64, 1000, blocked, null, Discovery.NONE, LIMITS, false, Clock.systemUTC(), out::add, NO_DROPS);
        stage.submit(job("u0", 10)); // taken by the only thread, which then blocks
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        stage.submit(job("u1", 600));
        stage.submit(job("u2", 400)); // 1000: exactly the budget
        assertThat(stage.queuedBytes()).isEqualTo(1000);
        Thread over = Thread.ofVirtual().start(() -> {
            try {
                stage.submit(job("u3", 1));
                stage.submit(job("big", 5000)); // larger than the budget: waits until the queue is empty
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(200);
        assertThat(over.isAlive()).isTrue();
        assertThat(stage.queuedBytes()).isEqualTo(1000);
        go.countDown();
        over.join(5000);
        assertThat(over.isAlive()).isFalse();
        stage.finish();
        assertThat(out).extracting(RequestResult::url).containsExactly("u0", "u1", "u2", "u3", "big");
        assertThat(stage.queuedBytes()).isZero();
    }

    @Test
    void aProducerWaitingForBytesCanBeInterrupted() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ProcessStage stage = new ProcessStage(1, 64, 100, body -> {
            go.await();
            return List.of();
        }, null, Discovery.NONE, LIMITS, false, Clock.systemUTC(), r -> { }, NO_DROPS);
        stage.submit(job("a", 1));
        await().until(() -> stage.queuedBytes() == 0); // taken
        stage.submit(job("b", 100));
        Thread waiting = Thread.ofVirtual().start(() -> {
            try {
                stage.submit(job("c", 50));
            } catch (InterruptedException expected) {
                // what a stopped fetch thread sees
            }
        });
        Thread.sleep(100);
        waiting.interrupt();
        waiting.join(5000);
        assertThat(waiting.isAlive()).isFalse();
        assertThat(stage.queuedBytes()).isEqualTo(100);
        go.countDown();
        stage.finish();
        assertThat(stage.queuedBytes()).isZero();
    }
}
