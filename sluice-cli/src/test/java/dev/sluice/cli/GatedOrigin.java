package dev.sluice.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback origin that holds a run in the middle, so a test knows it is there without a sleep: a request
 * for {@code /gated/…} waits until {@link #open()}, one for anything else is answered at once. Every answer
 * is {@code {"items":[1,2,3]}}. Counts requests by path, and those waiting at the gate.
 */
final class GatedOrigin implements AutoCloseable {
    private static final byte[] BODY = "{\"items\":[1,2,3]}".getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger waiting = new AtomicInteger();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    private GatedOrigin(HttpServer server) {
        this.server = server;
        server.createContext("/", this::answer);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor()); // a request held at the gate holds no one else
        server.start();
    }

    static GatedOrigin start() throws IOException {
        return new GatedOrigin(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Requests waiting at the gate now. */
    int waiting() {
        return waiting.get();
    }

    int requests(String path) {
        AtomicInteger n = requests.get(path);
        return n == null ? 0 : n.get();
    }

    /** Lets every request at the gate, and every later one, through. */
    void open() {
        gate.countDown();
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        if (path.startsWith("/gated/")) {
            waiting.incrementAndGet();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // the origin is closing
            } finally {
                waiting.decrementAndGet();
            }
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, BODY.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(BODY);
        }
    }

    @Override
    public void close() {
        open();
        server.stop(0);
    }
}
