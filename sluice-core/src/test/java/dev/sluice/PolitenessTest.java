package dev.sluice;

import dev.sluice.spi.Store;
import dev.sluice.origin.Origin;
import dev.sluice.internal.store.sqlite.SqliteStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * Per-host politeness end to end, judged where a polite client is judged: at the servers (requests and in flight
 * counted there). Two loopback ports are two hosts. The scheduler's rules themselves (caps, turns, rates to the
 * nanosecond, hold-back, breaker, adaptive limit) are tested exactly, on a hand-set clock, in
 * {@link dev.sluice.internal.limit.SchedulerTest}; these check that real answers (429 and Retry-After, hangs, refused
 * connections, a silent server, 503s) reach it as they should, with bounds that hold on a busy machine.
 */
class PolitenessTest {
    @TempDir
    Path dir;

    /** Pushbacks among a host's recent answers that make it held back as a whole (when they are most of them). */
    private static final int PUSHBACKS_TO_HOLD_A_HOST = 5;

    @Test
    void aHostPushingBackOnMostRequestsWaitsAsAWholeWhileAnotherHostGoesOn() throws Exception {
        try (Origin fast = Origin.start(); Origin throttled = Origin.start()) {
            // Every URL of the throttled host gets 429 with Retry-After: 2 once (a quota): once most of its answers
            // are pushbacks (the fifth), the whole host waits 2 s, not just the URLs that were told to.
            List<String> urls = new ArrayList<>();
            IntStream.range(0, 8).forEach(i -> urls.add(throttled.uri("/t/" + i + "?fail=1&failStatus=429&retryAfter=2").toString()));
            IntStream.range(0, 200).forEach(i -> urls.add(fast.uri("/f/" + i + "?latency=10").toString()));

            RunSummary summary = new Harness(dir).run(Harness.config().concurrency(16).perHost(2).build(), urls);

            assertThat(summary.ok()).isEqualTo(urls.size());
            List<Instant> arrivals = throttled.arrivals();
            Instant fifth = arrivals.get(PUSHBACKS_TO_HOLD_A_HOST - 1);
            Instant held = fifth.plusSeconds(2);
            // Besides the fifth, one more request (the host's other slot) may have been sent before its 429 came back.
            assertThat(arrivals.stream().skip(PUSHBACKS_TO_HOLD_A_HOST + 1).toList()).as("the host's requests after it was held back")
                    .isNotEmpty().allSatisfy(t -> assertThat(t).isAfterOrEqualTo(held));
            // The fast host went on meanwhile: more of its requests arrived than it had in flight when the other was held.
            assertThat(fast.arrivals().stream().filter(t -> t.isAfter(fifth) && t.isBefore(held)).count())
                    .as("the fast host's requests while the other was held back").isGreaterThan(2);
            assertThat(fast.maxInFlight()).isEqualTo(2);
        }
    }

    @Test
    void aHostPushingBackOnAFewUrlsKeepsSendingWhileThoseUrlsWaitOutTheirOwnRetryAfter() throws Exception {
        try (Origin origin = Origin.start()) {
            // One URL in ten answers 429 with Retry-After: 1 twice, then 200; the others answer at once.
            List<String> urls = IntStream.range(0, 200).mapToObj(i -> origin.uri("/mixed/" + i + "?latency=20"
                    + (i % 10 == 0 ? "&fail=2&failStatus=429&retryAfter=1" : "")).toString()).toList();
            Harness h = new Harness(dir);

            RunSummary summary = h.run(Harness.config().concurrency(8).perHost(8).build(), urls);

            assertThat(summary.ok()).isEqualTo(200);
            for (String url : urls.stream().filter(u -> u.contains("fail=")).toList()) {
                List<Instant> tries = origin.arrivals(url.substring(url.indexOf("/mixed/")));
                assertThat(tries).hasSize(3);
                assertThat(tries.get(1)).as("%s waited out its own Retry-After", url).isAfterOrEqualTo(tries.get(0).plusSeconds(1));
                assertThat(tries.get(2)).isAfterOrEqualTo(tries.get(1).plusSeconds(1));
                assertThat(h.result(url)).containsEntry("attempts", 3);
            }
            // The host as a whole was not held back: while the first of them waited, more of the others arrived than
            // were in flight when it was told to wait.
            List<Instant> first = origin.arrivals("/mixed/0?latency=20&fail=2&failStatus=429&retryAfter=1");
            assertThat(origin.arrivals().stream().filter(t -> t.isAfter(first.get(0)) && t.isBefore(first.get(1))).count())
                    .as("requests to the host while /mixed/0 waited out its Retry-After").isGreaterThan(8);
        }
    }

    @Test
    void aHostWhereSomeUrlsHangWhileTheRestAnswerIsNeverDownAndThoseUrlsSucceedWhenTheirHangClears() throws Exception {
        try (Origin origin = Origin.start()) {
            // The last 8 URLs (twice the host's slots) hang on their first two requests. They come at the end, when
            // nothing else is in flight: timeouts in a row with no answer between them, as from a dead host. The host
            // answers a liveness check, so it is not down, and their third attempts succeed.
            List<String> urls = IntStream.range(0, 40).mapToObj(i -> origin.uri("/h/" + i + "?latency=20"
                    + (i >= 32 ? "&hang=2" : "")).toString()).toList();
            Harness h = new Harness(dir);

            RunSummary summary = h.run(Harness.config().concurrency(4).perHost(4).timeout(Duration.ofSeconds(1)).retries(3)
                    .build(), urls);

            assertThat(summary.failedByError()).isEmpty();
            assertThat(summary.ok()).isEqualTo(40);
            for (int i = 32; i < 40; i++) {
                assertThat(h.result(urls.get(i))).containsEntry("status", "ok").containsEntry("attempts", 3);
            }
            assertThat(origin.robotsRequests()).as("liveness checks asked").isPositive();
        }
    }

    @Test
    void aHostThatAcceptsConnectionsAndNeverAnswersTripsTheBreakerAndItsOtherUrlsFailAtOnce() throws Exception {
        try (RawHost host = RawHost.silent()) {
            List<String> urls = IntStream.range(0, 40).mapToObj(i -> "http://127.0.0.1:" + host.port() + "/hang/" + i).toList();
            Harness h = new Harness(dir);

            RunSummary summary = h.run(Harness.config().concurrency(8).perHost(3).timeout(Duration.ofSeconds(1)).retries(0)
                    .breakerFailures(3).breakerCooldown(Duration.ofMinutes(1)).build(), urls);

            // The first 3 time out; the slots freed by the first two go to two more URLs before the third makes the
            // host suspect. Then one liveness check, unanswered too, opens the breaker: 5 URLs sent and 6 requests in
            // all; every other URL (the check's own included) fails without one.
            assertThat(summary.failedByError()).containsOnly(entry("timeout", 5L), entry("host_down", 35L));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(host.requests()).isEqualTo(6));
            Map<String, Object> refused = h.result(urls.get(39));
            assertThat(refused).containsEntry("error", "host_down").containsEntry("attempts", 0);
            assertThat((String) refused.get("detail")).contains("127.0.0.1:" + host.port()).contains("is down");
        }
    }

    @Test
    void aHostThatRefusesConnectionsIsLetBackInByAProbeAfterTheCooldown() throws Exception {
        int port = freePort();
        Duration cooldown = Duration.ofMillis(500);
        SluiceConfig config = Harness.config().concurrency(4).perHost(1).retries(0)
                .breakerFailures(3).breakerCooldown(cooldown).build();
        FeedSource source = new FeedSource();
        try (Sluice sluice = Sluice.builder().config(config).build(); Store store = SqliteStore.open(dir.resolve("b.db"))) {
            CompletableFuture<RunSummary> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return sluice.run(store, source);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            IntStream.range(0, 10).forEach(i -> source.add("http://127.0.0.1:" + port + "/down/" + i));
            await().atMost(Duration.ofSeconds(10)).until(() -> sluice.progress() != null && sluice.progress().failed() == 10);
            long openedBy = System.nanoTime();

            try (Origin recovered = Origin.start(port)) {
                // Let the cool-down pass (real time: the breaker's clock is the system's); the next URL is the probe,
                // and its success lets the rest through.
                await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - openedBy > cooldown.toNanos());
                IntStream.range(0, 5).forEach(i -> source.add(recovered.uri("/up/" + i).toString()));
                source.end();
                RunSummary summary = run.get();

                assertThat(summary.failedByError()).containsEntry("connect", 3L).containsEntry("host_down", 7L);
                assertThat(summary.ok()).isEqualTo(5);
                assertThat(recovered.requests()).isEqualTo(5);
            }
        }
    }

    @Test
    void anAdaptiveLimitGrowsOnAServerWithRoomAndBacksOffWhenItSheds() throws Exception {
        try (Origin origin = Origin.start();
             Store store = SqliteStore.open(dir.resolve("a.db"));
             Sluice sluice = Sluice.builder().config(Harness.config().adaptive(true).concurrency(64).build()).build()) {
            List<String> urls = IntStream.range(0, 20_000).mapToObj(i -> origin.uri("/k/" + i + "?latency=20").toString()).toList();
            CompletableFuture<RunSummary> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return sluice.run(store, dev.sluice.internal.input.LineSource.ofLines(urls));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            // The limit starts at 4; a first round of answers at it (their latencies measured on real requests)
            // doubles it. Where it settles against a server's knee is AdaptiveLimitTest's, on model servers.
            await().atMost(Duration.ofSeconds(20)).until(() -> sluice.progress() != null && sluice.progress().limit() >= 8);
            origin.overload(503);
            await().atMost(Duration.ofSeconds(10)).until(() -> sluice.progress().limit() <= 2);
            sluice.stop();
            assertThat(run.get().stopped()).isTrue();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** URLs handed to a running run one by one, until {@link #end()}; then null, as at the end of a file. */
    private static final class FeedSource implements InputSource {
        private static final String END = "";
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private long number;
        private boolean ended;

        void add(String url) {
            lines.add(url);
        }

        void end() {
            lines.add(END);
        }

        @Override
        public Line next() throws IOException {
            if (ended) {
                return null;
            }
            try {
                String line = lines.take();
                ended = line.equals(END);
                return ended ? null : new Line("feed", ++number, line);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("feed interrupted");
            }
        }

        @Override
        public boolean ready() {
            return !lines.isEmpty();
        }

        @Override
        public void close() {
        }
    }
}
