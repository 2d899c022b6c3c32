package dev.sluice.internal.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A JDK HttpServer on 127.0.0.1 and a free port, for tests of the fetcher: each test adds the handlers it
 * needs. Counts the client connections (by remote port) it saw. Handlers run on virtual threads.
 */
final class Loopback implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

    Loopback() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(handlers);
        server.start();
    }

    /** Serves {@code path} (and below) with {@code handler}. */
    Loopback handle(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            try (HttpExchange e = exchange) {
                handler.handle(e);
            }
        });
        return this;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    /** How many connections requests came on. */
    int connections() {
        return clientPorts.size();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
