package dev.sluice;

import dev.sluice.spi.Store;
import dev.sluice.internal.input.LineSource;
import dev.sluice.origin.Origin;
import dev.sluice.internal.store.sqlite.SqliteStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Stopping a library run: by stop(), by interrupting the caller, and when the input itself fails. */
class StopTest {
    @TempDir
    Path dir;

    @Test
    void stopLetsRequestsInFlightFinishAndStoresThem() throws Exception {
        try (Origin origin = Origin.start(); Store store = SqliteStore.open(dir.resolve("s.db"));
             Sluice sluice = Sluice.builder().config(Harness.config().concurrency(10).perHost(10).build()).build()) {
            List<String> urls = IntStream.range(0, 500).mapToObj(i -> origin.uri("/s/" + i + "?latency=300").toString()).toList();

            CompletableFuture<RunSummary> run = CompletableFuture.supplyAsync(() -> call(() -> sluice.run(store, LineSource.ofLines(urls))));
            await().atMost(Duration.ofSeconds(10)).until(() -> origin.inFlight() == 10);
            sluice.stop();
            RunSummary summary = run.get();

            assertThat(summary.stopped()).isTrue();
            // the 10 requests in flight at the stop finish within the grace period and are stored
            assertThat(summary.ok()).isGreaterThanOrEqualTo(10).isLessThan(500);
            assertThat(store.counts().ok()).isEqualTo(summary.ok());
            assertThat(origin.requests()).isEqualTo(summary.ok());
        }
    }

    @Test
    void interruptingTheCallerStopsTheRunAndKeepsTheInterrupt() throws Exception {
        try (Origin origin = Origin.start(); Store store = SqliteStore.open(dir.resolve("i.db"));
             Sluice sluice = Sluice.builder().config(Harness.config().concurrency(5).build()).build()) {
            List<String> urls = IntStream.range(0, 500).mapToObj(i -> origin.uri("/i/" + i + "?latency=200").toString()).toList();
            CompletableFuture<RunSummary> result = new CompletableFuture<>();
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            Thread caller = Thread.ofPlatform().start(() -> {
                try {
                    result.complete(sluice.run(store, LineSource.ofLines(urls)));
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> origin.inFlight() == 5);

            caller.interrupt();
            caller.join(Duration.ofSeconds(30));

            assertThat(result.get().stopped()).isTrue();
            assertThat(stillInterrupted).isTrue();
            assertThat(store.counts().ok()).isEqualTo(result.get().ok()).isPositive();
        }
    }

    @Test
    void anInputThatFailsFailsTheRun() throws Exception {
        try (Store store = SqliteStore.open(dir.resolve("f.db")); Sluice sluice = Sluice.builder().build()) {
            InputSource broken = Harness.failingInput("disk on fire");
            assertThatThrownBy(() -> sluice.run(store, broken)).isInstanceOf(IOException.class).hasMessage("disk on fire");
        }
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> T call(Call<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
