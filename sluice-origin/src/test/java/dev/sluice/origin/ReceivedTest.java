package dev.sluice.origin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ReceivedTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterAll
    static void closeClient() {
        CLIENT.close();
    }

    @Test
    void recordsMethodContentTypeAndBodyOfEachRequestPerUrl() throws Exception {
        try (Origin origin = Origin.start()) {
            String json = "{\"q\":\"sluice\",\"ü\":[1,2]}";
            int post = CLIENT.send(HttpRequest.newBuilder(origin.uri("/search?x=1"))
                    .header("Content-Type", "application/json").POST(BodyPublishers.ofString(json)).build(),
                    BodyHandlers.discarding()).statusCode();
            CLIENT.send(HttpRequest.newBuilder(origin.uri("/search?x=1")).build(), BodyHandlers.discarding());
            CLIENT.send(HttpRequest.newBuilder(origin.uri("/search?x=1"))
                    .PUT(BodyPublishers.ofByteArray(new byte[3 << 20])).build(), BodyHandlers.discarding());

            assertThat(post).isEqualTo(200);
            List<Received> received = origin.received("/search?x=1");
            assertThat(received).extracting(Received::method).containsExactly("POST", "GET", "PUT");
            assertThat(received.get(0).bodyText()).isEqualTo(json);
            assertThat(received.get(0).contentType()).isEqualTo("application/json");
            assertThat(received.get(1).body()).isEmpty();
            assertThat(received.get(1).contentType()).isNull();
            assertThat(received.get(2).body()).as("the first MiB").hasSize(OriginHandler.MAX_REQUEST_BODY);
            assertThat(received).extracting(Received::at).isEqualTo(origin.arrivals("/search?x=1"));
            assertThat(origin.requestCounts()).isEqualTo(Map.of("/search?x=1", 3));
            assertThat(origin.received("/other")).isEmpty();
        }
    }
}
