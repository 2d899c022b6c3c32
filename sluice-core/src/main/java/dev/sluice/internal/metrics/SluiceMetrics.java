package dev.sluice.internal.metrics;

import dev.sluice.RequestResult;
import dev.sluice.Discovered;
import dev.sluice.RunObserver;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A run's metrics in Prometheus's own Java client, named as Prometheus asks (a {@code sluice_} prefix, base units,
 * {@code _total} for counters), for {@code /metrics} ({@code --metrics-port}). Fed as an {@link RunObserver}: the
 * same notes as the run's record, so its counters agree with the rows a run stores. Per host the series are bounded:
 * the busiest {@code namedHosts} hosts by name ({@link HostLabels}), every other one as {@code host="other"}, so that
 * a crawl of a million hosts exposes at most {@code namedHosts + 1} series per metric. The names are listed in
 * docs/operations.md.
 *
 * <p>Thread-safe: the client's metrics are; the gauges' values are volatile, written by the writer thread.
 */
public final class SluiceMetrics implements RunObserver {
    /** Hosts with series of their own unless told otherwise. */
    public static final int DEFAULT_NAMED_HOSTS = 50;
    /** Bounds of the URL latency histogram (seconds), as the run's record's ({@code run_latency}). */
    private static final double[] LATENCY_SECONDS = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final HostLabels hosts;
    private final Counter requests;
    private final Counter retries;
    private final Counter results;
    private final Counter discovered;
    private final Histogram urlLatency;
    private final Histogram batchRows;
    private final Histogram commitSeconds;
    private final Counter hostRequests;
    private final Counter hostFailures;
    private final Counter hostPushbacks;
    private final Counter hostHeldBack;
    private final Counter hostBreakerOpenings;
    /** Hosts whose breaker is open now (at most those that are down: removed when they answer again). */
    private final Map<String, Boolean> openBreakers = new ConcurrentHashMap<>();
    /** Named hosts' adaptive limits (at most the named hosts: others are not kept). */
    private final Map<String, Integer> hostLimits = new ConcurrentHashMap<>();
    private volatile Load load = new Load(0, -1, 0, 0, 0);

    public SluiceMetrics() {
        this(DEFAULT_NAMED_HOSTS);
    }

    /** With at most {@code namedHosts} hosts by name. */
    public SluiceMetrics(int namedHosts) {
        hosts = new HostLabels(namedHosts);
        requests = Counter.builder().name("sluice_requests_total").help("HTTP requests sent: attempts, robots.txt and liveness checks")
                .register(registry);
        retries = Counter.builder().name("sluice_retries_total").help("Attempts that were retries, by why the one before failed "
                + "(an error code, or http_<status>)").labelNames("reason").register(registry);
        results = Counter.builder().name("sluice_results_total").help("Results stored (committed), by status and error code "
                + "(error=\"\" when ok)").labelNames("status", "error").register(registry);
        discovered = Counter.builder().name("sluice_discovered_requests_total").help("Requests discovered by stored responses and "
                + "new to the frontier, by rule").labelNames("rule").register(registry);
        urlLatency = Histogram.builder().name("sluice_url_latency_seconds").help("Per stored URL that made a request: from its "
                + "first attempt to its outcome").classicOnly().classicUpperBounds(LATENCY_SECONDS).register(registry);
        batchRows = Histogram.builder().name("sluice_writer_batch_rows").help("Results per committed writer transaction")
                .classicOnly().classicUpperBounds(1, 10, 50, 100, 250, 500, 1000, 2000).register(registry);
        commitSeconds = Histogram.builder().name("sluice_writer_commit_seconds").help("How long a writer transaction took")
                .classicOnly().classicUpperBounds(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5).register(registry);
        hostRequests = Counter.builder().name("sluice_host_requests_total").help("Requests sent, per host (the busiest by name, "
                + "the rest as other)").labelNames("host").register(registry);
        hostFailures = Counter.builder().name("sluice_host_failures_total").help("URLs whose fetch failed for good, per host")
                .labelNames("host").register(registry);
        hostPushbacks = Counter.builder().name("sluice_host_pushbacks_total").help("429 and 503 answers, per host")
                .labelNames("host", "status").register(registry);
        hostHeldBack = Counter.builder().name("sluice_host_held_back_seconds_total").help("Time a host was held back as a whole "
                + "for its 429/503 answers (back-off, Retry-After)").labelNames("host").register(registry);
        hostBreakerOpenings = Counter.builder().name("sluice_host_breaker_openings_total").help("Times a host's breaker opened "
                + "(it was found down)").labelNames("host").register(registry);
        GaugeWithCallback.builder().name("sluice_host_breaker_open").help("Hosts whose breaker is open now (1 for a named host)")
                .labelNames("host").callback(cb -> {
                    Map<String, Integer> open = new java.util.TreeMap<>();
                    openBreakers.keySet().forEach(h -> open.merge(hosts.shown(h), 1, Integer::sum));
                    open.forEach((h, n) -> cb.call(n, h));
                }).register(registry);
        GaugeWithCallback.builder().name("sluice_in_flight_requests").help("Requests in flight, at the last commit")
                .callback(cb -> cb.call(load.inFlight())).register(registry);
        GaugeWithCallback.builder().name("sluice_window_urls").help("URLs admitted and not yet stored, at the last commit")
                .callback(cb -> cb.call(load.window())).register(registry);
        GaugeWithCallback.builder().name("sluice_cpu_queue_bodies").help("Bodies waiting for a processing thread, at the last commit")
                .callback(cb -> cb.call(load.cpuQueue())).register(registry);
        GaugeWithCallback.builder().name("sluice_writer_queue_results").help("Results waiting for their transaction, at the last commit")
                .callback(cb -> cb.call(load.writerQueue())).register(registry);
        GaugeWithCallback.builder().name("sluice_concurrency_limit").help("Under --concurrency auto: the concurrency the run may "
                + "use (the sum of its hosts' adaptive limits)").callback(cb -> {
                    if (load.limit() >= 0) {
                        cb.call(load.limit());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("sluice_host_concurrency_limit").help("Under --concurrency auto: a named host's adaptive "
                + "limit, as last changed").labelNames("host").callback(cb -> hostLimits.forEach((h, n) -> cb.call(n, h)))
                .register(registry);
    }

    /** The registry to expose (e.g. by Prometheus's HTTP server). */
    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void sent(String host, boolean retry) {
        requests.inc();
        hostRequests.labelValues(hosts.count(host)).inc();
    }

    @Override
    public void answered(String host, Integer httpStatus) {
        if (httpStatus != null && (httpStatus == 429 || httpStatus == 503)) {
            hostPushbacks.labelValues(hosts.shown(host), httpStatus.toString()).inc();
        }
    }

    @Override
    public void retrying(String host, String reason) {
        retries.labelValues(reason).inc();
    }

    @Override
    public void fetched(String host, boolean ok, long ms) {
        if (!ok) {
            hostFailures.labelValues(hosts.shown(host)).inc();
        }
    }

    @Override
    public void sample(Load load) {
        this.load = load;
    }

    @Override
    public void limitChanged(String host, int limit) {
        if (!HostLabels.OTHER.equals(hosts.shown(host))) {
            hostLimits.put(host, limit);
        }
    }

    @Override
    public void stored(RequestResult r) {
        results.labelValues(r.status().code(), r.error() == null ? "" : r.error().code()).inc();
        if (r.attempts() > 0) {
            urlLatency.observe(r.elapsedMs() / 1000.0);
        }
        for (Discovered d : r.discovered()) {
            discovered.labelValues(d.lineage().rule()).inc();
        }
    }

    @Override
    public void committed(int rows, long nanos) {
        batchRows.observe(rows);
        commitSeconds.observe(nanos / 1e9);
    }

    @Override
    public void heldBack(String host, long millis, boolean newEvent, boolean retryAfter) {
        hostHeldBack.labelValues(hosts.shown(host)).inc(millis / 1000.0);
    }

    @Override
    public void breakerOpened(String host) {
        hostBreakerOpenings.labelValues(hosts.shown(host)).inc();
        openBreakers.put(host, Boolean.TRUE);
    }

    @Override
    public void breakerClosed(String host) {
        openBreakers.remove(host);
    }
}
