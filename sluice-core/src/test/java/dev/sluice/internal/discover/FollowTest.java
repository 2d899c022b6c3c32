package dev.sluice.internal.discover;

import dev.sluice.Discovered;
import dev.sluice.Lineage;
import dev.sluice.Request;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sluice.internal.discover.Fixtures.json;
import static dev.sluice.internal.discover.Fixtures.options;
import static dev.sluice.internal.discover.Fixtures.urls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FollowTest {
    private static List<Discovered> discover(String expression, Response r) throws Exception {
        return Discovery.compile(options().follow(expression).build()).discover(r);
    }

    @Test
    void stringsAreUrlsRelativeOnesResolvedAgainstTheFinalUri() throws Exception {
        Response r = Fixtures.redirected(json("http://api.test/list",
                "{\"items\":[{\"id\":1,\"href\":\"items/1\"},{\"id\":2,\"href\":\"/items/2#x\"},{\"id\":3,\"href\":\"HTTPS://Other.Test/3\"}]}"),
                "http://api.test/v2/list");
        List<Discovered> found = discover(".items[].href", r);
        assertThat(urls(found)).containsExactly("http://api.test/v2/items/1", "http://api.test/items/2", "https://other.test/3");
        assertThat(found).extracting(Discovered::lineage)
                .containsOnly(new Lineage(Request.get("http://api.test/list").id(), 1, "follow", 1));
    }

    @Test
    void objectsAreRequests() throws Exception {
        Response r = json("http://api.test/list", "{\"items\":[{\"id\":7},{\"id\":8}]}");
        assertThat(urls(discover(".items[] | {url: \"/detail/\\(.id)\"}", r)))
                .containsExactly("http://api.test/detail/7", "http://api.test/detail/8");
        assertThat(urls(discover(".items[] | {url: \"/d/\\(.id)\", method: \"get\", headers: {}, body: null}", r)))
                .containsExactly("http://api.test/d/7", "http://api.test/d/8");
    }

    @Test
    void objectsMayBeAnyMethodWithHeadersAndABody() throws Exception {
        Response r = json("http://api.test/list", "{\"items\":[{\"id\":7}]}");
        List<Discovered> found = discover(".items[] | {url: \"/d\", method: \"post\", headers: {\"X-Id\": \"\\(.id)\"}, body: {id: .id}}", r);
        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.request().method()).isEqualTo("POST");
            assertThat(d.request().url()).isEqualTo("http://api.test/d");
            assertThat(d.request().headers()).containsExactly(java.util.Map.entry("X-Id", "7"));
            assertThat(new String(d.request().body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"id\":7}");
        });
        assertThat(discover("{url: \"/d\", body: \"a=1\"}", r)).singleElement()
                .satisfies(d -> assertThat(d.request().method()).isEqualTo("GET"));
    }

    @Test
    void badRequestObjectsAreRefusedNamingWhatIsWrong() {
        Response r = json("http://api.test/list", "{\"items\":[{\"id\":7}]}");
        assertThatThrownBy(() -> discover("{url: \"/d\", method: \"PO ST\"}", r))
                .hasMessage("--follow '{url: \"/d\", method: \"PO ST\"}': 'PO ST' is not an HTTP method");
        assertThatThrownBy(() -> discover("{url: \"/d\", headers: {a: 1.5, b: [1]}}", r))
                .hasMessageContaining("header \"b\" must be a string, not an array");
        assertThatThrownBy(() -> discover("{url: \"/d\", id: 1}", r))
                .hasMessageContaining("unknown member \"id\" (a request object has url, method, headers, body)");
        assertThatThrownBy(() -> discover("{href: \"/d\"}", r))
                .hasMessage("--follow '{href: \"/d\"}': a request object needs \"url\", a non-empty string: {\"href\":\"/d\"}");
    }

    @Test
    void otherTypesAreErrorsNamingTheType() {
        Response r = json("http://api.test/list", "{\"items\":[{\"id\":7,\"u\":null}]}");
        assertThatThrownBy(() -> discover(".items[].id", r))
                .hasMessage("--follow '.items[].id': emitted a number (7), expected a URL string or a request object {\"url\": …}");
        assertThatThrownBy(() -> discover(".items[].u", r))
                .hasMessageEndingWith("emitted null, expected a URL string or a request object {\"url\": …}; "
                        + "add '// empty' to skip missing ones");
        assertThatThrownBy(() -> discover(".items", r)).hasMessageContaining("emitted an array");
        assertThatThrownBy(() -> discover("\"mailto:a@b.test\"", r))
                .hasMessage("--follow '\"mailto:a@b.test\"': 'mailto:a@b.test' is not a URL Sluice can fetch: scheme 'mailto' is not http or https");
    }

    @Test
    void emptyEmissionAndEmptyBodyYieldNothing() throws Exception {
        assertThat(discover(".items[].u // empty", json("http://api.test/l", "{\"items\":[{}]}"))).isEmpty();
        assertThat(discover(".items[]", json("http://api.test/l", ""))).isEmpty();
    }

    @Test
    void jqErrorsAndNonJsonBodies() {
        assertThatThrownBy(() -> discover(".items[]", json("http://api.test/l", "{\"items\":5}")))
                .hasMessageStartingWith("--follow '.items[]': jq failed: ");
        assertThatThrownBy(() -> discover(".items[]", json("http://api.test/l", "<html>")))
                .hasMessageStartingWith("body is not JSON (Content-Type application/json): ");
        assertThatThrownBy(() -> Discovery.compile(options().follow(".items[").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--follow '.items[': invalid jq expression '.items['");
    }

    @Test
    void duplicatesWithinOneResponseKeepTheirFirstPlace() throws Exception {
        Response r = json("http://api.test/l", "{\"a\":[\"/x\",\"/y\",\"/x#2\",\"http://API.TEST:80/y\"]}");
        assertThat(urls(discover(".a[]", r))).containsExactly("http://api.test/x", "http://api.test/y");
    }

    @Test
    void severalFollowsAndPaginationShareOneParse() throws Exception {
        Response r = json("http://api.test/l", "{\"items\":[{\"u\":\"/a\"}],\"next\":\"/l?p=2\",\"rel\":[\"/b\",\"/a\"]}");
        Discovery d = Discovery.compile(options().paginate("json-link:.next").follow(".items[].u", ".rel[]").build());
        List<Discovered> found = d.discover(r);
        assertThat(urls(found)).containsExactly("http://api.test/l?p=2", "http://api.test/a", "http://api.test/b");
        assertThat(found).extracting(x -> x.lineage().rule()).containsExactly("paginate", "follow", "follow");
    }
}
