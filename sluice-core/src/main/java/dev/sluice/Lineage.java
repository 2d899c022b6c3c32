package dev.sluice;

import java.util.Objects;

/**
 * Where a request came from. Immutable.
 *
 * @param parent the discovering request's {@linkplain dev.sluice.Request#id() identity} (null for an input request)
 * @param depth  0 for input requests, the parent's + 1 for discovered ones
 * @param rule   {@code "input"}, {@code "paginate"}, {@code "follow"} or {@code "link"}
 * @param page   the request's position in its pagination chain: 1 for any request not found by a paginate rule,
 *               the parent's page + 1 for one found by a paginate rule (the parent's page + i for the i-th page
 *               a known total issued at once)
 */
public record Lineage(String parent, int depth, String rule, int page) {
    public static final String INPUT_RULE = "input";
    public static final String PAGINATE = "paginate";
    public static final String FOLLOW = "follow";
    public static final String LINK = "link";

    /** The lineage of a request from the input. */
    public static final Lineage INPUT = new Lineage(null, 0, INPUT_RULE, 1);

    public Lineage {
        Objects.requireNonNull(rule, "rule");
        if (depth < 0) {
            throw new IllegalArgumentException("depth must be >= 0, not " + depth);
        }
        if (page < 1) {
            throw new IllegalArgumentException("page must be >= 1, not " + page);
        }
    }
}
