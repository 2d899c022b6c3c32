package dev.sluice.testkit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP server for tests that records every request it receives (raw path and headers) and answers
 * as the test's {@link Responder} says. Requests run on virtual threads, one each. Thread-safe.
 */
public final class RecordingServer implements AutoCloseable {

    /** One request as received: its raw path, and its headers (looked up in any case). */
    public record Request(String path, Headers headers) {
        /** The first value of header {@code name}, or null when the request did not carry it. */
        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** How the server answers a request (after it is recorded); must send a response on {@code exchange}. */
    @FunctionalInterface
    public interface Responder {
        void respond(Request request, HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final Queue<Request> requests = new ConcurrentLinkedQueue<>();

    private RecordingServer(Responder responder) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                Request request = new Request(exchange.getRequestURI().getRawPath(), new Headers(exchange.getRequestHeaders()));
                requests.add(request);
                responder.respond(request, exchange);
            }
        });
        server.start();
    }

    public static RecordingServer start(Responder responder) throws IOException {
        return new RecordingServer(responder);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The requests received so far, in the order they arrived. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
