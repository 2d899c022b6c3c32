package dev.sluice;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.DiscoveryOptions;
import dev.sluice.origin.Origin;
import dev.sluice.origin.Site;
import dev.sluice.internal.process.JqProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs whose work is discovered from responses: pagination, followed URLs and links, into the frontier. */
class DiscoveryRunTest {
    @TempDir
    Path dir;
    Origin origin;

    @BeforeEach
    void setUp() {
        origin = Origin.start();
    }

    @AfterEach
    void tearDown() {
        origin.close();
    }

    private RunSummary run(SluiceConfig config, DiscoveryOptions rules, String jq, List<String> input, Harness h) throws Exception {
        Sluice.Builder b = Sluice.builder().config(config).discovery(rules);
        if (jq != null) {
            b.processor(JqProcessor.compile(jq));
        }
        return h.run(b, input);
    }

    /** Each item's n, in the order of its page in the chain, then its place on the page. */
    private static List<Long> itemsInChainOrder(Harness h) throws Exception {
        return h.query("SELECT json_extract(r.data, '$.n') AS n FROM records r JOIN queue q ON q.request = r.request "
                + "ORDER BY q.page, r.seq").stream().map(row -> ((Number) row.get("n")).longValue()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/api/header-link?pages=50&per=10         | header-link",
            "/api/header-link?pages=50&per=10&link=relative | header-link",
            "/api/json-link?pages=50&per=10           | json-link:.next",
            "/api/cursor?pages=50&per=10              | cursor:.next_cursor=cursor",
            "/api/offset?pages=50&per=10&limit=10     | offset:offset,limit=10",
            "/api/offset?pages=50&per=10&limit=10     | offset:offset,limit=10,total=.total",
            "/api/page?pages=50&per=10                | page:page",
            "/api/page?pages=50&per=10                | page:page,total=.total_pages"})
    void aPaginatedApiOfFiftyPagesYieldsEveryRecordOnceInOrder(String path, String rule) throws Exception {
        Harness h = new Harness(dir);

        RunSummary summary = run(Harness.config().concurrency(8).perHost(8).build(),
                DiscoveryOptions.builder().paginate(rule).build(), ".items[]", List.of(origin.uri(path).toString()), h);

        assertThat(summary.failed()).isZero();
        assertThat(itemsInChainOrder(h)).containsExactlyElementsOf(range(0, 500));
        // Without a total, the chain ends with the empty page after the last one; with a total it is not asked for.
        long pages = h.query("SELECT count(*) AS n FROM queue").get(0).get("n") instanceof Number n ? n.longValue() : -1;
        assertThat(pages).isBetween(50L, 51L);
        assertThat(summary.discovered()).containsEntry("paginate", pages - 1);
        assertThat(origin.requestCounts().values()).as("no page was asked for twice").allMatch(c -> c == 1);
    }

    @Test
    void offsetWithATotalIssuesItsPagesAtOnceAndTheyAreFetchedConcurrently() throws Exception {
        Harness h = new Harness(dir);

        run(Harness.config().concurrency(8).perHost(8).build(),
                DiscoveryOptions.builder().paginate("offset:offset,limit=10,total=.total").build(), ".items[]",
                List.of(origin.uri("/api/offset?pages=50&per=10&limit=10&latency=50").toString()), h);

        assertThat(itemsInChainOrder(h)).hasSize(500);
        assertThat(origin.maxInFlight()).as("pages in flight at the server at once").isGreaterThan(1);
        assertThat(h.query("SELECT DISTINCT parent FROM queue WHERE rule = 'paginate'")).hasSize(1);
    }

    @Test
    void aLinkHeaderWithALastPageIssuesItsPagesAtOnceWithoutWarnings() throws Exception {
        Harness h = new Harness(dir);
        Logger frontiers = (Logger) LoggerFactory.getLogger(dev.sluice.internal.store.SqlFrontier.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        frontiers.addAppender(warnings);
        try {
            run(Harness.config().concurrency(8).perHost(8).build(), DiscoveryOptions.builder().paginate("header-link").build(),
                    ".items[]", List.of(origin.uri("/api/header-link?pages=50&per=10&latency=50").toString()), h);

            assertThat(itemsInChainOrder(h)).containsExactlyElementsOf(range(0, 500));
            assertThat(origin.maxInFlight()).as("pages in flight at the server at once").isGreaterThan(1);
            assertThat(h.query("SELECT DISTINCT parent FROM queue WHERE rule = 'paginate'")).hasSize(1);
            assertThat(origin.requestCounts().values()).as("no page was asked for twice").allMatch(c -> c == 1);
            assertThat(warnings.list).as("a page linking one issued already is no repeated link").isEmpty();
        } finally {
            frontiers.detachAppender(warnings);
        }
    }

    @Test
    void aCursorThatComesBackStopsItsChainWithAWarning() throws Exception {
        Harness h = new Harness(dir);
        Logger frontiers = (Logger) LoggerFactory.getLogger(dev.sluice.internal.store.SqlFrontier.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        frontiers.addAppender(warnings);
        try {
            RunSummary summary = run(Harness.config().build(),
                    DiscoveryOptions.builder().paginate("cursor:.next_cursor=cursor").build(), ".items[]",
                    List.of(origin.uri("/api/cursor?pages=50&per=10&repeatAt=10&repeatTo=4").toString()), h);

            assertThat(summary.ok()).isEqualTo(10);
            assertThat(itemsInChainOrder(h)).containsExactlyElementsOf(range(0, 100));
            assertThat(warnings.list).hasSize(1);
            assertThat(warnings.list.get(0).getFormattedMessage()).contains("seen before").contains("stops here");
        } finally {
            frontiers.detachAppender(warnings);
        }
    }

    /** The 5,000-page site: cycles, fragments, relative forms, links out of scope, pages linked from nowhere. */
    @Test
    void aSiteIsCrawledToExactlyItsReachablePagesEachFetchedOnce() throws Exception {
        Site site = Site.of(5_000, 7);
        Harness h = new Harness(dir);

        RunSummary summary = run(Harness.config().concurrency(32).perHost(32).build(),
                DiscoveryOptions.builder().followLinks("").build(), null, List.of(origin.uri(site.root()).toString()), h);

        Set<String> expected = site.reachable().keySet().stream().map(p -> origin.uri(p).toString())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(h.results().keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(summary.failed()).isZero();
        assertThat(summary.discovered()).containsEntry("link", (long) expected.size() - 1);
        Map<String, Integer> counts = origin.requestCounts();
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(site.reachable().keySet());
        assertThat(counts.values()).allMatch(c -> c == 1);
        // depth is the fewest links from the root: the root is fetched first, so every page is found first from its nearest parent
        Map<String, Integer> depths = site.reachable();
        for (Map<String, Object> row : h.query("SELECT url, depth FROM queue")) {
            String p = java.net.URI.create((String) row.get("url")).getRawPath();
            assertThat(((Number) row.get("depth")).intValue()).as(p).isGreaterThanOrEqualTo(depths.get(p));
        }
    }

    @Test
    void maxDepthKeepsTheCrawlToThePagesNearTheRoot() throws Exception {
        Site site = Site.of(2_000, 3);
        Harness h = new Harness(dir);

        run(Harness.config().concurrency(16).perHost(16).build(),
                DiscoveryOptions.builder().followLinks("").maxDepth(2).build(), null, List.of(origin.uri(site.root()).toString()), h);

        Set<String> nearby = site.reachable().entrySet().stream().filter(e -> e.getValue() <= 2)
                .map(e -> origin.uri(e.getKey()).toString()).collect(Collectors.toSet());
        assertThat(h.results().keySet()).containsExactlyInAnyOrderElementsOf(nearby);
        assertThat(h.query("SELECT max(depth) AS d FROM queue")).containsExactly(Map.of("d", 2));
    }

    @Test
    void maxRequestsBoundsTheFrontier() throws Exception {
        Site site = Site.of(2_000, 3);
        Harness h = new Harness(dir);

        run(Harness.config().concurrency(16).perHost(16).maxRequests(300).build(),
                DiscoveryOptions.builder().followLinks("").build(), null, List.of(origin.uri(site.root()).toString()), h);

        assertThat(h.query("SELECT count(*) AS n FROM queue")).containsExactly(Map.of("n", 300));
        assertThat(h.results()).hasSize(300);
        assertThat(origin.requests()).isEqualTo(300);
    }

    @Test
    void followTurnsAListIntoItsDetailPages() throws Exception {
        Harness h = new Harness(dir);
        String list = origin.uri("/api/json-link?pages=1&per=5").toString();

        RunSummary summary = run(Harness.config().build(),
                DiscoveryOptions.builder().follow(".items[] | \"/detail/\\(.n)\"").build(), null, List.of(list), h);

        assertThat(summary.discovered()).containsEntry("follow", 5L);
        assertThat(h.query("SELECT url, parent, depth, rule FROM queue WHERE rule = 'follow' ORDER BY url"))
                .extracting(row -> row.get("url")).containsExactlyElementsOf(IntStream.range(0, 5)
                        .mapToObj(i -> origin.uri("/detail/" + i).toString()).toList());
        assertThat(h.query("SELECT DISTINCT parent, depth FROM queue WHERE rule = 'follow'"))
                .containsExactly(Map.of("parent", Request.get(list).id(), "depth", 1));
    }

    /** The integers from..to-1 as longs, in order. */
    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }
}
