package dev.sluice.internal.process;

import dev.sluice.Request;

import dev.sluice.ErrorKind;
import dev.sluice.FetchedBody;
import dev.sluice.Processor;
import dev.sluice.RequestResult;
import dev.sluice.Validators;
import dev.sluice.internal.discover.Discovery;
import dev.sluice.Lineage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The CPU stage's bounds per body: time, memory, stuck code, and the deadline of a stop. */
class ProcessLimitsTest {
    private final Map<String, RequestResult> results = new ConcurrentHashMap<>();
    private final List<String> dropped = new CopyOnWriteArrayList<>();
    /** Ends the uncooperative processors' loops when a test is over, so their abandoned threads stop. */
    private volatile boolean over;

    @AfterEach
    void endLoops() {
        over = true;
    }

    private ProcessStage stage(int threads, Processor processor, Duration time, long memory) {
        return new ProcessStage(threads, 64, 1 << 20, processor, null, Discovery.NONE, new ProcessLimits(time, memory), false, Clock.systemUTC(),
                r -> results.put(r.url(), r), dropped::add);
    }

    private static ProcessStage.Job job(String url, String body) {
        return new ProcessStage.Job(new FetchedBody(url, null, 200, "application/json", body.getBytes(StandardCharsets.UTF_8)),
                Validators.NONE, 1, System.nanoTime(), Request.get(url), url, List.of(), Lineage.INPUT);
    }

    /** Routes each URL to its own jq expression, so one stage can run a hostile body beside good ones. */
    private static Processor jqByUrl(Map<String, String> expressions) {
        Map<String, JqProcessor> compiled = new ConcurrentHashMap<>();
        expressions.forEach((url, e) -> compiled.put(url, JqProcessor.compile(e)));
        return body -> compiled.get(body.url()).process(body);
    }

    @Test
    void anEndlessExpressionFailsItsUrlAtTheTimeLimitAndTheNextBodyIsProcessed() throws Exception {
        ProcessStage stage = stage(1, jqByUrl(Map.of(
                "loop", "reduce range(0;1e15) as $i (0; .+1)",
                "good", ".a")), Duration.ofMillis(300), 1L << 30);
        long start = System.nanoTime();
        stage.submit(job("loop", "{}"));
        stage.submit(job("good", "{\"a\": 1}"));
        stage.finish();
        assertThat(results.get("loop").error()).isEqualTo(ErrorKind.PROCESS);
        assertThat(results.get("loop").detail()).contains("longer than 300 ms").contains("--process-timeout");
        assertThat(results.get("good").ok()).isTrue();
        assertThat(results.get("good").records()).containsExactly("1");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anExpressionThatBuildsAHugeValueFailsItsUrlAtTheMemoryLimit() throws Exception {
        ProcessStage stage = stage(1, jqByUrl(Map.of("huge", "[range(0;100000000)]", "good", ".a")),
                Duration.ofSeconds(60), 64L << 20);
        stage.submit(job("huge", "{}"));
        stage.submit(job("good", "{\"a\": 2}"));
        stage.finish();
        assertThat(results.get("huge").detail()).contains("allocated more than 64 MiB").contains("--process-memory");
        assertThat(results.get("good").records()).containsExactly("2");
    }

    @Test
    void endlessRecursionFailsItsUrlWithAClearDetail() throws Exception {
        ProcessStage stage = stage(1, jqByUrl(Map.of("deep", "def f: [f]; f", "rec", "[recurse(.)]")),
                Duration.ofSeconds(60), 1L << 30);
        stage.submit(job("deep", "1"));
        stage.submit(job("rec", "1"));
        stage.finish();
        assertThat(results.get("deep").detail()).isEqualTo("processing recursed too deeply (stack overflow)");
        assertThat(results.get("rec").error()).isEqualTo(ErrorKind.PROCESS);
        assertThat(results.get("rec").detail()).doesNotContain("java.lang");
    }

    /** Code without a checkpoint cannot be stopped: its URL fails anyway and another thread serves the queue. */
    @Test
    void aProcessorThatIgnoresTheLimitIsLeftBehindAndThePoolGoesOn() throws Exception {
        Processor processor = body -> {
            if (body.url().equals("stuck")) {
                while (!over) {
                    Thread.onSpinWait();
                }
            }
            return List.of("\"" + body.url() + "\"");
        };
        ProcessStage stage = stage(1, processor, Duration.ofMillis(200), 1L << 30);
        stage.submit(job("stuck", "{}"));
        stage.submit(job("next", "{}"));
        stage.finish();
        assertThat(results.get("stuck").detail()).contains("longer than 200 ms");
        assertThat(results.get("next").records()).containsExactly("\"next\"");
        // the first thread is still in the loop, left behind: "next" was processed by its replacement
        assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().equals("sluice-process-0") && t.isAlive());
    }

    /** A stop's deadline: what is being processed is asked to stop, what is queued is dropped; nothing gets a row. */
    @Test
    void finishingByADeadlineDropsWhatIsLeftWithoutRows() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Processor loop = JqProcessor.compile("reduce range(0;1e15) as $i (0; .+1)");
        ProcessStage stage = stage(1, body -> {
            started.countDown();
            return loop.process(body);
        }, Duration.ofSeconds(60), 1L << 30);
        stage.submit(job("a", "{}"));
        stage.submit(job("b", "{}"));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        stage.finish(() -> deadline);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
        assertThat(results).isEmpty();
        assertThat(dropped).containsExactlyInAnyOrder(Request.get("a").id(), Request.get("b").id());
    }

    @Test
    void finishingByADeadlineAbandonsCodeThatDoesNotStop() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        ProcessStage stage = stage(2, body -> {
            started.countDown();
            while (!over) {
                Thread.onSpinWait();
            }
            return List.of();
        }, Duration.ofSeconds(60), 1L << 30);
        stage.submit(job("stuck", "{}"));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        stage.finish(() -> deadline);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isLessThan(Duration.ofMillis(100 + ProcessWatch.ABANDON_MS + 1000));
        assertThat(dropped).containsExactly(Request.get("stuck").id());
        assertThat(results).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> stage.workers().isEmpty());
    }
}
