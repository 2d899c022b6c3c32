package dev.sluice;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10: a request that dies on a reused connection before any byte of its answer came (the server closed the
 * idle kept-alive connection without saying so, as load balancers with a short keep-alive timeout do) is sent
 * again on a fresh connection, without costing an attempt; at most once an attempt. A request that dies on a fresh
 * connection, or after part of its answer, is a failure as before. Counted at the server, with {@code --retries 0}.
 */
class StaleConnectionTest {
    private static final byte[] KEPT_ALIVE = ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n"
            + "Keep-Alive: timeout=60\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;

    private static boolean keptAlive(OutputStream out) throws IOException {
        out.write(KEPT_ALIVE);
        out.flush();
        return true;
    }

    private static List<String> urls(RawHost host, int n) {
        return IntStream.range(0, n).mapToObj(i -> host.url("/u/" + i)).toList();
    }

    @Test
    void aServerThatClosesIdleConnectionsAfter100msGetsEachUrlOnceAndEveryUrlEndsOk() throws Exception {
        // One answer per connection, keep-alive announced; then it reads nothing more, and closes after 100 ms.
        try (RawHost host = RawHost.answering((nth, out) -> {
            keptAlive(out);
            Thread.sleep(100); // the server's keep-alive timeout: its behaviour, not a wait for the client
            return false;
        })) {
            List<String> urls = urls(host, 40);
            Harness h = new Harness(dir);

            RunSummary summary = h.run(Harness.config().concurrency(8).perHost(4).retries(0).build(), urls);

            assertThat(summary.failedByError()).isEmpty();
            assertThat(summary.ok()).isEqualTo(40);
            assertThat(h.query("SELECT DISTINCT attempts FROM results")).containsExactly(Map.of("attempts", 1));
            assertThat(host.requests()).as("requests the server read, each answered").isEqualTo(40);
        }
    }

    @Test
    void aRequestThatDiesUnansweredOnAReusedConnectionIsSentAgainOnAFreshOne() throws Exception {
        // Each connection answers its first request and closes on the second without a byte.
        try (RawHost host = RawHost.answering((nth, out) -> nth == 1 && keptAlive(out))) {
            List<String> urls = urls(host, 10);

            RunSummary summary = new Harness(dir).run(Harness.config().concurrency(1).retries(0).build(), urls);

            // One at a time. Every second URL goes on the pooled connection the one before used, dies, and goes
            // again on a new connection of its own (closed after it); the next URL finds the pool empty and opens one.
            assertThat(summary.ok()).isEqualTo(10);
            assertThat(host.requests()).isEqualTo(10 + 5);
            assertThat(host.connections()).isEqualTo(10);
        }
    }

    @Test
    void aRequestThatDiesOnItsNewConnectionTooFailsAfterTwoSends() throws Exception {
        // The host answers its very first request only, and closes every connection on any other, without a byte.
        AtomicBoolean first = new AtomicBoolean(true);
        try (RawHost host = RawHost.answering((nth, out) -> first.getAndSet(false) && keptAlive(out))) {
            List<String> urls = urls(host, 2);
            Harness h = new Harness(dir);

            h.run(Harness.config().concurrency(1).retries(0).build(), urls);

            assertThat(h.result(urls.get(0))).containsEntry("status", "ok");
            assertThat(h.result(urls.get(1))).containsEntry("error", "io").containsEntry("attempts", 1);
            assertThat(host.requests()).as("the first URL's, then the second's on the reused and on a fresh connection")
                    .isEqualTo(3);
        }
    }

    @Test
    void aRequestSentAgainOnANewConnectionIsStillBoundedByTheAttemptsTimeout() throws Exception {
        // The host answers its very first request, closes on a second request without a byte, and answers nothing
        // on a new connection.
        AtomicBoolean first = new AtomicBoolean(true);
        try (RawHost host = RawHost.answering((nth, out) -> first.getAndSet(false) ? keptAlive(out) : nth == 1)) {
            List<String> urls = urls(host, 2);
            Harness h = new Harness(dir);

            h.run(Harness.config().concurrency(1).retries(0).timeout(Duration.ofMillis(500)).build(), urls);

            assertThat(h.result(urls.get(1))).containsEntry("error", "timeout").containsEntry("attempts", 1);
            // (from 450 ms: the elapsed time is truncated to whole ms, and Jetty's timer fires on its own clock)
            assertThat(((Number) h.result(urls.get(1)).get("elapsed_ms")).longValue()).isBetween(450L, 1_500L);
            assertThat(host.requests()).isEqualTo(3);
        }
    }

    @Test
    void aRequestThatDiesOnAFreshConnectionIsNotSentAgain() throws Exception {
        try (RawHost host = RawHost.answering((nth, out) -> false)) {
            List<String> urls = urls(host, 1);
            Harness h = new Harness(dir);

            h.run(Harness.config().retries(0).build(), urls);

            assertThat(h.result(urls.get(0))).containsEntry("error", "io").containsEntry("attempts", 1);
            assertThat(host.requests()).isEqualTo(1);
        }
    }

    @Test
    void aRequestThatDiesOnAReusedConnectionAfterPartOfItsAnswerIsNotSentAgain() throws Exception {
        byte[] truncated = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"a\"".getBytes(StandardCharsets.ISO_8859_1);
        try (RawHost host = RawHost.answering((nth, out) -> {
            if (nth == 1) {
                return keptAlive(out);
            }
            out.write(truncated);
            out.flush();
            return false;
        })) {
            List<String> urls = urls(host, 2);
            Harness h = new Harness(dir);

            h.run(Harness.config().concurrency(1).retries(0).build(), urls);

            assertThat(h.result(urls.get(1))).containsEntry("error", "io").containsEntry("attempts", 1);
            assertThat(host.requests()).isEqualTo(2);
        }
    }
}
