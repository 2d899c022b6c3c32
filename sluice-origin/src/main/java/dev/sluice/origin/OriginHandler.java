package dev.sluice.origin;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Answers every request as its query and the origin's {@link Switches} ask: counts it, waits, then sends
 * the planned reply. Thread-safe: holds no state of its own beyond the thread-safe {@link Counters} and
 * {@link Switches}; runs on one virtual thread per exchange.
 *
 * <p>To drop a connection without a complete answer it throws out of {@link #handle}: the JDK server
 * then closes the connection and forgets it.
 */
final class OriginHandler implements HttpHandler {
    private static final int TRUNCATED_LENGTH = 1000;
    private static final int TRUNCATED_SENT = 10;
    private static final String ROBOTS_PATH = "/robots.txt";
    /** Most bytes of a request body kept; the rest is read and dropped. */
    static final int MAX_REQUEST_BODY = 1 << 20;

    private final Counters counters;
    private final Switches switches;
    private final String defaultAuthority;

    OriginHandler(Counters counters, Switches switches, int port) {
        this.counters = counters;
        this.switches = switches;
        this.defaultAuthority = "127.0.0.1:" + port;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (exchange.getRequestURI().getRawPath().equals(ROBOTS_PATH)) {
            robots(exchange);
        } else {
            answer(exchange);
        }
    }

    /**
     * Answers {@code /robots.txt} as switched, at once, whatever the query and the overload: a crawler's
     * robots.txt requests are counted apart, so that they disturb neither the counts nor the in-flight
     * figures of the URLs a test fetches.
     */
    private void robots(HttpExchange exchange) throws IOException {
        counters.robotsRequested();
        try {
            send(exchange, switches.robots());
        } finally {
            exchange.close();
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        String path = uri.getRawPath();
        String pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        Headers headers = exchange.getRequestHeaders();
        String host = Objects.requireNonNullElse(headers.getFirst("Host"), "");
        Conditions conditions = Conditions.of(joined(headers, "If-None-Match"), joined(headers, "If-Modified-Since"));
        // Read on arrival: a request that arrived before the switch was flipped is answered as before.
        int overload = switches.overload();
        byte[] body = requestBody(exchange);
        Counters.Arrival arrival = counters.arrive(pathAndQuery, conditions, exchange.getRequestMethod(),
                headers.getFirst("Content-Type"), body);
        // In flight means arrived and not yet answered: the count is left just before the answer goes out,
        // because a client that has its answer may send its next request before this thread runs on. So the
        // count never exceeds what clients really have outstanding, which is what cap tests compare.
        int inFlightAtHost = counters.enter(host);
        boolean inFlight = true;
        try {
            Plan plan = null;
            Reply reply;
            try {
                plan = Plan.of(path, Query.parse(uri.getRawQuery()));
                reply = null;
            } catch (IllegalArgumentException e) {
                reply = Reply.badRequest(e.getMessage());
            }
            if (plan != null) {
                Thread.sleep(plan.delayMs(inFlightAtHost));
                if (overload != 0) {
                    reply = Reply.error(overload);
                } else {
                    if (plan.hangs(arrival.numberForUrl())) {
                        Thread.sleep(plan.hangMs());
                        throw new IOException("hang over: dropping the connection unanswered");
                    }
                    reply = plan.reply(path, host.isEmpty() ? defaultAuthority : host, arrival, conditions);
                }
            }
            counters.exit(host);
            inFlight = false;
            if (reply.status() == 304) {
                // Counted before the answer goes out, so that a client holding it sees the count.
                counters.answeredNotModified();
            }
            send(exchange, reply);
        } catch (InterruptedException e) {
            // Only close() interrupts: drop the exchange so that the origin can stop.
            Thread.currentThread().interrupt();
            throw new IOException("origin closing", e);
        } finally {
            exchange.close();
            if (inFlight) {
                counters.exit(host);
            }
        }
    }

    /**
     * The request's body, at most {@link #MAX_REQUEST_BODY} bytes of it (a test's POST bodies are small);
     * empty when it has none.
     */
    private static byte[] requestBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_REQUEST_BODY);
            in.transferTo(OutputStream.nullOutputStream());
            return body;
        }
    }

    /** All values of a request header, in order, joined as one list; null when it was not sent. */
    private static String joined(Headers headers, String name) {
        List<String> values = headers.get(name);
        return values == null ? null : String.join(", ", values);
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        reply.headers().forEach(exchange.getResponseHeaders()::set);
        byte[] body = reply.body();
        if (exchange.getRequestMethod().equals("HEAD")) {
            // The JDK sends no Content-Length for HEAD; declare what GET would carry.
            if (reply.framing() == Reply.Framing.FIXED) {
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            }
            exchange.sendResponseHeaders(reply.status(), -1);
            return;
        }
        switch (reply.framing()) {
            // To the JDK a length of 0 means chunked and -1 means no body.
            case FIXED -> exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            case CHUNKED -> exchange.sendResponseHeaders(reply.status(), 0);
            case TRUNCATED -> {
                exchange.sendResponseHeaders(reply.status(), TRUNCATED_LENGTH);
                OutputStream out = exchange.getResponseBody();
                out.write(Arrays.copyOf(body, Math.min(body.length, TRUNCATED_SENT)));
                out.flush();
                throw new IOException("truncated on purpose: dropping the connection");
            }
        }
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
