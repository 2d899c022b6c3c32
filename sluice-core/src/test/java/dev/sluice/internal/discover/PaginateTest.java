package dev.sluice.internal.discover;

import dev.sluice.Discovered;
import dev.sluice.Lineage;
import dev.sluice.Request;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static dev.sluice.internal.discover.Fixtures.json;
import static dev.sluice.internal.discover.Fixtures.options;
import static dev.sluice.internal.discover.Fixtures.urls;
import static dev.sluice.internal.discover.Fixtures.withHeader;
import static dev.sluice.internal.discover.Fixtures.withLineage;
import static dev.sluice.internal.discover.Fixtures.withLinks;
import static dev.sluice.internal.discover.Fixtures.withRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PaginateTest {
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.sluice.internal.discover");

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logs);
    }

    private static List<Discovered> discover(String spec, Response r) throws Exception {
        return Discovery.compile(options().paginate(spec).build()).discover(r);
    }

    private static Lineage page(int n) {
        return new Lineage("http://api.test/prev", n - 1, Lineage.PAGINATE, n);
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void headerLinkWithALastPageIssuesEveryPageAtOnceFromTheFirstPageOnly() throws Exception {
        Response first = withLinks(json("http://api.test/items?per=10", "[1]"),
                "<http://api.test/items?per=10&page=2>; rel=\"next\"", "<http://api.test/items?per=10&page=5>; rel=\"last\"");
        assertThat(discover("header-link", first)).extracting(d -> d.request().url() + " " + d.lineage().page()).containsExactly(
                "http://api.test/items?per=10&page=2 2", "http://api.test/items?per=10&page=3 3",
                "http://api.test/items?per=10&page=4 4", "http://api.test/items?per=10&page=5 5");

        // an offset: the step is the next offset less this page's
        Response offsets = withLinks(json("http://api.test/items?offset=0&limit=100", "[1]"),
                "<http://api.test/items?offset=100&limit=100>; rel=\"next\"", "<http://api.test/items?offset=300&limit=100>; rel=\"last\"");
        assertThat(discover("header-link", offsets)).extracting(d -> d.request().url()).containsExactly(
                "http://api.test/items?offset=100&limit=100", "http://api.test/items?offset=200&limit=100",
                "http://api.test/items?offset=300&limit=100");

        // a page found by the rule adds only its next (the others were issued already)
        Response third = withLineage(withLinks(json("http://api.test/items?per=10&page=3", "[1]"),
                "<http://api.test/items?per=10&page=4>; rel=\"next\"", "<http://api.test/items?per=10&page=5>; rel=\"last\""), page(3));
        assertThat(discover("header-link", third)).extracting(d -> d.request().url()).containsExactly("http://api.test/items?per=10&page=4");

        // a last link that differs in more than its number: only the next
        Response other = withLinks(json("http://api.test/items", "[1]"),
                "<http://api.test/items?page=2>; rel=\"next\"", "<http://api.test/other?page=9>; rel=\"last\"");
        assertThat(discover("header-link", other)).extracting(d -> d.request().url()).containsExactly("http://api.test/items?page=2");
    }

    @Test
    void headerLinkResolvedAgainstTheFinalUri() throws Exception {
        Response r = Fixtures.redirected(withLinks(json("http://api.test/items", "[1]"),
                "<https://api.test/items?page=9>; rel=\"last\"", "<?page=2#x>; rel=\"next\""), "http://api.test/v2/items");
        List<Discovered> found = discover("header-link", r);
        assertThat(found).containsExactly(new Discovered(Request.get("http://api.test/v2/items?page=2"),
                new Lineage(Request.get("http://api.test/items").id(), 1, "paginate", 2)));
    }

    @Test
    void headerLinkWithoutNextStops() throws Exception {
        assertThat(discover("header-link", withLinks(json("http://api.test/i", "[1]"), "</i?p=1>; rel=prev"))).isEmpty();
        assertThat(discover("header-link", json("http://api.test/i", "[1]"))).isEmpty();
    }

    @Test
    void jsonLink() throws Exception {
        Response r = json("http://api.test/a/list", "{\"items\":[1],\"next\":\"list?after=5\"}");
        assertThat(urls(discover("json-link:.next", r))).containsExactly("http://api.test/a/list?after=5");
        for (String end : List.of("null", "\"\"", "false")) {
            assertThat(discover("json-link:.next", json("http://api.test/l", "{\"items\":[1],\"next\":" + end + "}")))
                    .as(end).isEmpty();
        }
        assertThat(discover("json-link:.next", json("http://api.test/l", "{\"items\":[1]}"))).isEmpty();
        assertThat(discover("json-link:.links[]", json("http://api.test/l", "{\"items\":[1],\"links\":[]}"))).isEmpty();
    }

    @Test
    void jsonLinkOfTheWrongTypeFails() {
        assertThatThrownBy(() -> discover("json-link:.next", json("http://api.test/l", "{\"items\":[1],\"next\":{\"a\":1}}")))
                .hasMessage("--paginate 'json-link:.next': jq '.next' gave an object, not a URL string");
        assertThatThrownBy(() -> discover("json-link:.next", json("http://api.test/l", "{\"items\":[1],\"next\":\"mailto:x@y\"}")))
                .hasMessageContaining("the next URL 'mailto:x@y' is not a URL Sluice can fetch: scheme 'mailto'");
    }

    @Test
    void jqFailureAndNonJsonBodyFail() {
        assertThatThrownBy(() -> discover("json-link:.next + 1", json("http://api.test/l", "{\"items\":[1],\"next\":\"s\"}")))
                .hasMessageStartingWith("--paginate 'json-link:.next + 1': jq '.next + 1' failed: ");
        assertThatThrownBy(() -> discover("json-link:.next", Fixtures.withType(json("http://api.test/l", "hi"), "text/plain")))
                .hasMessageStartingWith("body is not JSON (Content-Type text/plain): Unrecognized token 'hi'");
        assertThatThrownBy(() -> discover("cursor:.c=c", json("http://api.test/l", "{\"items\": [1], ")))
                .hasMessageStartingWith("body is not JSON (Content-Type application/json): Unexpected end-of-input");
    }

    @Test
    void jsonRulesPassOverHtmlPagesWhichAreNotEmpty() throws Exception {
        Response page = withLinks(Fixtures.html("http://site.test/a", "<p>no json here</p>"), "</b>; rel=next");
        assertThat(urls(Discovery.compile(options().paginate("json-link:.next", "header-link").follow(".x").build()).discover(page)))
                .containsExactly("http://site.test/b");
    }

    @Test
    void cursorReplacesTheParameterEncodedKeepingTheOthersInOrder() throws Exception {
        Response r = json("http://api.test/l?a=1&cursor=old&b=2", "{\"items\":[1],\"meta\":{\"next\":\"n+x/=\"}}");
        assertThat(urls(discover("cursor:.meta.next=cursor", r))).containsExactly("http://api.test/l?a=1&cursor=n%2Bx%2F%3D&b=2");
        Response first = json("http://api.test/l?a=1", "{\"items\":[1],\"next\":12345678901234}");
        assertThat(urls(discover("cursor:.next=after", first))).containsExactly("http://api.test/l?a=1&after=12345678901234");
        Response decimal = json("http://api.test/l", "{\"items\":[1],\"next\":1.50}");
        assertThat(urls(discover("cursor:.next=c", decimal))).containsExactly("http://api.test/l?c=1.5");
    }

    @Test
    void cursorEndsOnNullEmptyFalseOrMissing() throws Exception {
        for (String end : List.of("null", "\"\"", "false")) {
            assertThat(discover("cursor:.next=c", json("http://api.test/l", "{\"items\":[1],\"next\":" + end + "}"))).as(end).isEmpty();
        }
        assertThat(discover("cursor:.next=c", json("http://api.test/l", "{\"items\":[1]}"))).isEmpty();
        assertThatThrownBy(() -> discover("cursor:.next=c", json("http://api.test/l", "{\"items\":[1],\"next\":[1]}")))
                .hasMessage("--paginate 'cursor:.next=c': jq '.next' gave an array, not a cursor (a string or a number)");
    }

    @Test
    void cursorWithEqualsSignsInTheExpression() throws Exception {
        Response r = json("http://api.test/l", "{\"items\":[1],\"m\":[{\"k\":\"a\",\"c\":\"x\"}]}");
        assertThat(urls(discover("cursor:.m[] | select(.k == \"a\") | .c=page_token", r)))
                .containsExactly("http://api.test/l?page_token=x");
    }

    @Test
    void aRepeatedCursorStopsTheChainWithOneWarning() throws Exception {
        Response r = withLineage(json("http://api.test/l?c=abc", "{\"items\":[1],\"next\":\"abc\"}"), page(3));
        assertThat(discover("cursor:.next=c", r)).isEmpty();
        assertThat(warnings()).containsExactly("--paginate 'cursor:.next=c': the next cursor 'abc' is the current one of "
                + "http://api.test/l?c=abc: that chain stops here");
    }

    @Test
    void aRepeatedNextUrlStopsTheChainWithOneWarning() throws Exception {
        Response r = json("http://API.test:80/l?p=2#top", "{\"items\":[1],\"next\":\"http://api.test/l?p=2\"}");
        assertThat(discover("json-link:.next", r)).isEmpty();
        Response h = withLinks(json("http://api.test/l?p=2", "[1]"), "</l?p=2>; rel=next");
        assertThat(discover("header-link", h)).isEmpty();
        assertThat(warnings()).containsExactly(
                "--paginate 'json-link:.next': the next page of http://api.test/l?p=2 is the same URL: that chain stops here",
                "--paginate 'header-link': the next page of http://api.test/l?p=2 is the same URL: that chain stops here");
    }

    @Test
    void untrustedTextInWarningsIsEscaped() throws Exception {
        Response r = json("http://api.test/l?c=%1B%5B2J", "{\"items\":[1],\"next\":\"\\u001b[2J\"}");
        assertThat(discover("cursor:.next=c", r)).isEmpty();
        assertThat(warnings()).singleElement().asString().contains("cursor '\\e[2J'").doesNotContain("\u001b");
    }

    @Test
    void offsetWithoutTotalGoesOnUntilAnEmptyPage() throws Exception {
        assertThat(urls(discover("offset:offset,limit=50", json("http://api.test/l?q=x", "[1,2]"))))
                .containsExactly("http://api.test/l?q=x&offset=50");
        List<Discovered> found = discover("offset:offset,limit=50",
                withLineage(json("http://api.test/l?offset=100&q=x", "{\"data\":[1]}"), page(3)));
        assertThat(found).containsExactly(new Discovered(Request.get("http://api.test/l?offset=150&q=x"),
                new Lineage(Request.get("http://api.test/l?offset=100&q=x").id(), 3, "paginate", 4)));
        assertThat(discover("offset:offset,limit=50", json("http://api.test/l?offset=150", "{\"data\":[],\"more\":[]}"))).isEmpty();
    }

    @Test
    void offsetWithTotalIssuesEveryRemainingPageFromTheFirst() throws Exception {
        List<Discovered> found = discover("offset:offset,limit=10,total=.meta.total",
                json("http://api.test/l?q=1", "{\"items\":[1],\"meta\":{\"total\":35}}"));
        assertThat(urls(found)).containsExactly("http://api.test/l?q=1&offset=10", "http://api.test/l?q=1&offset=20",
                "http://api.test/l?q=1&offset=30");
        assertThat(found).extracting(d -> d.lineage().page()).containsExactly(2, 3, 4);
        assertThat(found).extracting(d -> d.lineage().depth()).containsOnly(1);
        // the pages it issued issue nothing
        assertThat(discover("offset:offset,limit=10,total=.meta.total",
                withLineage(json("http://api.test/l?q=1&offset=10", "{\"items\":[1],\"meta\":{\"total\":35}}"), page(2)))).isEmpty();
        // exactly one page: nothing more
        assertThat(discover("offset:offset,limit=10,total=.meta.total",
                json("http://api.test/l", "{\"items\":[1],\"meta\":{\"total\":10}}"))).isEmpty();
        // a total as a string of digits
        assertThat(discover("offset:o,limit=10,total=.t", json("http://api.test/l", "{\"items\":[1],\"t\":\"21\"}"))).hasSize(2);
    }

    @Test
    void aTotalThatIsNotANumberFails() {
        assertThatThrownBy(() -> discover("offset:o,limit=10,total=.t", json("http://api.test/l", "{\"items\":[1],\"t\":null}")))
                .hasMessage("--paginate 'offset:o,limit=10,total=.t': total '.t' gave null, not a whole number of items");
        assertThatThrownBy(() -> discover("page:p,total=.t", json("http://api.test/l", "{\"items\":[1],\"t\":\"many\"}")))
                .hasMessage("--paginate 'page:p,total=.t': total '.t' gave \"many\", not a whole number of pages");
    }

    @Test
    void aHugeTotalFailsInsteadOfIssuingMillionsOfPages() {
        assertThatThrownBy(() -> discover("page:p,total=.t", json("http://api.test/l", "{\"items\":[1],\"t\":1000000000}")))
                .hasMessageContaining("more than the 100000 one response may issue; set --max-pages");
    }

    @Test
    void pageNumbers() throws Exception {
        assertThat(urls(discover("page:page", json("http://api.test/l", "[1]")))).containsExactly("http://api.test/l?page=2");
        assertThat(urls(discover("page:p,start=0", json("http://api.test/l", "[1]")))).containsExactly("http://api.test/l?p=1");
        assertThat(urls(discover("page:p", withLineage(json("http://api.test/l?p=7", "[1]"), page(7)))))
                .containsExactly("http://api.test/l?p=8");
        assertThat(discover("page:p", json("http://api.test/l?p=7", "[]"))).isEmpty();
        assertThatThrownBy(() -> discover("page:p", json("http://api.test/l?p=seven", "[1]")))
                .hasMessage("--paginate 'page:p': parameter p is 'seven' in the requested URL, not a whole number");
    }

    @Test
    void pageWithTotalPages() throws Exception {
        List<Discovered> found = discover("page:p,start=1,total=.pages", json("http://api.test/l", "{\"d\":[1],\"pages\":4}"));
        assertThat(urls(found)).containsExactly("http://api.test/l?p=2", "http://api.test/l?p=3", "http://api.test/l?p=4");
        assertThat(found).extracting(d -> d.lineage().page()).containsExactly(2, 3, 4);
    }

    @Test
    void aTotalFromAResponseHeaderCountsItemsByPerOrByLimit() throws Exception {
        // json-server: X-Total-Count items, _limit per page
        Response first = withHeader(json("http://api.test/items?_limit=100&_page=1", "[1]"), "X-Total-Count", "250");
        assertThat(urls(discover("page:_page,per=100,total=header:x-total-count", first)))
                .containsExactly("http://api.test/items?_limit=100&_page=2", "http://api.test/items?_limit=100&_page=3");
        assertThat(urls(discover("offset:_start,limit=100,total=header:X-Total-Count",
                withHeader(json("http://api.test/items", "[1]"), "X-Total-Count", "250"))))
                .containsExactly("http://api.test/items?_start=100", "http://api.test/items?_start=200");
        // without per=, a header's total counts pages, as a body's does; numbered from start=0, the last is total - 1
        assertThat(urls(discover("page:p,start=0,total=header:X-Pages", withHeader(json("http://api.test/l", "[1]"), "X-Pages", "3"))))
                .containsExactly("http://api.test/l?p=1", "http://api.test/l?p=2");

        assertThatThrownBy(() -> discover("page:p,per=10,total=header:X-Total-Count", json("http://api.test/l", "[1]")))
                .hasMessage("--paginate 'page:p,per=10,total=header:X-Total-Count': the response's X-Total-Count header is "
                        + "missing, not a whole number of items");
        assertThatThrownBy(() -> discover("page:p,total=header:X-Pages", withHeader(json("http://api.test/l", "[1]"), "X-Pages", "lots")))
                .hasMessage("--paginate 'page:p,total=header:X-Pages': the response's X-Pages header is 'lots', not a whole number of pages");
    }

    @Test
    void maxPagesHolds() throws Exception {
        Discovery d = Discovery.compile(options().paginate("page:p").maxPages(3).build());
        assertThat(d.discover(withLineage(json("http://api.test/l?p=2", "[1]"), page(2)))).hasSize(1);
        assertThat(d.discover(withLineage(json("http://api.test/l?p=3", "[1]"), page(3)))).isEmpty();
        Discovery total = Discovery.compile(options().paginate("page:p,total=.n").maxPages(3).build());
        assertThat(urls(total.discover(json("http://api.test/l", "{\"d\":[1],\"n\":50}"))))
                .containsExactly("http://api.test/l?p=2", "http://api.test/l?p=3");
        Discovery one = Discovery.compile(options().paginate("header-link").maxPages(1).build());
        assertThat(one.discover(withLinks(json("http://api.test/l", "[1]"), "</n>; rel=next"))).isEmpty();
    }

    @Test
    void emptyPageByRecordsWhenThereIsAJq() throws Exception {
        Response body = withLinks(json("http://api.test/l", "{\"items\":[1,2]}"), "</n>; rel=next");
        assertThat(discover("header-link", withRecords(body, List.of()))).isEmpty();
        assertThat(discover("header-link", withRecords(body, List.of("1")))).hasSize(1);
        // with --jq the body's own shape does not matter
        Response emptyBody = withLinks(json("http://api.test/l", "[]"), "</n>; rel=next");
        assertThat(discover("header-link", withRecords(emptyBody, List.of("{}")))).hasSize(1);
    }

    @Test
    void emptyPageByBodyWithoutJq() throws Exception {
        for (String empty : List.of("", "  \n", "[]", "{}", "null", "{\"data\":[],\"meta\":{\"n\":0},\"x\":[]}")) {
            assertThat(discover("header-link", withLinks(json("http://api.test/l", empty), "</n>; rel=next"))).as(empty).isEmpty();
        }
        for (String full : List.of("[0]", "{\"data\":[],\"x\":[1]}", "{\"meta\":{\"n\":0}}", "\"text\"", "0", "not json at all")) {
            assertThat(discover("header-link", withLinks(json("http://api.test/l", full), "</n>; rel=next"))).as(full).hasSize(1);
        }
    }

    @Test
    void severalKindsAtOnceInOrderWithoutDuplicates() throws Exception {
        Response r = withLinks(json("http://api.test/l", "{\"items\":[1],\"next\":\"/l?page=2\"}"), "</l?page=2>; rel=next");
        assertThat(urls(Discovery.compile(options().paginate("json-link:.next", "header-link", "page:page").build()).discover(r)))
                .containsExactly("http://api.test/l?page=2");
    }

    @Test
    void badSpecsNameTheOptionAndTheValue() {
        assertThatThrownBy(() -> Discovery.compile(options().paginate("cursr:.next=c").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--paginate 'cursr:.next=c': unknown kind 'cursr' (header-link, json-link:JQ, cursor:JQ=PARAM, "
                        + "offset:PARAM,limit=N[,total=TOTAL], page:PARAM[,start=N][,per=N][,total=TOTAL])");
        assertThatThrownBy(() -> Discovery.compile(options().paginate("json-link:.next[").build()))
                .hasMessageStartingWith("--paginate 'json-link:.next[': invalid jq expression '.next['");
        assertThatThrownBy(() -> Discovery.compile(options().paginate("json-link:nosuch(1)").build()))
                .hasMessageContaining("nosuch/1 is not a function");
        assertThatThrownBy(() -> Discovery.compile(options().paginate("json-link:").build()))
                .hasMessage("--paginate 'json-link:': expected a jq expression (json-link:JQ)");
        assertThatThrownBy(() -> Discovery.compile(options().paginate("cursor:.next").build()))
                .hasMessage("--paginate 'cursor:.next': expected cursor:JQ=PARAM");
        assertThatThrownBy(() -> Discovery.compile(options().paginate("offset:o").build()))
                .hasMessage("--paginate 'offset:o': limit=N is required (offset:PARAM,limit=N[,total=TOTAL])");
        assertThatThrownBy(() -> Discovery.compile(options().paginate("offset:o,limit=ten").build()))
                .hasMessage("--paginate 'offset:o,limit=ten': limit must be a whole number, not 'ten'");
        assertThatThrownBy(() -> Discovery.compile(options().paginate("offset:o,limit=0").build()))
                .hasMessage("--paginate 'offset:o,limit=0': limit must be >= 1, not 0");
        assertThatThrownBy(() -> Discovery.compile(options().paginate("page:p,limit=3").build()))
                .hasMessageStartingWith("--paginate 'page:p,limit=3': unknown option 'limit=3'");
        assertThatThrownBy(() -> Discovery.compile(options().paginate("page:p,per=10").build()))
                .hasMessage("--paginate 'page:p,per=10': per=N says how many items a total counts per page: give total= too");
        assertThatThrownBy(() -> Discovery.compile(options().paginate("page:p,total=header:X Total").build()))
                .hasMessageStartingWith("--paginate 'page:p,total=header:X Total': 'X Total' is not a header name");
        assertThatThrownBy(() -> Discovery.compile(options().paginate("header-link:x").build()))
                .hasMessage("--paginate 'header-link:x': header-link takes no argument");
        assertThatThrownBy(() -> Discovery.compile(options().paginate("page:a&b").build()))
                .hasMessage("--paginate 'page:a&b': 'a&b' is not a query parameter name");
    }

    @Test
    void totalMayHoldCommas() throws Exception {
        List<Discovered> found = discover("offset:o,limit=5,total=[.a,.b]|max", json("http://api.test/l", "{\"x\":[1],\"a\":3,\"b\":12}"));
        assertThat(urls(found)).containsExactly("http://api.test/l?o=5", "http://api.test/l?o=10");
    }
}
