package dev.sluice;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * https URLs go through TLS, set up on first use. Against a server whose certificate no one trusts,
 * the handshake runs and fails as a final {@code connect} error, not retried; a context given to the
 * builder that trusts it makes it work. This server (the JDK's) knows no ALPN, so no HTTP/2 either:
 * HTTP/1.1 it is.
 */
class TlsTest {
    @TempDir
    Path dir;

    private SelfSigned certificate;
    private HttpsServer server;
    private final AtomicInteger served = new AtomicInteger();
    private final Set<String> protocols = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void startServer() throws Exception {
        certificate = SelfSigned.create(dir);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
        server.createContext("/", exchange -> {
            served.incrementAndGet();
            protocols.add(exchange.getProtocol());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String url(String host) {
        return "https://" + host + ":" + server.getAddress().getPort() + "/secure";
    }

    @Test
    void anUntrustedCertificateIsAFinalConnectError() throws Exception {
        String url = url("127.0.0.1");
        Harness h = new Harness(dir);

        h.run(Harness.config().build(), List.of(url));

        assertThat(h.result(url)).containsEntry("status", "failed").containsEntry("error", "connect").containsEntry("attempts", 1);
        assertThat((String) h.result(url).get("detail")).startsWith("TLS failed");
        assertThat(served).hasValue(0);
    }

    @Test
    void aCertificateTrustedByTheGivenContextIsAcceptedOverHttp11() throws Exception {
        List<String> urls = List.of(url("127.0.0.1"), url("localhost"));
        Harness h = new Harness(dir);

        h.run(Sluice.builder().config(Harness.config().build()).sslContext(certificate.trustingContext()), urls);

        assertThat(h.result(urls.get(0))).containsEntry("status", "ok");
        assertThat(h.result(urls.get(1))).containsEntry("status", "ok");
        assertThat(protocols).containsExactly("HTTP/1.1");
    }
}
