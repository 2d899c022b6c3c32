package dev.sluice;

import dev.sluice.origin.Origin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The caps and the rate, counted where they matter: at the server. */
class LimitsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "--concurrency {0}")
    @ValueSource(ints = {1, 5, 50})
    void theGlobalCapIsNeverExceededAndIsReached(int cap) throws Exception {
        try (Origin origin = Origin.start()) {
            List<String> urls = IntStream.range(0, Math.max(12, 4 * cap))
                    .mapToObj(i -> origin.uri("/c" + cap + "/" + i + "?latency=150").toString()).toList();

            RunSummary summary = new Harness(dir).run(Harness.config().concurrency(cap).perHost(cap).build(), urls);

            assertThat(summary.ok()).isEqualTo(urls.size());
            assertThat(origin.maxInFlight()).isEqualTo(cap);
        }
    }

    /**
     * A URL whose attempt failed is tried again after its own back-off, first in its host's line: not after the URLs
     * queued for the host meanwhile (here 4 s of them, one at a time).
     */
    @Test
    void aRetryGoesAfterItsBackOffNotAfterTheHostsBacklog() throws Exception {
        try (Origin origin = Origin.start()) {
            List<String> urls = new ArrayList<>();
            urls.add(origin.uri("/flaky?fail=1").toString());
            for (int i = 0; i < 200; i++) {
                urls.add(origin.uri("/backlog/" + i + "?latency=20").toString());
            }

            RunSummary summary = new Harness(dir).run(Harness.config().concurrency(1).perHost(1).build(), urls);

            assertThat(summary.ok()).isEqualTo(201);
            List<Instant> flaky = origin.arrivals("/flaky?fail=1");
            List<Instant> backlog = origin.arrivals();
            assertThat(flaky).hasSize(2);
            Duration backlogSpan = Duration.between(backlog.getFirst(), backlog.getLast());
            assertThat(backlogSpan).as("the host's backlog").isGreaterThan(Duration.ofSeconds(3));
            assertThat(Duration.between(flaky.get(0), flaky.get(1))).as("from the failure to its retry")
                    .isLessThan(Duration.ofSeconds(1)); // Harness's back-off: 10-50 ms
        }
    }

    @Test
    void thePerHostCapHoldsForEachHostWhileTheGlobalCapHoldsOverAll() throws Exception {
        try (Origin origin = Origin.start()) {
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                urls.add(origin.uri("127.0.0.1", "/h/" + i + "?latency=100").toString());
                urls.add(origin.uri("localhost", "/h/" + i + "?latency=100").toString());
            }

            new Harness(dir).run(Harness.config().concurrency(10).perHost(2).build(), urls);

            assertThat(origin.maxInFlight("127.0.0.1:" + origin.port())).isEqualTo(2);
            assertThat(origin.maxInFlight("localhost:" + origin.port())).isEqualTo(2);
            assertThat(origin.maxInFlight()).isLessThanOrEqualTo(4).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void keyedByIpTwoNamesOfOneMachineShareOneCap() throws Exception {
        try (Origin origin = Origin.start()) {
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                urls.add(origin.uri("127.0.0.1", "/ip/" + i + "?latency=100").toString());
                urls.add(origin.uri("localhost", "/ip/" + i + "?latency=100").toString());
            }

            new Harness(dir).run(Harness.config().concurrency(10).perHost(2).hostKey(HostKey.IP).build(), urls);

            assertThat(origin.maxInFlight()).isEqualTo(2);
        }
    }

    @Test
    void theRateSpacesRequestStarts() throws Exception {
        try (Origin origin = Origin.start()) {
            List<String> paths = IntStream.range(0, 45).mapToObj(i -> "/rate/" + i).toList();

            new Harness(dir).run(Harness.config().concurrency(45).ratePerSecond(20).build(),
                    paths.stream().map(p -> origin.uri(p).toString()).toList());

            List<Instant> arrivals = paths.stream().flatMap(p -> origin.arrivals(p).stream()).sorted().toList();
            assertThat(arrivals).hasSize(45);
            // Measured at the server, as a polite client is judged: never faster than the rate. The first requests
            // also open connections, which delays their arrival by varying amounts, so the rate is taken from the
            // fifth arrival on: 40 intervals of 50 ms, at most 10 % faster. Without the limit all 45 would arrive
            // within a few ms. A starved CPU (CI) can only make starts later, so below the rate the bound is loose;
            // the exact spacing is SchedulerTest's, on a hand-set clock.
            double seconds = Duration.between(arrivals.get(4), arrivals.get(44)).toNanos() / 1e9;
            assertThat(40 / seconds).as("requests per second at the server").isBetween(10.0, 22.0);
            for (Instant from : arrivals.subList(4, arrivals.size())) {
                Instant to = from.plusSeconds(1);
                assertThat(arrivals.stream().filter(a -> !a.isBefore(from) && a.isBefore(to)).count())
                        .as("requests in the second from %s", from).isLessThanOrEqualTo(22);
            }
        }
    }

    @Test
    void aUrlBackingOffHoldsNoSlot() throws Exception {
        try (Origin origin = Origin.start()) {
            // One slot. The first URL is told to come back in 1 s; meanwhile the others must go through.
            // (A 500 concerns this URL alone; a 429 or 503 would hold back the whole host.)
            String throttled = "/slow-lane?fail=1&failStatus=500&retryAfter=1";
            List<String> others = IntStream.range(0, 5).mapToObj(i -> "/fast-lane/" + i).toList();
            List<String> urls = Stream.concat(Stream.of(throttled), others.stream()).map(p -> origin.uri(p).toString()).toList();

            new Harness(dir).run(Harness.config().concurrency(1).build(), urls);

            Instant retried = origin.arrivals(throttled).get(1);
            for (String p : others) {
                assertThat(origin.arrivals(p).get(0)).as(p).isBefore(retried);
            }
        }
    }
}
