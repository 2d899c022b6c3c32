package dev.sluice.cli;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;

/**
 * Where {@code --metrics-port} serves {@code /metrics}: Prometheus's own HTTP server (the JDK's, on a few threads of
 * its own), for as long as the command runs.
 */
record MetricsEndpoint(String bind, int port) {
    /** Starts serving {@code registry}; {@link CannotServe}, naming the address, when it cannot listen there. */
    HTTPServer start(PrometheusRegistry registry) throws CannotServe {
        try {
            return HTTPServer.builder().hostname(bind).port(port).registry(registry).buildAndStart();
        } catch (IOException e) {
            throw new CannotServe("cannot serve metrics on " + bind + ":" + port + " (--metrics-port, --metrics-bind): "
                    + e.getMessage(), e);
        }
    }

    /** The address cannot be listened on (in use, not this machine's): the command does not start. */
    static final class CannotServe extends IOException {
        CannotServe(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
