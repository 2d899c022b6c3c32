package dev.sluice.internal.fetch;

import dev.sluice.SluiceConfig;
import org.eclipse.jetty.client.ContentDecoder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
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

    /**
     * Jetty pads its queues to a cache line, and to know the size of a reference it asks the platform
     * MBean server whether oops are compressed: starting that server took 45 ms of every start on 2 cores.
     * Told here instead: 4-byte references (16 to a 64-byte line) below a 32 GB heap, 8-byte ones above.
     */
    private static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    static {
        if (System.getProperty(REFERENCES_PER_CACHE_LINE) == null) {
            boolean compressedOops = Runtime.getRuntime().maxMemory() < (32L << 30);
            System.setProperty(REFERENCES_PER_CACHE_LINE, compressedOops ? "16" : "8");
        }
    }

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

    /** Stands in for the decoders during a client's start, so that it does not look for any (see started). */
    private static final ContentDecoder.Factory NO_DECODER = new ContentDecoder.Factory("identity") {
        @Override
        public Content.Source newDecoderContentSource(Content.Source source) {
            return source;
        }
    };

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
        // Unbounded by default: a head that never ends would grow without limit, and its parsing would hold the
        // selector thread, which every other connection of this client waits on, until the attempt's timeout.
        client.setMaxResponseHeadersSize(ResponseHeadException.MAX_BYTES); // HTTP/2's HPACK limit is copied from it
        // No host can have more in flight than the global cap (or its per-host cap): never queue inside Jetty.
        int perDestination = config.perHostLimit();
        client.setMaxConnectionsPerDestination(perDestination);
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, config.concurrency() * 2));
        // The start would add the decoders it finds (gzip), which would decode on the selector thread, without
        // our limit, before BodyCollector sees the body. BodyDecoder does it instead. The start looks for them
        // (a service loader, 10 ms) only when there are none: a placeholder, removed right after, saves that.
        client.getContentDecoderFactories().put(NO_DECODER);
        start(client);
        client.getContentDecoderFactories().clear();
        InterimResponses.install(client); // the start put Jetty's own
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
