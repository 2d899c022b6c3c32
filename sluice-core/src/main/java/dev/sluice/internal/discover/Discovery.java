package dev.sluice.internal.discover;

import dev.sluice.Discovered;
import dev.sluice.DiscoveryOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The discovery rules, compiled: given one response, the new requests it yields. Runs on a CPU-pool thread after
 * the user's {@code --jq} (whose records it sees). Start here; {@code docs/discovery.md} is the user's view.
 *
 * <h2>Order and rules</h2>
 * {@link #discover} yields nothing for a response that is not 2xx, nor when its children would be deeper than
 * {@code --max-depth}. Otherwise it applies, in this order, each {@code --paginate} rule (in the order given),
 * each {@code --follow} expression (in the order given), then {@code --follow-links}; each yields in document
 * order, and a URL found twice in one response keeps its first place and lineage. Every URL is in the normal form
 * of {@link Urls} (fragment dropped, scheme and host lower-cased, default port dropped, empty path {@code /}).
 * <ul>
 *   <li>{@code --paginate} ({@link Paginate}): an {@linkplain Page#empty() empty page} ends every chain, and a
 *       page number past {@code --max-pages} is not issued. A next URL (or cursor) equal to the current one ends
 *       the chain with one warning.
 *   <li>{@code --follow} ({@link Follow}): strings are URLs, objects requests (GET only for now).
 *   <li>{@code --follow-links} ({@link Links}): HTML only; {@code --scope}, {@code --include} and
 *       {@code --exclude} ({@link LinkFilter}) apply to these links only.
 * </ul>
 * The JSON rules share one parse of the body; a body that is not JSON fails them (an empty body yields nothing).
 * A jq error, a value of the wrong type, or a URL from {@code --paginate} or {@code --follow} that Sluice cannot
 * fetch is an {@link Exception} with a message naming the rule: the response's URL then fails with
 * {@code process}. A bad link in HTML is dropped silently.
 *
 * <p>Thread-safe: compiled once, immutable, used by many threads at once; each call keeps its state on its own.
 */
public final class Discovery {
    /** No rule: {@link #discover} always yields nothing. */
    public static final Discovery NONE = new Discovery(List.of(), List.of(), null, -1, -1);

    private final List<Paginate> paginate;
    private final List<Follow> follow;
    private final Links links;
    private final int maxDepth;
    private final int maxPages;

    private Discovery(List<Paginate> paginate, List<Follow> follow, Links links, int maxDepth, int maxPages) {
        this.paginate = paginate;
        this.follow = follow;
        this.links = links;
        this.maxDepth = maxDepth;
        this.maxPages = maxPages;
    }

    /**
     * Compiles the rules. A bad spec (an unknown paginate kind, bad jq, a bad CSS selector, regex or glob, …) is an
     * {@link IllegalArgumentException} whose message names the option and the value.
     */
    public static Discovery compile(DiscoveryOptions options) {
        List<Paginate> paginate = new ArrayList<>();
        for (String spec : options.paginate()) {
            paginate.add(Paginate.compile(spec));
        }
        List<Follow> follow = new ArrayList<>();
        for (String expression : options.follow()) {
            follow.add(Follow.compile(expression));
        }
        LinkFilter filter = new LinkFilter(options.scope(), options.include(), options.exclude());
        Links links = options.followLinks() == null ? null : Links.compile(options.followLinks(), filter);
        if (links == null && !(options.include().isEmpty() && options.exclude().isEmpty())) {
            throw new IllegalArgumentException((options.include().isEmpty() ? "--exclude" : "--include")
                    + " applies to the links of --follow-links only, which is not given");
        }
        if (paginate.isEmpty() && follow.isEmpty() && links == null) {
            return NONE;
        }
        return new Discovery(List.copyOf(paginate), List.copyOf(follow), links, options.maxDepth(), options.maxPages());
    }

    /** Whether there is no rule at all. */
    public boolean isEmpty() {
        return paginate.isEmpty() && follow.isEmpty() && links == null;
    }

    /**
     * The requests this response yields, in the order above, duplicates within it removed. Only 2xx responses
     * yield anything. Throws an {@link Exception} with a clear message when a rule fails on the body (jq fails, the
     * body is not JSON for a JSON rule, a value is of the wrong type). Any thread.
     */
    public List<Discovered> discover(Response r) throws Exception {
        if (isEmpty() || r.status() < 200 || r.status() > 299) {
            return List.of();
        }
        if (maxDepth >= 0 && r.lineage().depth() + 1 > maxDepth) {
            return List.of();
        }
        Page page = new Page(r, maxPages);
        if (!paginate.isEmpty() && page.pageAllowed(r.lineage().page() + 1) && !page.empty()) {
            for (Paginate p : paginate) {
                p.discover(page);
            }
        }
        for (Follow f : follow) {
            f.discover(page);
        }
        if (links != null) {
            links.discover(page);
        }
        return page.found();
    }

    @Override
    public String toString() {
        return "Discovery[paginate=" + paginate.size() + ", follow=" + follow.size() + ", links=" + links
                + ", maxDepth=" + maxDepth + ", maxPages=" + maxPages + "]";
    }
}
