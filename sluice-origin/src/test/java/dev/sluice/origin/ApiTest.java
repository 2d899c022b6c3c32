package dev.sluice.origin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Pattern ITEM = Pattern.compile("\\{\"chain\":\"([^\"]*)\",\"page\":(\\d+),\"pos\":(\\d+),\"n\":(\\d+)}");
    private static final Pattern NEXT = Pattern.compile("\"next\":(?:null|\"([^\"]*)\")");
    private static final Pattern CURSOR = Pattern.compile("\"next_cursor\":(?:null|\"([^\"]*)\")");
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]*)>; rel=\"next\"");

    private Origin origin;

    @BeforeEach
    void start() {
        origin = Origin.start();
    }

    @AfterEach
    void stop() {
        origin.close();
    }

    @AfterAll
    static void closeClient() {
        CLIENT.close();
    }

    /** Follows a chain from its first URL to its end; returns each page's items (as "chain/page/pos/n"). */
    private List<List<String>> chain(String first, Function<HttpResponse<String>, String> next) throws Exception {
        List<List<String>> pages = new ArrayList<>();
        URI uri = origin.uri(first);
        while (uri != null) {
            assertThat(pages).as("chain too long: a loop?").hasSizeLessThan(200);
            HttpResponse<String> response = CLIENT.send(java.net.http.HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString());
            assertThat(response.statusCode()).as(uri.toString()).isEqualTo(200);
            pages.add(items(response.body()));
            String link = next.apply(response);
            uri = link == null ? null : uri.resolve(link);
        }
        return pages;
    }

    private static List<String> items(String body) {
        List<String> items = new ArrayList<>();
        Matcher m = ITEM.matcher(body);
        while (m.find()) {
            items.add(m.group(1) + "/" + m.group(2) + "/" + m.group(3) + "/" + m.group(4));
        }
        return items;
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** The items pages of `per` items each hold, in order, as chain() shows them. */
    private static List<List<String>> expected(String chain, int pages, int per) {
        return IntStream.range(0, pages).mapToObj(p -> IntStream.range(0, per)
                .mapToObj(k -> chain + "/" + (p + 1) + "/" + k + "/" + (p * per + k)).toList()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"path", "relative", "absolute"})
    void headerLinkChainServesEveryPageOnceInOrder(String form) throws Exception {
        List<List<String>> pages = chain("/api/header-link?pages=50&per=10&link=" + form,
                r -> group(LINK_NEXT, r.headers().firstValue("Link").orElseThrow()));

        assertThat(pages).isEqualTo(expected("0", 50, 10));
        assertThat(origin.requestCounts().values()).hasSize(50).allMatch(c -> c == 1);
    }

    @Test
    void headerLinkCarriesPrevFirstAndLastBesidesNext() throws Exception {
        String link = get("/api/header-link?pages=5&page=3").headers().firstValue("Link").orElseThrow();

        assertThat(link).isEqualTo("</api/header-link?pages=5&page=2>; rel=\"prev\", </api/header-link?pages=5&page=4>; rel=\"next\", "
                + "</api/header-link?pages=5&page=1>; rel=\"first\", </api/header-link?pages=5&page=5>; rel=\"last\"");
        assertThat(get("/api/header-link?pages=5&page=5").headers().firstValue("Link").orElseThrow()).doesNotContain("next");
    }

    @ParameterizedTest
    @ValueSource(strings = {"path", "relative", "absolute"})
    void jsonLinkChainEndsWithNullNext(String form) throws Exception {
        List<List<String>> pages = chain("/api/json-link?chain=c7&latency=1&link=" + form, r -> group(NEXT, r.body()));

        assertThat(pages).isEqualTo(expected("c7", 50, 10));
        assertThat(get("/api/json-link?page=50").body()).endsWith(",\"next\":null}");
        assertThat(get("/api/json-link?link=absolute").body()).contains("\"next\":\"http://127.0.0.1:" + origin.port()
                + "/api/json-link?link=absolute&page=2\"");
    }

    @Test
    void cursorChainsAreIndependentPerChain() throws Exception {
        for (String chain : List.of("a", "b")) {
            List<List<String>> pages = chain("/api/cursor?pages=20&per=3&chain=" + chain,
                    r -> {
                        String cursor = group(CURSOR, r.body());
                        return cursor == null ? null : "/api/cursor?pages=20&per=3&chain=" + chain + "&cursor=" + cursor;
                    });
            assertThat(pages).isEqualTo(expected(chain, 20, 3));
        }
        assertThat(origin.requestCounts()).hasSize(40);
    }

    @Test
    void cursorOfAnotherChainOrMadeUpIsRefused() throws Exception {
        String cursor = group(CURSOR, get("/api/cursor?chain=a").body());

        assertThat(get("/api/cursor?chain=a&cursor=" + cursor).statusCode()).isEqualTo(200);
        assertThat(get("/api/cursor?chain=b&cursor=" + cursor).statusCode()).isEqualTo(400);
        assertThat(get("/api/cursor?cursor=bm9wZQ").body()).contains("cursor is not one this API handed out");
    }

    @Test
    void repeatAtHandsOutTheCursorOfAnEarlierPage() throws Exception {
        String base = "/api/cursor?pages=10&repeatAt=4";
        String c2 = group(CURSOR, get(base).body());
        String c3 = group(CURSOR, get(base + "&cursor=" + c2).body());
        String c4 = group(CURSOR, get(base + "&cursor=" + c3).body());

        assertThat(group(CURSOR, get(base + "&cursor=" + c4).body())).as("page 4 repeats its own cursor").isEqualTo(c4);
        assertThat(group(CURSOR, get(base + "&repeatTo=2&cursor=" + c4).body())).isEqualTo(c2);
        assertThat(get("/api/json-link?pages=10&repeatAt=4&repeatTo=3&page=4").body())
                .contains("\"next\":\"/api/json-link?pages=10&repeatAt=4&repeatTo=3&page=3\"");
    }

    @Test
    void offsetServesItemsFromOffsetWithTotal() throws Exception {
        assertThat(items(get("/api/offset?pages=50&per=10&offset=20&limit=5").body()))
                .containsExactly("0/3/0/20", "0/3/1/21", "0/3/2/22", "0/3/3/23", "0/3/4/24");
        assertThat(get("/api/offset").body()).endsWith("],\"total\":500}");
        assertThat(items(get("/api/offset?offset=495&limit=10").body())).hasSize(5);
        assertThat(get("/api/offset?offset=500").body()).isEqualTo("{\"items\":[],\"total\":500}");
        List<String> all = new ArrayList<>();
        for (int offset = 0; offset < 500; offset += 10) {
            all.addAll(items(get("/api/offset?offset=" + offset).body()));
        }
        assertThat(all).isEqualTo(expected("0", 50, 10).stream().flatMap(List::stream).toList());
    }

    @Test
    void pageKindCountsFromFirstAndSaysTotalPages() throws Exception {
        assertThat(get("/api/page?pages=7").body()).endsWith("],\"total_pages\":7}");
        assertThat(items(get("/api/page?pages=7&page=7").body())).hasSize(10).first().isEqualTo("0/7/0/60");
        assertThat(get("/api/page?pages=7&page=8").body()).isEqualTo("{\"items\":[],\"total_pages\":7}");
        assertThat(items(get("/api/page?pages=7&first=0&page=0").body())).first().isEqualTo("0/1/0/0");
        assertThat(items(get("/api/page?pages=7&first=0&page=6").body())).first().isEqualTo("0/7/0/60");
    }

    @Test
    void endlessKeepsLinkingPastTheEndWithEmptyPages() throws Exception {
        String body = get("/api/json-link?pages=3&endless&page=4").body();

        assertThat(body).isEqualTo("{\"items\":[],\"next\":\"/api/json-link?pages=3&endless&page=5\"}");
    }

    @Test
    void misbehaviourParametersStillApply() throws Exception {
        assertThat(get("/api/page?fail=1").statusCode()).isEqualTo(503);
        assertThat(get("/api/page?fail=1").statusCode()).isEqualTo(200);
        assertThat(get("/api/page?type=application/vnd.x%2Bjson").headers().firstValue("Content-Type"))
                .hasValue("application/vnd.x+json");
    }

    @Test
    void badParametersAreAnswered400NamingThem() throws Exception {
        assertThat(get("/api/page?pages=0").body()).contains("pages must be an integer 1..");
        assertThat(get("/api/page?per=1001").body()).contains("per must be");
        assertThat(get("/api/json-link?link=weird").body()).contains("link must be path, relative or absolute");
        assertThat(get("/api/json-link?chain=a%20b").body()).contains("chain must be");
        assertThat(get("/api/cursor?pages=5&repeatAt=6").body()).contains("repeatAt must be");
        assertThat(get("/api/nope").statusCode()).isEqualTo(400);
        assertThat(get("/api/nope").body()).contains("no such API: /api/nope");
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return CLIENT.send(java.net.http.HttpRequest.newBuilder(origin.uri(pathAndQuery)).build(), BodyHandlers.ofString());
    }
}
