package dev.sluice.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class OriginMainTest {
    /** What bench/lib.sh waits for, one line per origin. */
    private static final Pattern READY = Pattern.compile("^origin listening on http://127\\.0\\.0\\.1:([0-9]+)$");

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @AfterAll
    static void closeClient() {
        CLIENT.close();
    }

    @Test
    void readsOnePortOrARange() {
        assertThat(Origin.ports()).containsExactly(0);
        assertThat(Origin.ports("--port", "0")).containsExactly(0);
        assertThat(Origin.ports("--port", "8080")).containsExactly(8080);
        assertThat(Origin.ports("--ports", "9001-9003")).containsExactly(9001, 9002, 9003);
        assertThat(Origin.ports("--ports", "65535-65535")).containsExactly(65535);
        assertThat(Origin.ports("--ports", "9001-10000")).hasSize(1000);
    }

    @Test
    void rejectsOtherArguments() {
        String[][] bad = {
            {"--port"}, {"--port", "x"}, {"--port", "65536"}, {"--port", "-1"}, {"--ports", "9001"},
            {"--ports", "9003-9001"}, {"--ports", "0-3"}, {"--ports", "9001-10001"}, {"--ports", "1-99999"},
            {"--port", "1", "--ports", "1-2"}, {"--host", "1"},
        };
        for (String[] args : bad) {
            assertThatThrownBy(() -> Origin.ports(args)).as(String.join(" ", args))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void listensOnEachPortPrintingALineForEach() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Origin> origins = Origin.listen(List.of(0, 0), new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            List<Integer> printed = printedPorts(out);

            assertThat(printed).containsExactly(origins.get(0).port(), origins.get(1).port()).doesNotHaveDuplicates();
            for (int port : printed) {
                assertThat(CLIENT.send(HttpRequest.newBuilder(uri(port)).build(), BodyHandlers.ofString()).statusCode())
                        .isEqualTo(200);
            }
        } finally {
            origins.forEach(Origin::close);
        }
    }

    @Test
    void closesTheOriginsStartedWhenAPortIsTaken() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream printer = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (Origin taken = Origin.start()) {
            assertThatThrownBy(() -> Origin.listen(List.of(0, taken.port()), printer))
                    .isInstanceOf(UncheckedIOException.class);
        }
        List<Integer> printed = printedPorts(out);

        assertThat(printed).hasSize(1);
        HttpRequest toClosed = HttpRequest.newBuilder(uri(printed.get(0))).build();
        assertThatThrownBy(() -> CLIENT.send(toClosed, BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
    }

    private static List<Integer> printedPorts(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8).lines()
                .map(line -> {
                    Matcher ready = READY.matcher(line);
                    assertThat(ready.matches()).as(line).isTrue();
                    return Integer.parseInt(ready.group(1));
                })
                .toList();
    }

    private static URI uri(int port) {
        return URI.create("http://127.0.0.1:" + port + "/x");
    }
}
