package dev.sluice.fetch;

import dev.sluice.SluiceConfig;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;

import java.net.URI;

/**
 * The two Jetty clients a fetcher sends through, and the threads they share. An http URL goes to a
 * client with Jetty's HTTP/1.1 transport; an https one to a client whose dynamic transport offers h2 and
 * http/1.1 by ALPN, so that the server picks. One dynamic client could carry both, but it works out
 * each request's list of protocols anew (lists and streams per request), which plain http never needs:
 * this way plain http runs exactly the transport it always had. (Measured against nginx on 2 cores, the
 * single dynamic client was 1-2 % slower in two series out of three, within the noise of a shared machine.)
 *
 * <p>Threading: one pool of platform daemon threads ({@code sluice-http}) runs both clients' selectors
 * and I/O, and one scheduler thread both clients' timers. They are started here before the clients and
 * stopped after them, so that neither client owns them. Thread-safe.
 */
final class JettyClients implements AutoCloseable {
    private final QueuedThreadPool executor;
    private final Scheduler scheduler;
    private final HttpClient plain;
    private final HttpClient secure;

    JettyClients(SluiceConfig config, SslContextFactory.Client tls) {
        // The response listener (BodyCollector) never blocks, so Jetty may run it on the selector thread
        // itself instead of handing every response to another thread. Measured on 2 cores against nginx:
        // 36k req/s, against 28k when each response is handed over. (An all-virtual pool gets as far, but
        // puts the JDK's poller thread in native code, and the JVM then waits 300 ms for it at every exit.)
        executor = new QueuedThreadPool(Math.max(8, 2 * Runtime.getRuntime().availableProcessors() + 2), 1);
        executor.setName("sluice-http");
        executor.setDaemon(true);
        scheduler = new ScheduledExecutorScheduler("sluice-http-scheduler", true);
        start(executor);
        start(scheduler);
        // A connector without a TLS context would make Jetty's default one, loading the trust store at
        // start: a LazyTls that no plain-http connection ever sets up.
        plain = started(new HttpClientTransportOverHTTP(connector(new LazyTls())), config);
        ClientConnector secureConnector = connector(tls);
        // HTTP/1.1 first: what ALPN falls back to when the server names nothing.
        secure = started(new HttpClientTransportDynamic(secureConnector, HttpClientConnectionFactory.HTTP11,
                new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(secureConnector))), config);
    }

    /** The client for {@code uri}'s scheme. */
    HttpClient forUri(URI uri) {
        return "https".equalsIgnoreCase(uri.getScheme()) ? secure : plain;
    }

    private static ClientConnector connector(SslContextFactory.Client tls) {
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        return connector;
    }

    private HttpClient started(HttpClientTransport transport, SluiceConfig config) {
        long timeoutMillis = config.timeout().toMillis();
        HttpClient client = new HttpClient(transport);
        transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        client.setExecutor(executor);
        client.setScheduler(scheduler);
        client.setFollowRedirects(false);
        client.setUserAgentField(null); // ours comes with the request headers
        client.setConnectTimeout(Math.min(timeoutMillis, Integer.MAX_VALUE));
        client.setIdleTimeout(Math.max(timeoutMillis, 30_000));
        // No host can have more in flight than the global cap (or its per-host cap): never queue inside Jetty.
        int perDestination = config.perHostLimit();
        client.setMaxConnectionsPerDestination(perDestination);
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, config.concurrency() * 2));
        start(client);
        // The start adds the decoders it finds (gzip), which would decode on the selector thread, without
        // our limit, before BodyCollector sees the body. BodyDecoder does it instead.
        client.getContentDecoderFactories().clear();
        return client;
    }

    private static void start(LifeCycle component) {
        try {
            component.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client: " + e.getMessage(), e);
        }
    }

    /** Stops both clients, then their threads. */
    @Override
    public void close() {
        try {
            secure.stop();
            plain.stop();
            scheduler.stop();
            executor.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the HTTP client", e);
        }
    }
}
