package dev.sluice.origin;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request under {@code /site/}: a page of a generated {@link Site}, or 404. Immutable; the sites
 * themselves are kept in a small cache shared by all origins (thread-safe), as making one costs O(n).
 *
 * @param site the site, or null when the path names none
 * @param page the page, or -1 when the path names none of the site's
 */
record SiteRoute(Site site, int page) implements Route {
    static final String PREFIX = "/site/";
    private static final Pattern PATH =
            Pattern.compile("/site/(\\d{1,7})/(\\d{1,18})/(?:(\\d{1,6})ms/)?(?:page/(\\d{1,7}))?");
    private static final int CACHED_SITES = 16;
    private static final Map<String, Site> SITES = new ConcurrentHashMap<>();
    private static final String HTML = "text/html; charset=utf-8";

    static SiteRoute of(String path) {
        Matcher m = PATH.matcher(path);
        // One path per page: no leading zeros, no page/0 (that is the root), no latency segment of 0ms.
        if (!m.matches() || leadingZero(m.group(1)) || leadingZero(m.group(2)) || leadingZero(m.group(3))
                || leadingZero(m.group(4)) || "0".equals(m.group(3)) || "0".equals(m.group(4))) {
            return new SiteRoute(null, -1);
        }
        int n = Integer.parseInt(m.group(1));
        int page = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        if (n < 1 || n > Site.MAX_PAGES || page >= n) {
            return new SiteRoute(null, -1);
        }
        long seed = Long.parseLong(m.group(2));
        long latency = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
        String key = n + "/" + seed + "/" + latency;
        Site site = SITES.get(key);
        if (site == null) {
            if (SITES.size() >= CACHED_SITES) {
                SITES.clear();
            }
            site = SITES.computeIfAbsent(key, k -> Site.of(n, seed).withLatency(Duration.ofMillis(latency)));
        }
        return new SiteRoute(site, page);
    }

    private static boolean leadingZero(String digits) {
        return digits != null && digits.length() > 1 && digits.startsWith("0");
    }

    @Override
    public long latencyMs() {
        return site == null ? 0 : site.latencyMs();
    }

    @Override
    public Content content(String path, String authority, long number) {
        if (site == null) {
            return Content.notFound("no such page: " + path
                    + " (a site's pages are /site/N/SEED/, /site/N/SEED/page/I, with latency /site/N/SEED/MSms/...)");
        }
        return new Content(200, Map.of(), HTML, site.html(page, authority).getBytes(StandardCharsets.UTF_8));
    }
}
