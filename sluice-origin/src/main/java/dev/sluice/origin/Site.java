package dev.sluice.origin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A generated web site of {@code n} linked HTML pages, the same for the same {@code n} and {@code seed}:
 * what the origin serves under {@code /site/}, and what a test compares a crawl with. Immutable and
 * thread-safe.
 *
 * <p><b>Paths.</b> The root, page 0, is {@code /site/N/SEED/}; page i (1 &le; i &lt; n) is
 * {@code /site/N/SEED/page/i}. A site {@linkplain #withLatency(Duration) with latency} lives under
 * {@code /site/N/SEED/MSms/} instead, every page answered after MS ms (a {@code latency} query parameter
 * would not survive relative links, a path segment does). Any other path under {@code /site/} is 404.
 *
 * <p><b>Links.</b> Every page has 10 to 30 {@code <a href>} (besides an {@code <a id="top">} without href
 * and a {@code <link rel="stylesheet" href="/static/site.css">} in its head): a link to itself by fragment
 * ({@code #top}); to the root and, except the root, back to its parent; to its children in a spanning tree
 * of branching 4; then to pages nearby (within 40) and anywhere, some of them with a fragment, to itself
 * again, and out of the site. Links into the site are written in every usual form: {@code 12},
 * {@code ./12}, {@code ../page/12}, {@code page/12} and {@code ./page/12} from the root, {@code ../} and
 * {@code ./../} to the root, absolute paths, {@code http://HOST:PORT/…} and {@code //HOST:PORT/…} with the
 * authority the client addressed (its {@code Host} header), any of them with a fragment
 * ({@code #sec-3}). Links out of the site: {@code http://offsite.example.invalid/…} ({@link #OFFSITE_HOST},
 * never resolves), {@code http://127.0.0.1:9/…} (another port of the loopback, {@link #OTHER_PORT}, served
 * by nothing), {@code mailto:} and {@code javascript:}. No link leaves the site's base path on the same
 * host, so every in-scope URL is a page of the site and the crawl's rows are exactly {@link #reachable()}
 * (for a scope where another port is another host).
 *
 * <p><b>Unreachable pages.</b> About one page in 25 (never the root) is linked from nowhere: served, but a
 * crawl from the root never finds it ({@link #unreachable()}).
 *
 * <p><b>Bodies.</b> 1 to 3 paragraphs of text, one page in 10 about 4 to 8 KB of them.
 */
public final class Site {
    /** The host of links out of the site; {@code .invalid} never resolves. */
    public static final String OFFSITE_HOST = "offsite.example.invalid";
    /** The port of links to another port of 127.0.0.1: the discard port, served by nothing here. */
    public static final int OTHER_PORT = 9;
    /** Most pages a site may have. */
    public static final int MAX_PAGES = 1_000_000;

    private static final int BRANCHING = 4;
    private static final int UNLINKED_ONE_IN = 25;
    private static final int NEARBY = 40;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** How a link is written. */
    enum Form {
        FRAGMENT_ONLY, RELATIVE, DOT, PARENT, ABSOLUTE_PATH, ABSOLUTE, SCHEME_RELATIVE,
        OFFSITE, OTHER_PORT, MAILTO, JAVASCRIPT;

        boolean inSite() {
            return ordinal() <= SCHEME_RELATIVE.ordinal();
        }
    }

    /** One {@code <a href>} of a page: its form, its target page (for a link out: any page), its fragment or null. */
    record Link(Form form, int target, String fragment) {}

    private final int n;
    private final long seed;
    private final long latencyMs;
    private final String base;
    /** The linked pages (all but those linked from nowhere) in page order: the spanning tree's nodes. */
    private final int[] linked;
    /** Each page's index in {@link #linked}, or -1 for a page linked from nowhere. */
    private final int[] slot;

    private Site(int n, long seed, long latencyMs) {
        if (n < 1 || n > MAX_PAGES) {
            throw new IllegalArgumentException("a site has 1.." + MAX_PAGES + " pages: " + n);
        }
        if (seed < 0 || latencyMs < 0) {
            throw new IllegalArgumentException("seed and latency must not be negative: " + seed + ", " + latencyMs);
        }
        this.n = n;
        this.seed = seed;
        this.latencyMs = latencyMs;
        this.base = "/site/" + n + "/" + seed + "/" + (latencyMs > 0 ? latencyMs + "ms/" : "");
        slot = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            slot[i] = i > 0 && random(i, 1).nextInt(UNLINKED_ONE_IN) == 0 ? -1 : count++;
        }
        linked = new int[count];
        for (int i = 0; i < n; i++) {
            if (slot[i] >= 0) {
                linked[slot[i]] = i;
            }
        }
    }

    /** The site of n pages (1..{@link #MAX_PAGES}) made from this seed (non-negative), without latency. */
    public static Site of(int n, long seed) {
        return new Site(n, seed, 0);
    }

    /** The same pages and links under {@code /site/N/SEED/MSms/}, each page answered after this delay. */
    public Site withLatency(Duration latency) {
        return new Site(n, seed, latency.toMillis());
    }

    /** Shorthand for {@code Site.of(n, seed).reachable()}. */
    public static Map<String, Integer> reachable(int n, long seed) {
        return of(n, seed).reachable();
    }

    public int size() {
        return n;
    }

    public long seed() {
        return seed;
    }

    long latencyMs() {
        return latencyMs;
    }

    /** {@code /site/N/SEED/} (or {@code /site/N/SEED/MSms/}): the root page's path, every page's prefix. */
    public String root() {
        return base;
    }

    /** The path of page i: the root for 0, else {@code root() + "page/" + i}. */
    public String path(int i) {
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("page " + i + " of a site of " + n);
        }
        return i == 0 ? base : base + "page/" + i;
    }

    /**
     * The path of every page a crawl from the root reaches by the site's links (the root included), with its
     * depth: the fewest links from the root (0 for the root). In breadth-first order.
     */
    public Map<String, Integer> reachable() {
        int[] depth = new int[n];
        Arrays.fill(depth, -1);
        int[] queue = new int[n];
        int head = 0;
        int tail = 0;
        depth[0] = 0;
        queue[tail++] = 0;
        Map<String, Integer> paths = new LinkedHashMap<>();
        while (head < tail) {
            int page = queue[head++];
            paths.put(path(page), depth[page]);
            for (Link link : links(page)) {
                if (link.form().inSite() && depth[link.target()] < 0) {
                    depth[link.target()] = depth[page] + 1;
                    queue[tail++] = link.target();
                }
            }
        }
        return Collections.unmodifiableMap(paths);
    }

    /** The paths of the pages no crawl from the root finds: served, but linked from nowhere. */
    public Set<String> unreachable() {
        Set<String> paths = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            if (slot[i] < 0) {
                paths.add(path(i));
            }
        }
        return Collections.unmodifiableSet(paths);
    }

    /** The links of page i in the order of its body. */
    List<Link> links(int page) {
        SplittableRandom r = random(page, 2);
        int count = 10 + r.nextInt(21);
        List<Link> links = new ArrayList<>(count);
        links.add(new Link(Form.FRAGMENT_ONLY, page, "top"));
        if (page != 0) {
            links.add(inSite(r, 0, null));
        }
        int k = slot[page];
        if (k > 0) {
            links.add(inSite(r, linked[(k - 1) / BRANCHING], null));
        }
        if (k >= 0) {
            for (int c = BRANCHING * k + 1; c <= BRANCHING * k + BRANCHING && c < linked.length; c++) {
                links.add(inSite(r, linked[c], null));
            }
        }
        while (links.size() < count) {
            int pick = r.nextInt(100);
            if (pick < 35) {
                links.add(inSite(r, linkable(page + r.nextInt(-NEARBY, NEARBY + 1)), null));
            } else if (pick < 50) {
                links.add(inSite(r, linkable(r.nextInt(n)), null));
            } else if (pick < 60) {
                links.add(inSite(r, page, r.nextBoolean() ? null : "sec-" + r.nextInt(1, 4)));
            } else if (pick < 75) {
                Form[] out = {Form.OFFSITE, Form.OTHER_PORT, Form.MAILTO, Form.JAVASCRIPT};
                links.add(new Link(out[r.nextInt(out.length)], r.nextInt(n), null));
            } else {
                links.add(inSite(r, linkable(page + r.nextInt(-NEARBY, NEARBY + 1)), "sec-" + r.nextInt(1, 4)));
            }
        }
        Collections.shuffle(links.subList(1, links.size()), new java.util.Random(r.nextLong()));
        return links;
    }

    /** The href of a link on page {@code from}, absolute ones with this authority (host:port). */
    String href(int from, Link link, String authority) {
        int to = link.target();
        String page = to == 0 ? "" : "page/" + to;
        String href = switch (link.form()) {
            case FRAGMENT_ONLY -> "";
            case RELATIVE -> from == 0 ? (to == 0 ? "./" : page) : (to == 0 ? "../" : Integer.toString(to));
            case DOT -> from == 0 ? "./" + page : (to == 0 ? "./../" : "./" + to);
            case PARENT -> from == 0 ? "./" + page : "../" + page;
            case ABSOLUTE_PATH -> base + page;
            case ABSOLUTE -> "http://" + authority + base + page;
            case SCHEME_RELATIVE -> "//" + authority + base + page;
            case OFFSITE -> "http://" + OFFSITE_HOST + base + "page/" + to;
            case OTHER_PORT -> "http://127.0.0.1:" + OTHER_PORT + base + "page/" + to;
            case MAILTO -> "mailto:webmaster@" + OFFSITE_HOST + "?subject=page%20" + from;
            case JAVASCRIPT -> "javascript:void(0)";
        };
        return link.fragment() == null ? href : href + "#" + link.fragment();
    }

    /**
     * The paths of the site's pages that page i links to (itself included when it does), fragments dropped:
     * what a link extractor must find on it within the site, in the order of first appearance.
     */
    public Set<String> linkedPaths(int page) {
        Set<String> paths = new LinkedHashSet<>();
        for (Link link : links(page)) {
            if (link.form().inSite()) {
                paths.add(path(link.target()));
            }
        }
        return Collections.unmodifiableSet(paths);
    }

    /**
     * The HTML of page i as the origin serves it to a client that addressed it as {@code authority}
     * (host:port, its {@code Host} header), which absolute and scheme-relative links use.
     */
    public String html(int page, String authority) {
        path(page); // checks the page number
        return SiteHtml.render(this, page, authority, random(page, 3));
    }

    private Link inSite(SplittableRandom r, int target, String fragment) {
        Form[] forms = {Form.RELATIVE, Form.RELATIVE, Form.DOT, Form.PARENT, Form.ABSOLUTE_PATH, Form.ABSOLUTE,
            Form.SCHEME_RELATIVE};
        return new Link(forms[r.nextInt(forms.length)], target, fragment);
    }

    /** Page i if it is linked from somewhere, else the nearest linked page below it (the root at worst). */
    private int linkable(int i) {
        int page = Math.clamp(i, 0, n - 1);
        while (slot[page] < 0) {
            page--;
        }
        return page;
    }

    /** The random numbers of one page, for one purpose: the same for the same site, page and purpose. */
    private SplittableRandom random(int page, int purpose) {
        return new SplittableRandom(seed * GOLDEN ^ (page + 1L) * 0xBF58476D1CE4E5B9L ^ purpose * 0x94D049BB133111EBL ^ n);
    }
}
