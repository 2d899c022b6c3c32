package dev.sluice.discover;

/**
 * Where a request came from: kept with it in the frontier ({@code queue.parent}, {@code depth}, {@code rule},
 * {@code page}), so a crawl's shape is a query away.
 *
 * @param parent the URL of the request whose response discovered this one; null for an input request
 * @param depth  0 for an input request, the parent's + 1 for a discovered one
 * @param rule   {@code input}, {@code paginate}, {@code follow} or {@code link}
 * @param page   the request's place in its pagination chain: 1 for any request not found by a paginate rule,
 *               the parent's + 1 for one that was
 */
public record Lineage(String parent, int depth, String rule, int page) {
    /** A request of the input. */
    public static final Lineage INPUT = new Lineage(null, 0, "input", 1);
}
