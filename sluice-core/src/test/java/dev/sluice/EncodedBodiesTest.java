package dev.sluice;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: a gzip-encoded body is stored decoded (the body, its size, its sha256), with its
 * Content-Type as sent, and a body that decodes past the limit is a {@code too_large} row.
 */
class EncodedBodiesTest {
    private static final byte[] JSON = ("{\"items\":[" + "\"abcdefghij\",".repeat(300) + "\"end\"]}").getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private HttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serve("/json", gzip(JSON), "application/json");
        serve("/zeros", gzip(new byte[8 << 20]), "application/octet-stream");
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void serve(String path, byte[] gzipped, String contentType) {
        server.createContext(path, exchange -> {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, gzipped.length);
            exchange.getResponseBody().write(gzipped);
            exchange.close();
        });
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void theDecodedBodyIsWhatIsStored() throws Exception {
        Harness h = new Harness(dir);

        h.run(Harness.config().storeBodies(true).build(), List.of(url("/json")));

        Map<String, Object> row = h.result(url("/json"));
        assertThat(row).containsEntry("status", "ok").containsEntry("content_type", "application/json")
                .containsEntry("bytes", JSON.length)
                .containsEntry("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(JSON)));
        assertThat((byte[]) h.query("SELECT body FROM bodies").get(0).get("body")).isEqualTo(JSON);
    }

    @Test
    void aBodyThatDecodesPastTheLimitIsTooLarge() throws Exception {
        Harness h = new Harness(dir);

        h.run(Harness.config().maxBodyBytes(1 << 20).build(), List.of(url("/zeros")));

        assertThat(h.result(url("/zeros"))).containsEntry("error", "too_large").containsEntry("attempts", 1)
                .containsEntry("detail", "body exceeds the maximum body size of 1048576 bytes once decoded (gzip)");
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
