package dev.sluice.internal.discover;

import dev.sluice.Discovered;
import dev.sluice.DiscoveryOptions;
import dev.sluice.Lineage;
import dev.sluice.Scope;
import dev.sluice.Request;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.sluice.internal.discover.Fixtures.json;
import static dev.sluice.internal.discover.Fixtures.options;
import static dev.sluice.internal.discover.Fixtures.urls;
import static dev.sluice.internal.discover.Fixtures.withLineage;
import static dev.sluice.internal.discover.Fixtures.withStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiscoveryTest {
    private static final Response LIST = json("http://api.test/l", "{\"items\":[\"/a\"],\"next\":\"/l?p=2\"}");

    @Test
    void noneIsEmptyAndYieldsNothing() throws Exception {
        assertThat(Discovery.NONE.isEmpty()).isTrue();
        assertThat(Discovery.compile(DiscoveryOptions.NONE)).isSameAs(Discovery.NONE);
        assertThat(Discovery.NONE.discover(LIST)).isEmpty();
        assertThat(Discovery.compile(options().followLinks("").build()).isEmpty()).isFalse();
    }

    @Test
    void onlySuccessfulResponsesYield() throws Exception {
        Discovery d = Discovery.compile(options().paginate("json-link:.next").follow(".items[]").build());
        assertThat(d.discover(LIST)).hasSize(2);
        for (int status : new int[] {199, 204, 299}) {
            assertThat(d.discover(withStatus(json("http://api.test/l", ""), status))).isEmpty();
        }
        for (int status : new int[] {301, 304, 404, 500}) {
            assertThat(d.discover(withStatus(LIST, status))).as("status %d", status).isEmpty();
        }
    }

    @Test
    void maxDepthAppliesToEveryRule() throws Exception {
        Discovery d = Discovery.compile(options().paginate("json-link:.next").follow(".items[]").maxDepth(2).build());
        assertThat(d.discover(withLineage(LIST, new Lineage("http://api.test/", 1, "follow", 1))))
                .extracting(x -> x.lineage().depth()).containsExactly(2, 2);
        assertThat(d.discover(withLineage(LIST, new Lineage("http://api.test/", 2, "follow", 1)))).isEmpty();
        assertThat(Discovery.compile(options().follow(".items[]").maxDepth(0).build()).discover(LIST)).isEmpty();
    }

    @Test
    void lineageOfDiscoveredRequests() throws Exception {
        Discovery d = Discovery.compile(options().paginate("json-link:.next").follow(".items[]").build());
        Response r = withLineage(LIST, new Lineage("http://api.test/", 4, "paginate", 6));
        assertThat(d.discover(r)).containsExactly(
                new Discovered(Request.get("http://api.test/l?p=2"), new Lineage(Request.get("http://api.test/l").id(), 5, "paginate", 7)),
                new Discovered(Request.get("http://api.test/a"), new Lineage(Request.get("http://api.test/l").id(), 5, "follow", 1)));
    }

    @Test
    void optionsAreChecked() {
        assertThatThrownBy(() -> options().maxDepth(-2).build()).hasMessage("--max-depth must be >= 0 (or -1: unlimited), not -2");
        assertThatThrownBy(() -> options().maxPages(0).build()).hasMessage("--max-pages must be >= 1 (or -1: unlimited), not 0");
        assertThat(Scope.parse("same-domain")).isEqualTo(Scope.SAME_DOMAIN);
        assertThat(Scope.parse("ALL")).isEqualTo(Scope.ALL);
        assertThatThrownBy(() -> Scope.parse("same-site")).hasMessage("--scope 'same-site': expected same-host, same-domain, same-origin or all");
        assertThat(Lineage.INPUT).isEqualTo(new Lineage(null, 0, "input", 1));
    }

    /** One compiled Discovery used by many threads at once gives each the same answer as alone. */
    @Test
    void threadSafe() throws Exception {
        Discovery d = Discovery.compile(options().paginate("cursor:.c=c").follow(".items[]").followLinks("").build());
        List<Response> responses = new ArrayList<>();
        List<List<String>> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Response r = i % 2 == 0
                    ? json("http://api.test/l?i=" + i, "{\"items\":[\"/a" + i + "\",\"/b" + i + "\"],\"c\":\"t" + i + "\"}")
                    : Fixtures.html("http://host.test/p" + i, "<a href=\"/x" + i + "\">x</a><a href=\"/y" + i + "\">y</a>");
            responses.add(r);
            expected.add(urls(d.discover(r)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 20; round++) {
                        for (int i = 0; i < responses.size(); i++) {
                            if (!urls(d.discover(responses.get(i))).equals(expected.get(i))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(expected.get(0)).containsExactly("http://api.test/l?i=0&c=t0", "http://api.test/a0", "http://api.test/b0");
        assertThat(expected.get(1)).containsExactly("http://host.test/x1", "http://host.test/y1");
    }
}
