package dev.sluice.origin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class SiteTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Pattern HREF = Pattern.compile("<a\\s[^>]*href=\"([^\"]*)\"");
    private static final String AUTHORITY = "127.0.0.1:4321";

    @AfterAll
    static void closeClient() {
        CLIENT.close();
    }

    private static List<String> hrefs(String html) {
        List<String> hrefs = new ArrayList<>();
        Matcher m = HREF.matcher(html);
        while (m.find()) {
            hrefs.add(m.group(1).replace("&amp;", "&"));
        }
        return hrefs;
    }

    /**
     * A crawl as a crawler does it, from the HTML alone: resolve every href against the page's URL, drop the
     * fragment, keep http URLs of the same host and port. Returns each found path with its BFS depth.
     */
    private static Map<String, Integer> crawl(String root, String authority, Function<String, String> fetch) {
        Map<String, Integer> depth = new LinkedHashMap<>();
        Queue<String> queue = new ArrayDeque<>();
        depth.put(root, 0);
        queue.add(root);
        while (!queue.isEmpty()) {
            String path = queue.remove();
            URI base = URI.create("http://" + authority + path);
            for (String href : hrefs(fetch.apply(path))) {
                URI target = base.resolve(href);
                if ("http".equals(target.getScheme()) && authority.equals(target.getRawAuthority())
                        && depth.putIfAbsent(target.getRawPath(), depth.get(path) + 1) == null) {
                    queue.add(target.getRawPath());
                }
            }
        }
        return depth;
    }

    @Test
    void crawlOfTheHtmlFindsExactlyTheReachablePagesAtTheirDepths() {
        Site site = Site.of(5000, 7);
        Map<String, Integer> crawled = crawl(site.root(), AUTHORITY, path -> site.html(page(site, path), AUTHORITY));

        assertThat(crawled).isEqualTo(site.reachable());
        assertThat(site.reachable().size() + site.unreachable().size()).isEqualTo(5000);
        assertThat(site.unreachable()).hasSizeBetween(100, 300).doesNotContainAnyElementsOf(site.reachable().keySet());
        assertThat(Set.copyOf(site.reachable().values())).as("depths").contains(0, 1, 2, 3);
        assertThat(site.reachable()).containsEntry("/site/5000/7/", 0);
    }

    private static int page(Site site, String path) {
        return path.equals(site.root()) ? 0 : Integer.parseInt(path.substring(site.root().length() + "page/".length()));
    }

    @Test
    void everyPageHas10To30LinksOfEveryKind() {
        Site site = Site.of(2000, 3);
        Map<String, Integer> kinds = new HashMap<>();
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < site.size(); i++) {
            String html = site.html(i, AUTHORITY);
            sizes.add(html.getBytes(StandardCharsets.UTF_8).length);
            List<String> hrefs = hrefs(html);
            assertThat(hrefs).as("page %d", i).hasSizeBetween(10, 30).contains("#top");
            for (String href : hrefs) {
                kinds.merge(kind(href), 1, Integer::sum);
            }
        }
        assertThat(kinds.keySet()).containsExactlyInAnyOrder("fragment only", "relative", "dot", "parent",
                "absolute path", "absolute", "scheme-relative", "with fragment", "offsite", "other port", "mailto",
                "javascript");
        assertThat(sizes.stream().filter(s -> s > 4000).count()).as("pages over 4 KB").isBetween(100L, 300L);
        assertThat(sizes.stream().mapToInt(Integer::intValue).max().orElseThrow()).isLessThan(16_000);
    }

    private static String kind(String href) {
        if (href.startsWith("#")) {
            return "fragment only";
        }
        if (href.contains("#")) {
            return "with fragment";
        }
        if (href.startsWith("mailto:")) {
            return "mailto";
        }
        if (href.startsWith("javascript:")) {
            return "javascript";
        }
        if (href.startsWith("http://" + Site.OFFSITE_HOST)) {
            return "offsite";
        }
        if (href.startsWith("http://127.0.0.1:" + Site.OTHER_PORT + "/")) {
            return "other port";
        }
        if (href.startsWith("http://" + AUTHORITY + "/")) {
            return "absolute";
        }
        if (href.startsWith("//")) {
            return "scheme-relative";
        }
        if (href.startsWith("/")) {
            return "absolute path";
        }
        if (href.startsWith("../")) {
            return "parent";
        }
        if (href.startsWith("./")) {
            return "dot";
        }
        return "relative";
    }

    @Test
    void linkedPathsAreWhatTheHtmlLinksToWithinTheSite() {
        Site site = Site.of(800, 4);
        for (int i : new int[] {0, 1, 17, 799}) {
            URI base = URI.create("http://" + AUTHORITY + site.path(i));
            Set<String> found = new java.util.LinkedHashSet<>();
            hrefs(site.html(i, AUTHORITY)).stream().map(base::resolve)
                    .filter(u -> AUTHORITY.equals(u.getRawAuthority())).forEach(u -> found.add(u.getRawPath()));
            assertThat(site.linkedPaths(i)).as("page %d", i).containsExactlyElementsOf(found);
        }
    }

    @Test
    void sameSiteSameLinksOtherSeedOtherLinks() {
        assertThat(Site.of(300, 1).html(17, AUTHORITY)).isEqualTo(Site.of(300, 1).html(17, AUTHORITY));
        assertThat(Site.of(300, 1).html(17, AUTHORITY)).isNotEqualTo(Site.of(300, 2).html(17, AUTHORITY));
        assertThat(Site.reachable(300, 1)).isEqualTo(Site.of(300, 1).reachable());
    }

    @Test
    void tinySitesWork() {
        assertThat(Site.reachable(1, 0)).containsExactly(Map.entry("/site/1/0/", 0));
        assertThat(Site.of(2, 0).reachable()).containsOnlyKeys("/site/2/0/", "/site/2/0/page/1");
    }

    @Test
    void latencySiteHasItsOwnBasePath() {
        Site site = Site.of(500, 9).withLatency(Duration.ofMillis(25));

        assertThat(site.root()).isEqualTo("/site/500/9/25ms/");
        assertThat(site.reachable().keySet()).allMatch(p -> p.startsWith("/site/500/9/25ms/"));
        assertThat(site.reachable().values()).containsExactlyElementsOf(Site.of(500, 9).reachable().values());
    }

    @Test
    void originServesTheSiteAndACrawlOverHttpFetchesEachReachablePageOnce() throws Exception {
        try (Origin origin = Origin.start()) {
            Site site = Site.of(400, 5).withLatency(Duration.ofMillis(2));
            String authority = "127.0.0.1:" + origin.port();

            Map<String, Integer> crawled = crawl(site.root(), authority, path -> fetch(origin, path).body());

            assertThat(crawled).isEqualTo(site.reachable());
            Map<String, Integer> counts = origin.requestCounts();
            assertThat(counts.keySet()).isEqualTo(site.reachable().keySet());
            assertThat(counts.values()).allMatch(c -> c == 1);
            HttpResponse<String> root = fetch(origin, site.root());
            assertThat(root.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(root.body()).contains("href=\"http://" + authority + "/site/400/5/2ms/")
                    .isEqualTo(site.html(0, authority));
        }
    }

    @Test
    void otherPathsUnderSiteAre404() throws Exception {
        try (Origin origin = Origin.start()) {
            for (String path : List.of("/site/400/5", "/site/400/5/page/0", "/site/400/5/page/400",
                    "/site/400/5/page/007", "/site/400/05/", "/site/0/5/", "/site/400/5/0ms/", "/site/400/5/x",
                    "/site/2000000/5/", "/site/")) {
                assertThat(fetch(origin, path).statusCode()).as(path).isEqualTo(404);
            }
            assertThat(fetch(origin, "/site/400/5/page/399").statusCode()).isEqualTo(200);
            assertThat(fetch(origin, "/site/400/5/page/1?status=500").statusCode()).isEqualTo(500);
        }
    }

    @Test
    void unreachablePagesAreLinkedFromNoOtherPage() {
        Site site = Site.of(1000, 11);
        Set<String> linked = new HashSet<>();
        for (int i = 0; i < site.size(); i++) {
            int page = i;
            URI base = URI.create("http://" + AUTHORITY + site.path(i));
            hrefs(site.html(i, AUTHORITY)).stream().map(base::resolve)
                    .filter(u -> AUTHORITY.equals(u.getRawAuthority())).map(URI::getRawPath)
                    .filter(p -> !p.equals(site.path(page))).forEach(linked::add); // a page may link to itself
        }
        assertThat(site.unreachable()).isNotEmpty().doesNotContainAnyElementsOf(linked);
        assertThat(linked).containsAll(site.reachable().keySet());
        Collection<String> all = IntStream.range(0, site.size()).mapToObj(site::path).toList();
        assertThat(all).containsAll(linked);
    }

    private static HttpResponse<String> fetch(Origin origin, String path) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(origin.uri(path)).build(), BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(path, e);
        }
    }
}
