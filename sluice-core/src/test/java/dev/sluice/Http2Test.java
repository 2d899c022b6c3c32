package dev.sluice;

import dev.sluice.spi.Store;
import dev.sluice.internal.input.LineSource;
import dev.sluice.internal.store.sqlite.SqliteStore;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 against a real Jetty server on loopback: over TLS when the server offers it by ALPN, many
 * concurrent requests share very few connections, kept from one run to the next; plain http stays
 * HTTP/1.1 even with a server that speaks h2c.
 */
class Http2Test {
    @TempDir
    Path dir;

    private final Server server = new Server();
    /** Requests by the protocol they came over, as the server saw it. */
    private final Map<String, AtomicInteger> byProtocol = new ConcurrentHashMap<>();
    /** The client ports requests came from: one per connection. */
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
    }

    /** Starts the server with these connection factories, first one first, and returns its port. */
    private int start(ConnectionFactory... factories) throws Exception {
        ServerConnector connector = new ServerConnector(server, factories);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                byProtocol.computeIfAbsent(request.getConnectionMetaData().getProtocol(), p -> new AtomicInteger()).incrementAndGet();
                clientPorts.add(((InetSocketAddress) request.getConnectionMetaData().getRemoteSocketAddress()).getPort());
                response.getHeaders().put("Content-Type", "application/json");
                if (request.getHttpURI().getPath().startsWith("/big/")) {
                    response.getHeaders().put("X-Big", "b".repeat(100_000));
                }
                Content.Sink.write(response, true, "{\"ok\":true}", callback);
                return true;
            }
        });
        server.start();
        return connector.getLocalPort();
    }

    @Test
    void httpsSpeaksHttp2WhenOfferedAndMultiplexesOneConnection() throws Exception {
        SelfSigned certificate = SelfSigned.create(dir);
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(certificate.serverContext());
        HttpConfiguration config = new HttpConfiguration();
        HttpConnectionFactory http11 = new HttpConnectionFactory(config);
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(config);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http11.getProtocol());
        int port = start(new SslConnectionFactory(tls, alpn.getProtocol()), alpn, http2, http11);
        Sluice.Builder builder = Sluice.builder().config(Harness.config().concurrency(32).build())
                .sslContext(certificate.trustingContext());

        try (Sluice sluice = builder.build(); Store store = SqliteStore.open(dir.resolve("h2.db"))) {
            RunSummary first = sluice.run(store, LineSource.ofLines(urls("https://localhost:" + port, 0, 300)));
            int opened = clientPorts.size();
            RunSummary second = sluice.run(store, LineSource.ofLines(urls("https://localhost:" + port, 300, 600)));

            assertThat(first.ok() + second.ok()).isEqualTo(600);
            assertThat(byProtocol).containsOnlyKeys("HTTP/2.0");
            assertThat(byProtocol.get("HTTP/2.0")).hasValue(600);
            // The first requests of a burst may open a few: until the first TLS handshake ends, Jetty cannot
            // know that the server speaks HTTP/2. After that, 32 requests at a time ride what is open.
            assertThat(opened).isBetween(1, 8);
            assertThat(clientPorts).as("connections after the second run").hasSize(opened);
        }
    }

    /**
     * The bound on a response head holds over HTTP/2 too (Jetty's HPACK decoder, with the limit it was given; the
     * client also announces it in its SETTINGS). Jetty takes a head past it for a connection error: the detail is
     * the connection's, and requests in flight on the same connection fail with it too (so one at a time here).
     */
    @Test
    void aResponseHeadPastTheBoundFailsOverHttp2Too() throws Exception {
        SelfSigned certificate = SelfSigned.create(dir);
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(certificate.serverContext());
        HttpConfiguration config = new HttpConfiguration();
        config.setResponseHeaderSize(1 << 20); // past the client's bound: the server's own would refuse to send it
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(config);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http2.getProtocol());
        int port = start(new SslConnectionFactory(tls, alpn.getProtocol()), alpn, http2);
        List<String> urls = new java.util.ArrayList<>(urls("https://localhost:" + port, 0, 6));
        String big = "https://localhost:" + port + "/big/1";
        urls.add(3, big);
        Harness h = new Harness(dir);

        RunSummary summary = h.run(Sluice.builder().config(Harness.config().concurrency(1).retries(0).build())
                .sslContext(certificate.trustingContext()), urls);

        assertThat(byProtocol).containsOnlyKeys("HTTP/2.0");
        assertThat(h.result(big)).containsEntry("status", "failed").containsEntry("error", "io");
        assertThat(summary.ok()).isEqualTo(6);
    }

    @Test
    void plainHttpIsHttp11EvenWhenTheServerSpeaksH2c() throws Exception {
        HttpConfiguration config = new HttpConfiguration();
        int port = start(new HttpConnectionFactory(config), new HTTP2CServerConnectionFactory(config));

        RunSummary summary = new Harness(dir).run(Harness.config().concurrency(4).build(), urls("http://127.0.0.1:" + port, 0, 20));

        assertThat(summary.ok()).isEqualTo(20);
        assertThat(byProtocol).containsOnlyKeys("HTTP/1.1");
    }

    private static List<String> urls(String origin, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> origin + "/doc/" + i).toList();
    }
}
