package dev.sluice.internal.fetch;

import org.eclipse.jetty.client.EarlyHintsProtocolHandler;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProcessingProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpFields;

/**
 * Jetty's handlers of 102 Processing and 103 Early Hints, counting them for each request: past
 * {@link ResponseHeadException#MAX_INTERIM} the request is aborted. A handler takes its interim response out of
 * sight of the response listener, and without the count a server could send them for ever, read by the selector
 * thread until the attempt's timeout. (Jetty handles only the first 100 Continue; any other interim response
 * reaches {@link BodyCollector}, which fails it.)
 *
 * <p>Threading: Jetty calls the handlers on its I/O threads, one response of an exchange after the other, so the
 * count, a request attribute, needs no lock.
 */
final class InterimResponses {
    private static final String COUNT = InterimResponses.class.getName() + ".count";

    private InterimResponses() {
    }

    /** Replaces the client's handlers of 102 and 103 (by name) with counting ones. */
    static void install(HttpClient client) {
        client.getProtocolHandlers().put(new ProcessingProtocolHandler() {
            @Override
            protected void onProcessing(Request request, HttpFields fields) {
                count(request);
            }
        });
        client.getProtocolHandlers().put(new EarlyHintsProtocolHandler() {
            @Override
            protected void onEarlyHints(Request request, HttpFields hints) {
                count(request);
            }
        });
    }

    private static void count(Request request) {
        int seen = (Integer) request.getAttributes().getOrDefault(COUNT, 0) + 1; // a read-only view
        request.attribute(COUNT, seen);
        if (seen > ResponseHeadException.MAX_INTERIM) {
            request.abort(ResponseHeadException.interim());
        }
    }
}
