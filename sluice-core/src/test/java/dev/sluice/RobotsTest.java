package dev.sluice;

import dev.sluice.origin.Origin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** --respect-robots: robots.txt fetched once per origin, its Disallow and Crawl-delay obeyed (RFC 9309). */
class RobotsTest {
    @TempDir
    Path dir;

    @Test
    void disallowedUrlsAreSkippedWithRobotsAndCrawlDelayPacesTheHost() throws Exception {
        try (Origin origin = Origin.start()) {
            origin.robots("""
                    User-agent: somebot
                    Disallow: /

                    User-agent: sluice
                    Disallow: /private/
                    Crawl-delay: 1
                    """);
            List<String> allowed = IntStream.range(0, 4).mapToObj(i -> "/public/" + i).toList();
            List<String> disallowed = IntStream.range(0, 3).mapToObj(i -> "/private/" + i).toList();
            List<String> urls = new ArrayList<>();
            allowed.forEach(p -> urls.add(origin.uri(p).toString()));
            disallowed.forEach(p -> urls.add(origin.uri(p).toString()));
            Harness h = new Harness(dir);

            RunSummary summary = h.run(Harness.config().concurrency(8).respectRobots(true).build(), urls);

            assertThat(summary.ok()).isEqualTo(4);
            assertThat(summary.failedByError()).containsEntry("robots", 3L);
            assertThat(origin.robotsRequests()).isEqualTo(1);
            for (String p : disallowed) {
                assertThat(origin.requests(p)).as(p).isZero();
                assertThat(h.result(origin.uri(p).toString())).containsEntry("error", "robots").containsEntry("attempts", 0)
                        .containsEntry("detail", "disallowed by " + origin.uri("/robots.txt"));
            }
            List<Instant> arrivals = allowed.stream().map(p -> origin.arrivals(p).get(0)).sorted().toList();
            for (int i = 1; i < arrivals.size(); i++) {
                assertThat(Duration.between(arrivals.get(i - 1), arrivals.get(i))).as("Crawl-delay between requests")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
            }
        }
    }

    @Test
    void aMissingRobotsTxtAllowsEverything() throws Exception {
        try (Origin origin = Origin.start()) {
            origin.robotsStatus(404);
            List<String> urls = IntStream.range(0, 5).mapToObj(i -> origin.uri("/any/" + i).toString()).toList();

            RunSummary summary = new Harness(dir).run(Harness.config().respectRobots(true).build(), urls);

            assertThat(summary.ok()).isEqualTo(5);
            assertThat(origin.robotsRequests()).isEqualTo(1);
        }
    }

    @Test
    void anUnreachableRobotsTxtDisallowsEverythingAfterItsRetries() throws Exception {
        try (Origin origin = Origin.start()) {
            origin.robotsStatus(500);
            List<String> urls = IntStream.range(0, 5).mapToObj(i -> origin.uri("/any/" + i).toString()).toList();
            Harness h = new Harness(dir);

            RunSummary summary = h.run(Harness.config().respectRobots(true).retries(2).build(), urls);

            assertThat(summary.failedByError()).containsEntry("robots", 5L);
            assertThat(origin.requests()).isZero();
            // At least the first URL's attempt and its 2 retries; URLs waiting on a failed fetch retry it too.
            assertThat(origin.robotsRequests()).isBetween(3L, 15L);
            assertThat((String) h.result(urls.get(4)).get("detail")).contains("robots.txt is unreachable").contains("RFC 9309");
        }
    }

    @Test
    void urlsWaitingForOneFailedRobotsTxtFetchDoNotCountItAgainTowardsTheBreaker() throws Exception {
        // A server that accepts connections and never answers: the one robots.txt fetch times out.
        try (RawHost silent = RawHost.silent()) {
            List<String> urls = IntStream.range(0, 5).mapToObj(i -> "http://127.0.0.1:" + silent.port() + "/s/" + i).toList();

            RunSummary summary = new Harness(dir).run(Harness.config().perHost(5).retries(1).breakerFailures(3)
                    .timeout(Duration.ofMillis(500)).respectRobots(true).build(), urls);

            // The host never answers. Either robots.txt is given up first (its fetch failed twice: the URL's retries)
            // and every URL is disallowed, or the breaker (3 in a row) opens, but only after 3 robots.txt requests
            // really failed: the URLs that waited for a failed fetch did not count it again each (they would have
            // opened the breaker after the first one).
            assertThat(summary.failed()).isEqualTo(5);
            assertThat(summary.failedByError().keySet()).isSubsetOf("robots", "host_down");
            int requestsMade = summary.failedByError().containsKey("host_down") ? 3 : 2;
            // Connections made are all accepted in the end: the acceptor may lag behind the client on a busy machine.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(silent.connections()).as("connections").isGreaterThanOrEqualTo(requestsMade));
        }
    }

    @Test
    void withoutTheFlagRobotsTxtIsNotFetched() throws Exception {
        try (Origin origin = Origin.start()) {
            origin.robots("User-agent: *\nDisallow: /\n");
            List<String> urls = IntStream.range(0, 3).mapToObj(i -> origin.uri("/any/" + i).toString()).toList();

            RunSummary summary = new Harness(dir).run(Harness.config().build(), urls);

            assertThat(summary.ok()).isEqualTo(3);
            assertThat(origin.robotsRequests()).isZero();
        }
    }
}
