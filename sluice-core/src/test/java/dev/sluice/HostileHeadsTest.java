package dev.sluice;

import dev.sluice.origin.Origin;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10: every response head is bounded. A host whose heads pass a bound, or never end, has its URLs fail at
 * once with an {@code io} failure naming the bound, while another host's URLs go on at their normal pace: the
 * client stops reading at the bound, so the hostile connections hold neither memory nor the selector thread that
 * all connections of the client share (before, they held it until the timeout, and grew the heap by 100 MB/s).
 */
class HostileHeadsTest {
    private static final String OK_HEAD = "HTTP/1.1 200 OK\r\n";
    private static final String BODY = "Content-Length: 2\r\n\r\n{}";
    private static final String BYTES = "response status line and headers exceed 64 KiB";
    private static final String FIELDS = "more than 100 response header fields";
    private static final String INTERIM = "more than 5 interim (1xx) responses";

    @TempDir
    Path dir;

    /** What a hostile host writes: {@code head}, then {@code repeated} until the client hangs up, or else nothing more. */
    enum Hostile {
        ENDLESS_FIELDS(OK_HEAD, "X-Filler: " + "f".repeat(60) + "\r\n", FIELDS),
        TOO_MANY_FIELDS(OK_HEAD + "a: b\r\n".repeat(150) + BODY, null, FIELDS),
        ENDLESS_FIELD(OK_HEAD + "X-Big: ", "b".repeat(1024), BYTES),
        OVERSIZED_FIELD(OK_HEAD + "X-Big: " + "b".repeat(100_000) + "\r\n" + BODY, null, BYTES),
        ENDLESS_STATUS_LINE("HTTP/1.1 200 ", "s".repeat(1024), BYTES),
        ENDLESS_EARLY_HINTS("", "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n", INTERIM),
        ENDLESS_PROCESSING("", "HTTP/1.1 102 Processing\r\n\r\n", INTERIM),
        // Jetty reads on only past the first 100 Continue: before, this hung the fetch past any timeout.
        REPEATED_CONTINUE("HTTP/1.1 100 Continue\r\n\r\n".repeat(2), null, "unexpected interim response 100");

        final byte[] head;
        final byte[] repeated;
        final String detail;

        Hostile(String head, String repeated, String detail) {
            this.head = head.getBytes(StandardCharsets.ISO_8859_1);
            this.repeated = repeated == null ? null : repeated.getBytes(StandardCharsets.ISO_8859_1);
            this.detail = detail;
        }

        boolean answer(OutputStream socket) throws IOException {
            OutputStream out = new BufferedOutputStream(socket, 64 << 10);
            out.write(head);
            while (repeated != null) {
                out.write(repeated); // until the client hangs up: an IOException
            }
            out.flush();
            return true; // then silence, until the client hangs up
        }
    }

    @ParameterizedTest
    @EnumSource(Hostile.class)
    @Timeout(60)
    void aHostileHeadFailsNamingTheBoundWhileAHealthyHostStaysFast(Hostile hostile) throws Exception {
        try (Origin healthy = Origin.start(); RawHost host = RawHost.answering((nth, out) -> hostile.answer(out))) {
            List<String> healthyUrls = IntStream.range(0, 40)
                    .mapToObj(i -> healthy.uri("/ok/" + i + "?latency=20").toString()).toList();
            List<String> hostileUrls = IntStream.range(0, 10).mapToObj(i -> host.url("/bad/" + i)).toList();
            List<String> mixed = new ArrayList<>();
            for (int i = 0; i < healthyUrls.size(); i++) {
                mixed.add(healthyUrls.get(i));
                if (i % 4 == 0) {
                    mixed.add(hostileUrls.get(i / 4));
                }
            }
            SluiceConfig config = Harness.config().concurrency(16).perHost(8).retries(0).timeout(Duration.ofSeconds(5)).build();
            Harness alone = new Harness(Files.createDirectories(dir.resolve("alone")));
            alone.run(config, healthyUrls);
            long normal = longest(alone.results(), healthyUrls);

            Harness h = new Harness(dir);
            RunSummary summary = h.run(config, mixed);

            Map<String, Map<String, Object>> rows = h.results();
            assertThat(summary.ok()).isEqualTo(healthyUrls.size());
            for (String url : hostileUrls) {
                assertThat(rows.get(url)).as(url).containsEntry("status", "failed").containsEntry("error", "io")
                        .containsEntry("detail", hostile.detail).containsEntry("attempts", 1);
            }
            // Before, the healthy URLs waited out the hostile ones' 5 s timeouts.
            assertThat(longest(rows, healthyUrls)).as("the healthy URLs' longest, against %d ms alone", normal)
                    .isLessThanOrEqualTo(3 * normal + 1_000);
            assertThat(longest(rows, hostileUrls)).as("the hostile URLs' longest").isLessThan(2_000);
            // What a hostile connection took before the client hung up: 64 KiB and the kernel's buffers, a few MB.
            // A client reading on took about 100 MB a second, and held it.
            assertThat(host.written() / host.connections()).as("bytes written per hostile connection")
                    .isLessThan(16L << 20);
        }
    }

    /** Heads up to each bound, and the interim responses real servers send, are read as before. */
    enum WithinBounds {
        HUNDRED_FIELDS(OK_HEAD + "a: b\r\n".repeat(99) + BODY),
        SIXTY_KIB_OF_FIELDS(OK_HEAD + "X-Big: " + "b".repeat(60 << 10) + "\r\n" + BODY),
        CONTINUE("HTTP/1.1 100 Continue\r\n\r\n" + OK_HEAD + BODY),
        PROCESSING("HTTP/1.1 102 Processing\r\n\r\n" + OK_HEAD + BODY),
        FIVE_EARLY_HINTS("HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n".repeat(5) + OK_HEAD + BODY);

        final byte[] answer;

        WithinBounds(String answer) {
            this.answer = answer.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    @ParameterizedTest
    @EnumSource(WithinBounds.class)
    void aHeadWithinTheBoundsIsRead(WithinBounds head) throws Exception {
        try (RawHost host = RawHost.answering((nth, out) -> {
            out.write(head.answer);
            out.flush();
            return true;
        })) {
            List<String> urls = IntStream.range(0, 4).mapToObj(i -> host.url("/fine/" + i)).toList();

            RunSummary summary = new Harness(dir).run(Harness.config().retries(0).build(), urls);

            assertThat(summary.failedByError()).isEmpty();
            assertThat(summary.ok()).isEqualTo(urls.size());
        }
    }

    private static long longest(Map<String, Map<String, Object>> rows, List<String> urls) {
        return urls.stream().mapToLong(u -> ((Number) rows.get(u).get("elapsed_ms")).longValue()).max().orElseThrow();
    }
}
