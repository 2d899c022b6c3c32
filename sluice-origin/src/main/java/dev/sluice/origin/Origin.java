package dev.sluice.origin;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * A loopback HTTP origin that misbehaves on purpose, as each request's query parameters ask, counting
 * what it receives. Every distinct path and query is a distinct URL. The parameters (values URL-decoded; a
 * bad value is answered 400 with a message naming the parameter):
 * <ul>
 *   <li>{@code latency=MS} or {@code latency=LO-HI}: wait before answering. {@code knee=N&kneeStep=MS} add
 *       {@code max(0, inFlight - N) * kneeStep} ms, where inFlight counts the requests in flight for the same
 *       {@code Host} header when this one arrives, itself included: latency that grows with load.
 *   <li>{@code hang}, {@code hangMs} (default 120000): drop the connection unanswered after that long;
 *       {@code hang=K}: only the URL's first K requests.
 *   <li>{@code location=URL}, {@code redirect=N}, {@code redirect=loop}: answer 302.
 *   <li>{@code fail=K}: fail the first K requests for the URL; {@code throttle=P}: fail each request with
 *       probability P (a decimal 0..1). Both answer {@code failStatus} (default 503), with
 *       {@code Retry-After} if {@code retryAfter} is given.
 *   <li>{@code status=CODE}: answer that status, with a JSON error body from 400 on.
 *   <li>{@code size=BYTES}, {@code body=malformed}, {@code type=MEDIATYPE}: the body; {@code chunked},
 *       {@code truncate}: its framing.
 *   <li>{@code etag=V}, {@code lastModified=EPOCHSECONDS}: 2xx answers carry {@code ETag: "V"} and
 *       {@code Last-Modified}; a request with a matching {@code If-None-Match} (quoted tags, a list, weak
 *       tags or {@code *}) or, without one, an {@code If-Modified-Since} not earlier, is answered 304
 *       Not Modified with those headers and no body.
 * </ul>
 * Redirects come first, then failures, then {@code status}, then the normal answer.
 *
 * <p>The normal answer is a small JSON object, except on two families of paths, where all of the above
 * still applies (so {@code fail=1} or {@code latency=50} work there too):
 * <ul>
 *   <li>{@code /api/KIND}, a paginated API over one data set of {@code pages × per} items (defaults 50 and
 *       10), KIND being {@code header-link}, {@code json-link}, {@code cursor}, {@code offset} or
 *       {@code page}; each item is {@code {"chain":C,"page":P,"pos":K,"n":N}}. Parameters: {@code pages},
 *       {@code per}, {@code chain=ID} (default {@code 0}: independent chains are distinct URLs),
 *       {@code page=P} (header-link, json-link, page; {@code first=0} makes the page kind count from 0),
 *       {@code cursor=TOKEN}, {@code offset=O&limit=L} (default L: {@code per}),
 *       {@code link=path|relative|absolute} (how header-link and json-link write their links),
 *       {@code repeatAt=R&repeatTo=Q} (page R links back to page Q, default R itself: a repeated link or
 *       cursor), {@code endless} (past the last page, empty pages that still link on, 1,000 of them). Next
 *       links keep the request's other parameters. A bad parameter or an unknown cursor is answered 400.
 *       See {@link Api}.
 *   <li>{@code /site/N/SEED/…}, the HTML pages of a generated {@link Site} of N pages ({@code /site/N/SEED/}
 *       the root, {@code /site/N/SEED/page/I} the others; {@code /site/N/SEED/MSms/…} with a latency of MS
 *       ms on every page), each with 10 to 30 links; any other path under {@code /site/} is answered 404.
 *       {@link Site#reachable()} gives the pages a crawl from the root must find, with their depths.
 * </ul>
 * {@link #requestCounts()} tells how many times each URL was requested, {@link #received(String)} what
 * each request carried (method, body). Any method is answered as GET is.
 *
 * <p>For the whole origin at once: {@link #overload(int)} answers every request with one status, and
 * {@link #robots(String)} or {@link #robotsStatus(int)} set the answer to {@code /robots.txt} (404 until
 * then), whose requests are counted apart. {@link #main(String[])} runs one origin per port of a range, for
 * benchmarks that need many hosts.
 *
 * <p>Thread-safe: any thread may read the counters, reset them or close the origin while requests are
 * being handled, each on its own virtual thread.
 */
public final class Origin implements AutoCloseable {
    /** Pending connections the kernel queues, generous for benchmarks that open many at once. */
    private static final int BACKLOG = 1024;
    /** How long close() waits for interrupted handlers to finish. */
    private static final long HANDLER_EXIT_MS = 500;
    private static final int MAX_PORT = 65_535;
    /** Most origins {@code --ports} starts, so that a typo cannot start tens of thousands. */
    private static final int MAX_PORTS = 1000;
    private static final Pattern PORT_RANGE = Pattern.compile("(\\d{1,5})-(\\d{1,5})");

    private final HttpServer server;
    private final ExecutorService handlers;
    private final Counters counters = new Counters();
    private final Switches switches = new Switches();
    private final AtomicBoolean closed = new AtomicBoolean();

    private Origin(int port) throws IOException {
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        server = HttpServer.create(new InetSocketAddress(loopback, port), BACKLOG);
        handlers = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(handlers);
        server.createContext("/", new OriginHandler(counters, switches, port()));
        server.start();
    }

    /** Starts an origin on 127.0.0.1 and a free port. */
    public static Origin start() {
        return start(0);
    }

    /** Starts an origin on 127.0.0.1 and this port, 0 for a free one. */
    public static Origin start(int port) {
        try {
            return new Origin(port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start origin on port " + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:PORT} followed by {@code pathAndQuery}, which must start with "/". */
    public URI uri(String pathAndQuery) {
        return uri("127.0.0.1", pathAndQuery);
    }

    /**
     * The same URL under another name for this server, e.g. "localhost": two names make two hosts for
     * clients that limit requests per host.
     */
    public URI uri(String host, String pathAndQuery) {
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + pathAndQuery);
        }
        return URI.create("http://" + host + ":" + port() + pathAndQuery);
    }

    /** Requests being handled now, all hosts together. */
    public int inFlight() {
        return counters.inFlight();
    }

    /** Most requests in flight at once since start or the last {@link #resetCounters()}. */
    public int maxInFlight() {
        return counters.maxInFlight();
    }

    /** Like {@link #maxInFlight()}, for requests whose {@code Host} header (host:port as sent) is this. */
    public int maxInFlight(String hostHeader) {
        return counters.maxInFlight(hostHeader);
    }

    /** Requests received, counted on arrival. */
    public long requests() {
        return counters.requests();
    }

    /** Requests received for this exact path and query, as sent (still URL-encoded). */
    public long requests(String pathAndQuery) {
        return counters.requests(pathAndQuery);
    }

    /**
     * Requests received for each path and query (as sent, still URL-encoded) that received any, since start
     * or the last {@link #resetCounters()}: a snapshot, e.g. to check that a crawl fetched no page twice
     * ({@code requestCounts().values().stream().allMatch(c -> c == 1)}) or which pages it fetched
     * ({@code keySet()}). robots.txt requests are not in it.
     */
    public Map<String, Integer> requestCounts() {
        return Collections.unmodifiableMap(counters.requestsByUrl());
    }

    /**
     * The requests received for this exact path and query (as sent, still URL-encoded), in order of arrival:
     * method, {@code Content-Type} and body (the first MiB of it), e.g. to check that a POST's JSON body
     * arrived intact. Empty when none came.
     */
    public List<Received> received(String pathAndQuery) {
        return counters.received(pathAndQuery);
    }

    /** Arrival times of requests for this exact path and query, in order of arrival. */
    public List<Instant> arrivals(String pathAndQuery) {
        return counters.arrivals(pathAndQuery);
    }

    /**
     * Arrival times of all requests, whatever their URL and {@code Host} header, in order of arrival: what
     * reached this port, e.g. to check a pause or a rate measured at the server. Each is the same
     * {@link Instant} as in {@link #arrivals(String)} for its URL.
     */
    public List<Instant> arrivals() {
        return counters.arrivals();
    }

    /**
     * 304 answers sent since start or the last {@link #resetCounters()}: to conditional requests
     * ({@code etag}, {@code lastModified}) and to {@code status=304}.
     */
    public long notModified() {
        return counters.notModified();
    }

    /**
     * A conditional header of the last request for this exact path and query: {@code If-None-Match} or
     * {@code If-Modified-Since} (any case), as sent, repeated lines joined with ", ". Empty when that request
     * did not send it, or no request came.
     *
     * @throws IllegalArgumentException for any other header name: only these two are recorded
     */
    public Optional<String> lastRequestHeader(String pathAndQuery, String name) {
        return counters.lastConditions(pathAndQuery).header(name);
    }

    /**
     * Forgets requests (robots.txt ones too), arrivals, recorded request headers and 304 answers, and
     * restarts the high-water marks from the requests in flight. Since {@code fail=K} counts requests per
     * URL, each URL fails its first K requests afresh. Settings ({@link #overload(int)}, robots.txt) stay.
     * Call it while the origin is quiet: it is not atomic with respect to arriving requests.
     */
    public void resetCounters() {
        counters.reset();
    }

    /**
     * Overloads the whole origin: every request arriving from now on, except for {@code /robots.txt}, is
     * answered {@code status} (400..599) with a JSON error body, after its {@code latency} (and knee) but
     * with no other misbehaviour its query asks for; {@code 0} ends it. Requests are counted as usual; a
     * query with bad parameters is still answered 400. Not reset by {@link #resetCounters()}.
     *
     * @throws IllegalArgumentException if status is neither 0 nor 400..599
     */
    public void overload(int status) {
        switches.overload(status);
    }

    /**
     * Serves this text at {@code /robots.txt}: 200, {@code text/plain; charset=utf-8}. Until this or
     * {@link #robotsStatus(int)} is called, {@code /robots.txt} answers 404. The last call wins.
     */
    public void robots(String text) {
        switches.robots(text);
    }

    /**
     * Answers {@code /robots.txt} with this status (200..599, e.g. 404 or 500) and no body instead.
     *
     * @throws IllegalArgumentException if status is outside 200..599
     */
    public void robotsStatus(int status) {
        switches.robotsStatus(status);
    }

    /**
     * Requests for {@code /robots.txt} (any query) received since start or the last {@link #resetCounters()}.
     * They are answered at once, even when overloaded, and counted only here: not in {@link #requests()},
     * {@link #arrivals()} or the in-flight figures.
     */
    public long robotsRequests() {
        return counters.robotsRequests();
    }

    /**
     * Stops the origin within about half a second: closes every connection and interrupts handlers
     * still waiting ({@code latency}, {@code hang}). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        handlers.shutdownNow();
        try {
            // Waiting lets the counters settle: normally nothing is in flight once close() returns.
            handlers.awaitTermination(HANDLER_EXIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs origins until the process is killed: {@code --port N} one (default 0, a free port),
     * {@code --ports A-B} one per port from A to B, each a distinct host to clients that limit requests per
     * host and port, all in this JVM. Prints {@code origin listening on http://127.0.0.1:PORT} for each, in
     * port order, as soon as it listens. Exits 2 on bad arguments, 1 when a port cannot be listened on.
     */
    public static void main(String[] args) throws InterruptedException {
        List<Integer> ports;
        try {
            ports = ports(args);
        } catch (IllegalArgumentException e) {
            System.err.println("origin: " + e.getMessage());
            System.err.println("usage: Origin [--port N | --ports A-B]");
            System.exit(2);
            return;
        }
        try {
            listen(ports, System.out);
        } catch (UncheckedIOException e) {
            System.err.println("origin: " + e.getMessage() + ": " + e.getCause());
            System.exit(1);
        }
        Thread.currentThread().join();
    }

    /**
     * The ports {@link #main}'s arguments ask for.
     *
     * @throws IllegalArgumentException naming what is wrong with them
     */
    static List<Integer> ports(String... args) {
        if (args.length == 0) {
            return List.of(0);
        }
        if (args.length == 2 && args[0].equals("--port")) {
            return List.of(port(args[1]));
        }
        if (args.length == 2 && args[0].equals("--ports")) {
            Matcher range = PORT_RANGE.matcher(args[1]);
            if (range.matches()) {
                int first = port(range.group(1));
                int last = port(range.group(2));
                if (first > 0 && first <= last && last - first < MAX_PORTS) {
                    return IntStream.rangeClosed(first, last).boxed().toList();
                }
            }
            throw new IllegalArgumentException(
                    "--ports must be A-B with 0 < A <= B < A + " + MAX_PORTS + ": " + args[1]);
        }
        throw new IllegalArgumentException("unexpected arguments: " + String.join(" ", args));
    }

    private static int port(String value) {
        int port = value.matches("\\d{1,5}") ? Integer.parseInt(value) : -1;
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("a port must be 0.." + MAX_PORT + ": " + value);
        }
        return port;
    }

    /**
     * Starts an origin on each port in order, printing its line to {@code out} as soon as it listens.
     *
     * @throws UncheckedIOException if one cannot start, after closing those started
     */
    static List<Origin> listen(List<Integer> ports, PrintStream out) {
        List<Origin> started = new ArrayList<>();
        try {
            for (int port : ports) {
                Origin origin = start(port);
                started.add(origin);
                out.println("origin listening on http://127.0.0.1:" + origin.port());
                out.flush();
            }
        } catch (UncheckedIOException e) {
            started.forEach(Origin::close);
            throw e;
        }
        return started;
    }
}
