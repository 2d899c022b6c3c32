package dev.sluice.discover;

/**
 * A request found in a response: for now always a GET of {@code url}, an absolute http(s) URL in the normal
 * form of {@link Discovery} (fragment dropped, scheme and host lower-cased, default port dropped, an empty path
 * made {@code /}). Immutable.
 */
public record Discovered(String url, Lineage lineage) {
}
