package dev.sluice.internal.discover;

import dev.sluice.Discovered;
import dev.sluice.DiscoveryOptions;
import dev.sluice.Headers;
import dev.sluice.Lineage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Responses and options for the discovery tests. */
final class Fixtures {
    private Fixtures() {
    }

    static DiscoveryOptions.Builder options() {
        return DiscoveryOptions.builder();
    }

    /** A 200 JSON response to {@code url}, no --jq, no Link header, an input request. */
    static Response json(String url, String body) {
        return new Response(null, url, URI.create(url), 200, "application/json", List.of(),
                body.getBytes(StandardCharsets.UTF_8), -1, Lineage.INPUT, null);
    }

    static Response html(String url, String body) {
        return new Response(null, url, URI.create(url), 200, "text/html; charset=utf-8", List.of(),
                body.getBytes(StandardCharsets.UTF_8), -1, Lineage.INPUT, null);
    }

    static Response withType(Response r, String contentType) {
        return new Response(null, r.requestUrl(), r.finalUri(), r.status(), contentType, r.linkHeaders(), r.body(),
                r.items(), r.lineage(), r.headers());
    }

    static Response withLineage(Response r, Lineage lineage) {
        return new Response(null, r.requestUrl(), r.finalUri(), r.status(), r.contentType(), r.linkHeaders(), r.body(),
                r.items(), lineage, r.headers());
    }

    static Response withRecords(Response r, List<String> records) {
        return new Response(null, r.requestUrl(), r.finalUri(), r.status(), r.contentType(), r.linkHeaders(), r.body(),
                records.size(), r.lineage(), r.headers());
    }

    static Response withLinks(Response r, String... linkHeaders) {
        return new Response(null, r.requestUrl(), r.finalUri(), r.status(), r.contentType(), List.of(linkHeaders), r.body(),
                r.items(), r.lineage(), r.headers());
    }

    /** {@code r} with one response header (names case-insensitive, as on the wire). */
    static Response withHeader(Response r, String name, String value) {
        Headers one = new Headers() {
            @Override
            public String first(String n) {
                return n.equalsIgnoreCase(name) ? value : null;
            }

            @Override
            public List<String> all(String n) {
                return n.equalsIgnoreCase(name) ? List.of(value) : List.of();
            }
        };
        return new Response(null, r.requestUrl(), r.finalUri(), r.status(), r.contentType(), r.linkHeaders(), r.body(),
                r.items(), r.lineage(), one);
    }

    static Response withStatus(Response r, int status) {
        return new Response(null, r.requestUrl(), r.finalUri(), status, r.contentType(), r.linkHeaders(), r.body(),
                r.items(), r.lineage(), r.headers());
    }

    static Response redirected(Response r, String finalUri) {
        return new Response(null, r.requestUrl(), URI.create(finalUri), r.status(), r.contentType(), r.linkHeaders(), r.body(),
                r.items(), r.lineage(), r.headers());
    }

    static List<String> urls(List<Discovered> found) {
        return found.stream().map(Discovered::url).toList();
    }
}
