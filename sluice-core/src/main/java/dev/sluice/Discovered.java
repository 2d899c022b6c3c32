package dev.sluice;

import dev.sluice.Request;

/**
 * A request found in a response. Its URL is an absolute http(s) URL in the normal form of {@link Discovery}
 * (fragment dropped, scheme and host lower-cased, default port dropped, an empty path made {@code /}). Immutable.
 */
public record Discovered(Request request, Lineage lineage) {
    public String url() {
        return request.url();
    }
}
