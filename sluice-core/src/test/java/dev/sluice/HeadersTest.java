package dev.sluice;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What goes on the wire: the identifying User-Agent and the codings Sluice decodes by default, the
 * user's headers when given; and what of them is never shown.
 */
class HeadersTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultUserAgentIdentifiesSluice() throws Exception {
        List<String> head = requestHead(SluiceConfig.builder().build());

        assertThat(head).contains("User-Agent: " + SluiceConfig.DEFAULT_USER_AGENT);
    }

    @Test
    void gzipDeflateAndBrAreAskedForUnlessTheUserSaysOtherwise() throws Exception {
        List<String> byDefault = requestHead(SluiceConfig.builder().build());
        List<String> identity = requestHead(SluiceConfig.builder()
                .headers(List.of(SluiceConfig.Header.parse("accept-encoding: identity"))).build());

        assertThat(acceptEncoding(byDefault)).containsExactly("gzip, deflate, br");
        assertThat(acceptEncoding(identity)).containsExactly("identity");
    }

    @Test
    void userHeadersAreSentAndAUserAgentReplacesTheDefault() throws Exception {
        SluiceConfig config = SluiceConfig.builder()
                .headers(List.of(SluiceConfig.Header.parse("Authorization: Bearer abc"),
                        SluiceConfig.Header.parse("User-Agent: my-crawler/2.0 (ops@example.com)")))
                .build();

        List<String> head = requestHead(config);

        assertThat(head).contains("Authorization: Bearer abc", "User-Agent: my-crawler/2.0 (ops@example.com)");
        assertThat(head).filteredOn(l -> l.startsWith("User-Agent:")).hasSize(1);
    }

    @Test
    void aUserAuthorizationHeaderReplacesTheBasicAuthOfTheUrl() throws Exception {
        SluiceConfig config = SluiceConfig.builder().headers(List.of(SluiceConfig.Header.parse("Authorization: Bearer abc"))).build();

        List<String> head = requestHead(config, "ann:pw@");

        assertThat(head).filteredOn(l -> l.toLowerCase(Locale.ROOT).startsWith("authorization:"))
                .containsExactly("Authorization: Bearer abc");
    }

    @Test
    void theValueOfACredentialHeaderIsNeverShown() {
        List<SluiceConfig.Header> headers = List.of(SluiceConfig.Header.parse("Authorization: Bearer s3cret1"),
                SluiceConfig.Header.parse("proxy-authorization: Basic s3cret2"), SluiceConfig.Header.parse("COOKIE: id=s3cret3"),
                SluiceConfig.Header.parse("X-Api-Key: s3cret4"), SluiceConfig.Header.parse("X-Trace: shown"));

        assertThat(SluiceConfig.builder().headers(headers).build().toString())
                .contains("Authorization: ***", "COOKIE: ***", "X-Trace: shown").doesNotContain("s3cret");
        for (String malformed : List.of("Authorization Bearer s3cret5", "x-api-key=s3cret6")) {
            assertThatThrownBy(() -> SluiceConfig.Header.parse(malformed))
                    .hasMessageContaining("is not of the form 'Name: value'").message().doesNotContain("s3cret");
        }
    }

    private static List<String> acceptEncoding(List<String> head) {
        return head.stream().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("accept-encoding:"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).toList();
    }

    /** Runs one URL against a bare socket server and returns the request head it received. */
    private List<String> requestHead(SluiceConfig config) throws Exception {
        return requestHead(config, "");
    }

    private List<String> requestHead(SluiceConfig config, String userInfo) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> head = CompletableFuture.supplyAsync(() -> serveOnce(server));
            new Harness(dir).run(config, List.of("http://" + userInfo + "127.0.0.1:" + server.getLocalPort() + "/h"));
            return head.get();
        }
    }

    private static List<String> serveOnce(ServerSocket server) {
        try (Socket s = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            List<String> lines = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                lines.add(line);
            }
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return lines;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
