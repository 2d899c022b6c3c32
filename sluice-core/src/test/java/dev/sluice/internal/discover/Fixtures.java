package dev.sluice.internal.discover;

import dev.sluice.Discovered;
import dev.sluice.DiscoveryOptions;
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
                body.getBytes(StandardCharsets.UTF_8), -1, Lineage.INPUT);
    }

    static Response html(String url, String body) {
        return new Response(null, url, URI.create(url), 200, "text/html; charset=utf-8", List.of(),
                body.getBytes(StandardCharsets.UTF_8), -1, Lineage.INPUT);
    }

    static Response withType(Response r, String contentType) {
        return new Response(null, r.requestUrl(), r.finalUri(), r.status(), contentType, r.linkHeaders(), r.body(),
                r.items(), r.lineage());
    }

    static Response withLineage(Response r, Lineage lineage) {
        return new Response(null, r.requestUrl(), r.finalUri(), r.status(), r.contentType(), r.linkHeaders(), r.body(),
                r.items(), lineage);
    }

    static Response withRecords(Response r, List<String> records) {
        return new Response(null, r.requestUrl(), r.finalUri(), r.status(), r.contentType(), r.linkHeaders(), r.body(),
                records.size(), r.lineage());
    }

    static Response withLinks(Response r, String... linkHeaders) {
        return new Response(null, r.requestUrl(), r.finalUri(), r.status(), r.contentType(), List.of(linkHeaders), r.body(),
                r.items(), r.lineage());
    }

    static Response withStatus(Response r, int status) {
        return new Response(null, r.requestUrl(), r.finalUri(), status, r.contentType(), r.linkHeaders(), r.body(),
                r.items(), r.lineage());
    }

    static Response redirected(Response r, String finalUri) {
        return new Response(null, r.requestUrl(), URI.create(finalUri), r.status(), r.contentType(), r.linkHeaders(), r.body(),
                r.items(), r.lineage());
    }

    static List<String> urls(List<Discovered> found) {
        return found.stream().map(Discovered::url).toList();
    }
}
