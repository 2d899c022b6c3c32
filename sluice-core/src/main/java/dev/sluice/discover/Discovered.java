package dev.sluice.discover;

/** A request found in a response (for now always a GET of an absolute http(s) URL), with its lineage. */
public record Discovered(String url, Lineage lineage) {
}
